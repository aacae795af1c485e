"""Passkeys (WebAuthn credentials): a sign-in with the phone's fingerprint, face or screen lock."""

from datetime import datetime

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class PasskeyCredential(SQLModel, table=True):
    __tablename__ = "passkey_credential"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    # base64url of the authenticator's credential id (at most 1023 bytes by the standard).
    credential_id: str = Field(max_length=1400, unique=True, index=True)
    public_key: bytes = Field(sa_type=LargeBinary)
    sign_count: int = 0
    transports: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

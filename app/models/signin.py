"""Half-finished sign-ins kept on the server: a passkey challenge, the step between password and
authenticator code, an OpenID Connect round trip. The browser holds only a random token; each
record is used once and expires within minutes."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class PendingSignIn(SQLModel, table=True):
    __tablename__ = "pending_sign_in"

    token_digest: str = Field(primary_key=True, max_length=64)
    purpose: str = Field(max_length=30)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True, ondelete="CASCADE")
    # JSON: the challenge, state, nonce or invitation the step needs.
    data: str = Field(default="{}", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)

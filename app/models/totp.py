"""Authenticator-app codes (TOTP) as an optional second step for staff sign-in."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class TotpSecret(SQLModel, table=True):
    __tablename__ = "totp_secret"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    secret: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # None until the consultant has confirmed a first code: only then is it asked for.
    enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last accepted time step, so one code cannot be used twice.
    last_used_step: int | None = None

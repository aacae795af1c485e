"""Server-side sessions and the sign-in attempt counters that slow down guessing."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class AuthSession(SQLModel, table=True):
    __tablename__ = "auth_session"

    # Only a digest of the cookie's token is kept, so a leaked table opens no session.
    token_digest: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    __tablename__ = "login_throttle"

    # What is being guessed at: "email:<address>", "code:<digest>", "totp:<user id>",
    # "invite:<invitation id>", or from where: "ip:<client>", "invite-ip:<client>", ...
    key: str = Field(primary_key=True, max_length=120)
    # Attempts counted so far, those under way included (app.identity.attempts).
    failures: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the present count began (a count with a window lapses after it).
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

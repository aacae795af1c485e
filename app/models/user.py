"""Everyone who signs in: citizens, consultants, and (later) network members and managers."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    citizen = "citizen"
    consultant = "consultant"
    network = "network"
    manager = "manager"
    admin = "admin"


class UserBase(SQLModel):
    name: str = Field(max_length=120)
    role: Role = Field(sa_column=Column(String(20), nullable=False, index=True))
    locale: str | None = Field(default=None, max_length=8)


class User(UserBase, table=True):
    __tablename__ = "app_user"
    # An erased person's id is never given to someone new (SQLite would reuse the highest id):
    # audit entries and any cached board keyed by that id must never point at another person.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=254, unique=True, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    # A citizen's personal invitation code is stored as a lookup digest, never in clear.
    invitation_digest: str | None = Field(default=None, max_length=64, unique=True, index=True)
    pin_hash: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # A staff account an administrator closed: no session, no sign-in, no access, until reopened.
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A first password someone else chose (`python -m app create-admin`): changed before anything.
    password_must_change: bool = Field(default=False)
    # A citizen who left the programme: erased when the retention period has passed since.
    case_closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def active(self) -> bool:
        return self.deactivated_at is None


class UserPublic(UserBase):
    id: int

"""Invitations: a one-time link (and QR code) with which a citizen or a network member chooses
how to sign in. Only a digest of the link's token is kept."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class InvitationKind(StrEnum):
    citizen = "citizen"
    network = "network"


class Invitation(SQLModel, table=True):
    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    token_digest: str = Field(max_length=64, unique=True, index=True)
    kind: InvitationKind = Field(sa_column=Column(String(20), nullable=False))
    # The citizen being invited, or the citizen who invites a network member.
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    invited_user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

"""The citizen's consents: each choice they make, yes or no, for one of the two things Tavle
asks about, with the version of the text they saw. Nothing is ever updated or deleted here: the
latest choice per scope is what holds, and the rows before it are the history."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class ConsentScope(StrEnum):
    # (a) My plan in Tavle is shared with my consultant.
    consultant = "consultant"
    # (b) The cards I choose are shared with my network.
    network = "network"


class ConsentRecord(SQLModel, table=True):
    __tablename__ = "consent_record"
    __table_args__ = (Index("ix_consent_record_latest", "citizen_id", "scope", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    scope: ConsentScope = Field(sa_column=Column(String(20), nullable=False))
    given: bool
    text_version: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

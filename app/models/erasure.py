"""A citizen's request to be erased: it waits in the administrators' queue until one of them
carries it out (then the citizen, and this row with them, are gone) or refuses it with a reason
the citizen reads."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

REASON_MAX = 1000


class ErasureStatus(StrEnum):
    waiting = "waiting"
    refused = "refused"


class ErasureRequest(SQLModel, table=True):
    __tablename__ = "erasure_request"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    status: ErasureStatus = Field(
        default=ErasureStatus.waiting, sa_column=Column(String(20), nullable=False, index=True)
    )
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    # Why it was refused, in the administrator's words: shown to the citizen.
    reason: str = Field(default="", max_length=REASON_MAX)

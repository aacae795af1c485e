"""Meetings held and planned, and the outcome that matters: wage hours and status, per month."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

NOTE_MAX = 300


class Meeting(SQLModel, table=True):
    """A conversation between the citizen and the consultant: held (in the past) or planned."""

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    # Indexed for the reminders, which look for the meetings of the next day.
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    note: str = Field(default="", max_length=NOTE_MAX)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutcomeStatus(StrEnum):
    searching = "searching"
    ordinary_job = "ordinary_job"
    education = "education"
    flex_job = "flex_job"
    wage_subsidy = "wage_subsidy"
    sick_leave = "sick_leave"
    other = "other"


class Outcome(SQLModel, table=True):
    """Recorded by the consultant, visible to the citizen. One row per citizen and month."""

    __table_args__ = (UniqueConstraint("citizen_id", "month", name="uq_outcome_citizen_month"),)

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    month: date  # the first day of the month
    wage_hours: int = Field(default=0, ge=0, le=744)
    status: OutcomeStatus = Field(
        default=OutcomeStatus.searching, sa_column=Column(String(20), nullable=False)
    )
    recorded_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

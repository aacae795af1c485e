"""Interventions in the citizen's plan, and how meaningful the citizen finds each, over time."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

REASON_MAX = 1000
DESCRIPTION_MAX = 1000


class Wish(StrEnum):
    undecided = "undecided"
    wants = "wants"
    rather_not = "rather_not"


class InterventionBase(SQLModel):
    # A key into the intervention menu (app/catalogue), e.g. "mentor" or "internship".
    kind: str = Field(max_length=40)
    provider: str = Field(default="", max_length=200)
    # What will happen, in plain words, written by whoever added it for the citizen to read.
    description: str = Field(default="", max_length=DESCRIPTION_MAX, sa_column_kwargs={"server_default": ""})
    starts_on: date | None = None
    ends_on: date | None = None


class Intervention(InterventionBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    wish: Wish = Field(default=Wish.undecided, sa_column=Column(String(20), nullable=False))
    wish_reason: str = Field(default="", max_length=REASON_MAX)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InterventionGoalLink(SQLModel, table=True):
    __tablename__ = "intervention_goal_link"

    intervention_id: int = Field(foreign_key="intervention.id", primary_key=True, ondelete="CASCADE")
    goal_id: int = Field(foreign_key="goal.id", primary_key=True, ondelete="CASCADE")


class MeaningfulnessRating(SQLModel, table=True):
    """The citizen's own answer; only the citizen gives it. Kept as history."""

    __tablename__ = "meaningfulness_rating"
    __table_args__ = (CheckConstraint("value >= 0 AND value <= 10", name="rating_0_10"),)

    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int = Field(foreign_key="intervention.id", index=True, ondelete="CASCADE")
    value: int = Field(ge=0, le=10)
    reason: str = Field(default="", max_length=REASON_MAX)
    rated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

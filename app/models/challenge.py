"""What the citizen wants to work on, in a life area, in their own words."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

TITLE_MAX = 200
WHY_MAX = 1000


class LifeArea(StrEnum):
    work = "work"
    education = "education"
    physical_health = "physical_health"
    mental_wellbeing = "mental_wellbeing"
    housing = "housing"
    money = "money"
    family_network = "family_network"
    addiction = "addiction"
    everyday_life = "everyday_life"
    transport = "transport"
    language = "language"


class ChallengeStatus(StrEnum):
    active = "active"
    parked = "parked"
    solved = "solved"
    # Suggested by the consultant, waiting for the citizen to accept it into the plan.
    suggested = "suggested"
    # A suggestion the citizen said "no thanks" to: kept, so the consultant sees the answer.
    declined = "declined"


class ChallengeBase(SQLModel):
    life_area: LifeArea = Field(sa_column=Column(String(30), nullable=False))
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    why: str = Field(default="", max_length=WHY_MAX)


class Challenge(ChallengeBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    status: ChallengeStatus = Field(
        default=ChallengeStatus.active, sa_column=Column(String(20), nullable=False)
    )
    position: int = 0
    catalogue_key: str | None = Field(default=None, max_length=60)
    on_agenda: bool = False
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Who last changed the wording, order or status, and when.
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

"""Goals in the citizen's words, and the 0–10 scale readings recorded over time."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

TITLE_MAX = 300
STEP_MAX = 300


class GoalBase(SQLModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)


class Goal(GoalBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    on_agenda: bool = False
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Who last changed the wording or the linked challenges, and when (None: never changed).
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The citizen's answer to "what would one step higher look like?", and when it was given.
    step_higher: str = Field(default="", max_length=STEP_MAX)
    step_higher_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class GoalChallengeLink(SQLModel, table=True):
    __tablename__ = "goal_challenge_link"

    goal_id: int = Field(foreign_key="goal.id", primary_key=True, ondelete="CASCADE")
    challenge_id: int = Field(foreign_key="challenge.id", primary_key=True, ondelete="CASCADE")


class ScaleKind(StrEnum):
    # "Where are you today?" — asked by the solution-focused scaling question.
    today = "today"
    # "How much do you believe you will get there?" — asked of each side separately.
    belief_citizen = "belief_citizen"
    belief_consultant = "belief_consultant"


class ScaleReading(SQLModel, table=True):
    """Never updated in place: every answer is a new row, so the history stays."""

    __tablename__ = "scale_reading"
    __table_args__ = (CheckConstraint("value >= 0 AND value <= 10", name="scale_0_10"),)

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    kind: ScaleKind = Field(default=ScaleKind.today, sa_column=Column(String(30), nullable=False))
    value: int = Field(ge=0, le=10)
    recorded_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

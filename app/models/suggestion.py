"""Comments and wording suggestions on a challenge or a goal.

The consultant never edits the citizen's words. They write a comment, or suggest a new wording
that changes the text only when the citizen accepts it; who decided, and when, is kept."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

SUGGESTION_MAX = 300


class TargetType(StrEnum):
    challenge = "challenge"
    goal = "goal"


class SuggestionKind(StrEnum):
    comment = "comment"
    wording = "wording"


class SuggestionStatus(StrEnum):
    # Comments stay "open"; wording suggestions wait as "pending" until the citizen decides.
    open = "open"
    pending = "pending"
    accepted = "accepted"
    declined = "declined"


class PlanSuggestion(SQLModel, table=True):
    __tablename__ = "plan_suggestion"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    target_type: TargetType = Field(sa_column=Column(String(20), nullable=False))
    target_id: int
    kind: SuggestionKind = Field(sa_column=Column(String(20), nullable=False))
    text: str = Field(min_length=1, max_length=SUGGESTION_MAX)
    status: SuggestionStatus = Field(
        default=SuggestionStatus.open, sa_column=Column(String(20), nullable=False)
    )
    author_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

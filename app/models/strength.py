"""What the citizen is good at and what already works: the solution-focused starting point."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

TEXT_MAX = 300


class StrengthBase(SQLModel):
    text: str = Field(min_length=1, max_length=TEXT_MAX)


class Strength(StrengthBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

"""When each person last looked at a board, for the "new since you last looked" marker."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class BoardSeen(SQLModel, table=True):
    __tablename__ = "board_seen"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    citizen_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The look before this one: what the open page marks as new, and what its live updates keep.
    previous_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

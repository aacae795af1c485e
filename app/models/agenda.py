"""Topics the citizen (or the consultant) wants to talk about at the next meeting, in their words."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

TOPIC_MAX = 300


class AgendaTopic(SQLModel, table=True):
    __tablename__ = "agenda_topic"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    text: str = Field(min_length=1, max_length=TOPIC_MAX)
    # Talked about: off the agenda, but kept so nobody's words disappear.
    done: bool = False
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

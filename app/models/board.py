"""The board's version, and what a person may undo on it for a short while."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Board(SQLModel, table=True):
    citizen_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    # Rises with every change so a reconnecting view knows what it missed.
    version: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BoardUndo(SQLModel, table=True):
    """The state of a card before a move or a delete, kept so its author can take it back.
    The server keeps it, so undo works without JavaScript too."""

    __tablename__ = "board_undo"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE")
    agreement_id: int = Field(foreign_key="agreement.id", ondelete="CASCADE")
    # "move" or "delete"
    action: str = Field(max_length=20)
    before_status: str = Field(max_length=20)
    before_position: int
    after_status: str = Field(max_length=20)
    after_position: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

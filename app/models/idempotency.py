"""The first answer to each change a client sent with its own key, kept for a day, so that the
same change sent again (a replay from the phone's outbox, a double tap, a resent form) gets that
answer instead of being made twice (app.core.idempotency)."""

from datetime import datetime

from sqlalchemy import LargeBinary, Text
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class IdempotentRequest(SQLModel, table=True):
    __tablename__ = "idempotent_request"

    # SHA-256 of who sent it, their key, and what they sent (method, path, form fields).
    digest: str = Field(primary_key=True, max_length=64)
    # Whose answer it is (none before sign-in): erasing a person erases their answers too.
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # Set in the change's own transaction: the change was made, whatever became of the answer.
    committed: bool = False
    # None while the first request is still being answered.
    status_code: int | None = None
    # The answer's headers as JSON pairs, and its body.
    headers: str = Field(default="", sa_type=Text)
    body: bytes = Field(default=b"", sa_type=LargeBinary)

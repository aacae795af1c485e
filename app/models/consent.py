"""The citizen's consent to the shared plan: given, and possibly withdrawn, with the text version."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class ConsentRecord(SQLModel, table=True):
    __tablename__ = "consent_record"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    text_version: str = Field(max_length=20)
    given_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

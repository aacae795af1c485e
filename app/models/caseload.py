"""Which citizens a consultant works with: the consultant's caseload."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class CaseloadLink(SQLModel, table=True):
    __tablename__ = "caseload_link"

    consultant_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    citizen_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

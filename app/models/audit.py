"""Who read or changed a citizen's data, in which role, and when. Kept when the citizen is erased
(without personal content), so the erasure itself stays accountable."""

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    # No foreign keys on purpose: the trail must outlive the people it names.
    actor_id: int | None = Field(default=None, index=True)
    actor_name: str = Field(default="", max_length=120)
    actor_role: str = Field(sa_column=Column(String(20), nullable=False))
    citizen_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=10)  # "read", "change", "erase", "consent", "access", "erasure"
    # A request ("GET /citizens/{citizen_id}/board"), or what changed ("consent:consultant:given").
    target: str = Field(default="", max_length=300)
    # Whom a change of access was about (the consultant removed, say), named as they were then.
    subject_name: str = Field(default="", max_length=120)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)

"""The people a citizen chooses to involve: family, a friend, a mentor. The citizen adds and
removes them; a removed member's sign-in ends at once."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class NetworkLink(SQLModel, table=True):
    __tablename__ = "network_link"

    citizen_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="app_user.id", primary_key=True, index=True, ondelete="CASCADE")
    # In the citizen's own words: "my sister", "mentor".
    relation: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

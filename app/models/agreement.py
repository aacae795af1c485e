"""Agreements: who does what by when. The cards on the board."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, String, false
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

WHAT_MAX = 300
WHO_NAME_MAX = 120


class AgreementStatus(StrEnum):
    todo = "todo"
    doing = "doing"
    done = "done"
    dropped = "dropped"


class Actor(StrEnum):
    citizen = "citizen"
    consultant = "consultant"
    network = "network"
    mentor = "mentor"
    employer = "employer"
    other = "other"


class AgreementBase(SQLModel):
    what: str = Field(min_length=1, max_length=WHAT_MAX)
    who: Actor = Field(default=Actor.citizen, sa_column=Column(String(20), nullable=False))
    who_name: str = Field(default="", max_length=WHO_NAME_MAX)
    # Indexed for the reminders, which look for the agreements due tomorrow.
    due_on: date | None = Field(default=None, index=True)
    goal_id: int | None = Field(default=None, foreign_key="goal.id", ondelete="SET NULL")
    # The named person's own account, when they have one (a network member). Naming them does
    # not show them the card: only the citizen's choice to share it does (`shared`).
    who_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")


class Agreement(AgreementBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    status: AgreementStatus = Field(
        default=AgreementStatus.todo, sa_column=Column(String(20), nullable=False)
    )
    position: int = 0
    # Agreed when both sides have accepted; from then on the wording is locked.
    accepted_by_citizen: bool = False
    accepted_by_consultant: bool = False
    on_agenda: bool = False
    # "Shared with my network" (True) or "between me and my consultant" (False, the default).
    # Only the citizen changes it; a network member sees only shared cards.
    shared: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The wording's version: rises with every change to what, who, when or goal, so two people
    # editing at once cannot overwrite each other. Moving a card does not change the wording.
    revision: int = 1
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Deleting only hides the card for a while, so that it can be undone; purged later.
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def agreed(self) -> bool:
        return self.accepted_by_citizen and self.accepted_by_consultant


class AgreementRevision(SQLModel, table=True):
    """What an agreement said before a change, and who changed it when."""

    __tablename__ = "agreement_revision"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True, ondelete="CASCADE")
    revision: int
    what: str = Field(max_length=WHAT_MAX)
    who: str = Field(max_length=20)
    who_name: str = Field(default="", max_length=WHO_NAME_MAX)
    due_on: date | None = None
    status: str = Field(max_length=20)
    changed_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

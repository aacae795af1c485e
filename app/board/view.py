"""The board as one viewer sees it: what they may see of it, and their own "new" markers.

Every change to anything the board shows goes through app.board.changes, which raises the
board's version and publishes the change to every open view, in every process."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlmodel import Session

from app import clock
from app.board.read import BoardData, Card
from app.models import AgreementStatus, BoardSeen, Role, User
from app.models.base import utcnow

COLUMNS = (AgreementStatus.todo, AgreementStatus.doing, AgreementStatus.done)

# The parts of the board page that can be sent on their own; what each kind of change touches.
# The agenda is a region of the meeting screen only (MEETING_REGIONS): what the citizen marks to
# talk about (a topic, a challenge, a goal, a card) shows there as it happens.
REGIONS = ("presence", "consent", "agenda", "challenges", "goals", "strengths", "interventions", "columns")
MEETING_REGIONS = frozenset({"agenda"})
DATA_REGIONS = frozenset(REGIONS) - {"presence"}
KIND_REGIONS: dict[str, frozenset[str]] = {
    "agreement": frozenset({"columns", "agenda"}),
    "agenda": frozenset({"agenda"}),
    "challenge": frozenset({"challenges", "agenda"}),
    "goal": frozenset({"goals", "columns", "agenda"}),
    "reading": frozenset({"goals"}),
    "strength": frozenset({"strengths"}),
    "intervention": frozenset({"interventions"}),
    "rating": frozenset({"interventions"}),
    "presence": frozenset({"presence"}),
}


def regions_for(kinds: Iterable[str]) -> frozenset[str]:
    """Which regions to re-render for these kinds of change; anything unknown redraws all data."""
    regions: set[str] = set()
    for kind in kinds:
        regions |= KIND_REGIONS.get(kind, DATA_REGIONS)
    return frozenset(regions)


# -- who may see what --------------------------------------------------------------------------


def may_see_plan(viewer: User) -> bool:
    """Challenges, goals and strengths: the citizen and their consultant (access checked before)."""
    return viewer.role in (Role.citizen, Role.consultant)


def may_see_agreement(viewer: User, agreement: Card) -> bool:
    """A network member sees only the cards the citizen shared with the network; nobody else
    outside the two. (Access to the board itself is checked before, in app.access.rules.)"""
    if viewer.role == Role.citizen:
        return viewer.id == agreement.citizen_id
    if viewer.role == Role.consultant:
        return True
    if viewer.role == Role.network:
        return agreement.shared
    return False


def may_change(viewer: User) -> bool:
    return viewer.role in (Role.citizen, Role.consultant)


@dataclass
class BoardView:
    """The board as one viewer sees it: only what they may see, with their own "new" markers."""

    data: BoardData
    viewer: User
    seen_at: datetime | None
    today: date = field(default_factory=clock.today)

    @property
    def version(self) -> int:
        return self.data.version

    @property
    def citizen(self) -> User:
        return self.data.citizen

    @property
    def shows_plan(self) -> bool:
        return may_see_plan(self.viewer)

    @property
    def can_change(self) -> bool:
        return may_change(self.viewer)

    @property
    def is_citizen(self) -> bool:
        return self.viewer.id == self.data.citizen.id

    # A view is drawn from one board at one version and never changes: what the viewer may see
    # is worked out once, not again for every column and every card the templates ask about.
    @cached_property
    def agreements(self) -> list[Card]:
        return [a for a in self.data.agreements if may_see_agreement(self.viewer, a)]

    @cached_property
    def _columns(self) -> dict[str, list[Card]]:
        columns: dict[str, list[Card]] = {}
        for card in self.agreements:
            columns.setdefault(card.status, []).append(card)
        return columns

    def column(self, status: str) -> list[Card]:
        return self._columns.get(status, [])

    @property
    def columns(self) -> list[tuple[str, list[Card]]]:
        """Every column in board order, the dropped cards last (folded away on the page)."""
        return [(status, self.column(status)) for status in (*COLUMNS, AgreementStatus.dropped)]

    def find(self, agreement_id: int | None) -> Card | None:
        return next((a for a in self.agreements if a.id == agreement_id), None)

    def overdue(self, agreement: Card) -> bool:
        return bool(
            agreement.due_on
            and agreement.due_on < self.today
            and agreement.status in (AgreementStatus.todo, AgreementStatus.doing)
        )

    def marker(self, agreement: Card) -> str | None:
        """Says "new" or "changed" when someone else touched the card since this viewer looked."""
        if self.seen_at is None or agreement.updated_at <= self.seen_at:
            return None
        if agreement.updated_by_id == self.viewer.id:
            return None
        return "new" if agreement.created_at > self.seen_at else "changed"

    def waits_for_me(self, agreement: Card) -> bool:
        if agreement.agreed:
            return False
        if self.viewer.role == Role.citizen:
            return not agreement.accepted_by_citizen
        if self.viewer.role == Role.consultant:
            return not agreement.accepted_by_consultant
        return False

    def person(self, user_id: int | None) -> User | None:
        return self.data.people.get(user_id) if user_id else None


def last_look(*, session: Session, viewer_id: int, citizen_id: int) -> datetime | None:
    """What the page the viewer has open marks as new against (None: never looked before)."""
    seen = _seen(session, viewer_id, citizen_id)
    return seen.previous_seen_at if seen else None


def mark_seen(
    *, session: Session, viewer_id: int, citizen_id: int, changed_at: datetime | None
) -> datetime | None:
    """Records that the viewer opens the board now; returns when they looked before. A first
    look marks nothing as new: everything is.

    When the board has not changed since the look before the last one, moving both looks on
    would mark the same cards (none changed in between), so nothing is written: a board
    reloaded or reopened again and again costs no write."""
    row = _seen(session, viewer_id, citizen_id)
    if row and row.previous_seen_at and changed_at and changed_at <= row.previous_seen_at:
        return row.previous_seen_at
    now = utcnow()
    if row is None:
        row = BoardSeen(user_id=viewer_id, citizen_id=citizen_id, seen_at=now, previous_seen_at=now)
    else:
        row.previous_seen_at, row.seen_at = row.seen_at, now
    session.add(row)
    session.commit()
    return row.previous_seen_at


def _seen(session: Session, viewer_id: int, citizen_id: int) -> BoardSeen | None:
    return session.get(BoardSeen, (viewer_id, citizen_id))

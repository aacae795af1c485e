"""The board as one viewer sees it: what they may see of it, and their own "new" markers.

Every change to anything the board shows goes through app.board.changes, which raises the
board's version and publishes the change to every open view, in every process."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from app import clock
from app.board.read import GENERAL_THREAD, BoardData, Card, ThreadMark
from app.core.db import column_rows
from app.live import Event, Hub
from app.live.unit_of_work import unit_of_work
from app.models import AgreementStatus, BoardSeen, Role, User
from app.models.base import utcnow
from app.models.conversation import side_of

COLUMNS = (AgreementStatus.todo, AgreementStatus.doing, AgreementStatus.done)

# The parts of the board page that can be sent on their own; what each kind of change touches.
# The agenda is a region of the meeting screen only (MEETING_REGIONS): what the citizen marks to
# talk about (a topic, a challenge, a goal, a card) shows there as it happens.
REGIONS = (
    "presence",
    "consent",
    "talk",
    "agenda",
    "challenges",
    "goals",
    "strengths",
    "interventions",
    "columns",
)
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
    # A message: its card's count and flag, and the general thread's.
    "message": frozenset({"columns", "talk"}),
    "presence": frozenset({"presence"}),
}


def regions_for(kinds: Iterable[str]) -> frozenset[str]:
    """Which regions to re-render for these kinds of change; anything unknown redraws all data."""
    regions: set[str] = set()
    for kind in kinds:
        regions |= KIND_REGIONS.get(kind, DATA_REGIONS)
    return frozenset(regions)


def catch_up(
    *, hub: Hub, channel: str, known: int | None, version: int
) -> tuple[frozenset[str], list[Event]]:
    """What a view that shows version `known` (None: unknown) redraws to show `version`: the
    regions the missed changes touched, with those changes (to announce), when the hub still
    remembers them; else every region of data, and nothing to announce. No regions: up to date."""
    if known is not None and known == version:
        return frozenset(), []
    missed = hub.history(channel, known) if known is not None and known < version else None
    if missed and missed[-1].version >= version:
        return regions_for(e.kind for e in missed), missed
    return DATA_REGIONS, []


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
    # When the page this view is drawn for was opened (this look): what changed after it, the
    # viewer watched happen live, so it is not "new since you last looked".
    opened_at: datetime | None = None
    # A stream that came back after a gap: what changed while it was away (from, until) is new.
    away: tuple[datetime, datetime] | None = None
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
        missed = self.away is not None and self.away[0] < agreement.updated_at <= self.away[1]
        if self.opened_at is not None and agreement.updated_at > self.opened_at and not missed:
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

    def talks_on(self, agreement: Card) -> bool:
        """Takes part in the card's conversation: the citizen and the consultant; a network
        member on a shared card that names them (as `app.access.rules.may_take_part`)."""
        if self.viewer.role == Role.network:
            return agreement.shared and agreement.who_user_id == self.viewer.id
        return self.can_change

    def thread(self, agreement: Card) -> ThreadMark | None:
        return self.data.threads.get(agreement.id)

    @property
    def general_thread(self) -> ThreadMark | None:
        return self.data.threads.get(GENERAL_THREAD)

    @property
    def awaits_my_general_answer(self) -> bool:
        mark = self.general_thread
        return bool(mark and self.can_change and mark.waiting_for == side_of(self.viewer.role))

    def awaits_my_answer(self, agreement: Card) -> bool:
        mark = self.thread(agreement)
        return bool(mark and self.can_change and mark.waiting_for == side_of(self.viewer.role))

    def person(self, user_id: int | None) -> User | None:
        return self.data.people.get(user_id) if user_id else None


@dataclass(frozen=True)
class Look:
    """The page the viewer has open marks as new what changed after `since` (their look before,
    None: never looked) and before `opened` (this look; after it they watched it live)."""

    since: datetime | None
    opened: datetime | None


# Asked by every answer that draws the board: built (and keyed) once.
_LOOK = select(BoardSeen.previous_seen_at, BoardSeen.seen_at).where(
    BoardSeen.user_id == bindparam("viewer_id"), BoardSeen.citizen_id == bindparam("citizen_id")
)


def last_look(*, session: Session, viewer_id: int, citizen_id: int) -> Look:
    rows = column_rows(session, _LOOK, {"viewer_id": viewer_id, "citizen_id": citizen_id})
    return Look(rows[0][0], rows[0][1]) if rows else Look(None, None)


def watched_until(*, session: Session, viewer_id: int, citizen_id: int) -> None:
    """The viewer's live view closed now: everything until now they watched happen, so their
    next look marks as new only what changed after this."""
    now = utcnow()
    with unit_of_work(session):
        session.execute(
            update(BoardSeen)
            .where(
                col(BoardSeen.user_id) == viewer_id,
                col(BoardSeen.citizen_id) == citizen_id,
                col(BoardSeen.seen_at) < now,
            )
            .values(seen_at=now)
        )


def mark_seen(*, session: Session, viewer_id: int, citizen_id: int, changed_at: datetime | None) -> Look:
    """Records that the viewer opens the board now; returns that look (since when they looked
    before, and now). A first look marks nothing as new: everything is.

    When the board has not changed since the look before the last one, moving both looks on
    would mark the same cards (none changed in between), so nothing is written: a board
    reloaded or reopened again and again costs no write."""
    row = _seen(session, viewer_id, citizen_id)
    if row and row.previous_seen_at and changed_at and changed_at <= row.previous_seen_at:
        return Look(row.previous_seen_at, row.seen_at)
    now = utcnow()
    if row is None:
        row = BoardSeen(user_id=viewer_id, citizen_id=citizen_id, seen_at=now, previous_seen_at=now)
    else:
        row.previous_seen_at, row.seen_at = row.seen_at, now
    session.add(row)
    session.commit()
    return Look(row.previous_seen_at, row.seen_at)


def _seen(session: Session, viewer_id: int, citizen_id: int) -> BoardSeen | None:
    return session.get(BoardSeen, (viewer_id, citizen_id))

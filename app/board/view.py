"""The board: its version, what it shows, and to whom.

Every change to anything the board shows goes through `board_changed`, which raises the board's
version and publishes the change to every open view, in every process."""

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import Engine, bindparam, update
from sqlmodel import Session, col, select

from app.board.cache import cache_for
from app.board.read import BoardData, Card
from app.core.driver import Prepared
from app.core.row_cache import Seen, session_caches
from app.live import Event, Hub, board_channel, hub_for
from app.models import (
    AgreementStatus,
    Board,
    BoardSeen,
    Role,
    User,
)
from app.models.base import utcnow

COLUMNS = (AgreementStatus.todo, AgreementStatus.doing, AgreementStatus.done)

# The parts of the board page that can be sent on their own; what each kind of change touches.
REGIONS = ("presence", "challenges", "goals", "strengths", "interventions", "columns")
DATA_REGIONS = frozenset(REGIONS) - {"presence"}
KIND_REGIONS: dict[str, frozenset[str]] = {
    "agreement": frozenset({"columns"}),
    "challenge": frozenset({"challenges"}),
    "goal": frozenset({"goals", "columns"}),
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


def board_changed(
    *,
    session: Session,
    citizen_id: int,
    kind: str = "board",
    action: str = "",
    item_id: int | None = None,
    actor_id: int | None = None,
    hub: Hub | None = None,
) -> int:
    """Raises the board's version by one, commits, publishes, and returns the new version.

    Call it after making any change to what the board shows (it commits the change with the
    version). `kind` says what changed ("agreement", "challenge", "goal", "reading", "strength";
    the default "board" redraws everything), `action` and `item_id` which item and how (used
    for the spoken announcement), `actor_id` who did it (their own views then do not announce
    it back to them).

    The hub is found through the session's engine (the app factory registers its hub against
    its engine), so callers never pass it; `hub=` is for tests. Routes run in a threadpool: the
    hub's `before_commit`/`after_commit` hand the event to the event loop thread-safely (the
    in-process hub) or NOTIFY inside this transaction (PostgreSQL delivers it on commit)."""
    change = claim_version(session=session, citizen_id=citizen_id)
    publish(
        session=session,
        change=change,
        kind=kind,
        action=action,
        item_id=item_id,
        actor_id=actor_id,
        hub=hub,
    )
    return change.version


@dataclass(frozen=True)
class Claim:
    citizen_id: int
    version: int
    at: datetime


def claim_version(*, session: Session, citizen_id: int) -> Claim:
    """Raises the board's version inside the session's transaction. Taken first, it also holds
    the board's write lock (SQLite: the file's; PostgreSQL: the board row's) until the commit,
    so a change that reads the board after it reads what no one else is changing."""
    now = utcnow()
    version = RAISE_VERSION.execute(session, {"board": citizen_id, "now": now})
    if version is None:
        session.add(Board(citizen_id=citizen_id, version=1, updated_at=now))
        session.flush()
        version = 1
    return Claim(citizen_id=citizen_id, version=version, at=now)


RAISE_VERSION = Prepared(
    update(Board)
    .where(col(Board.citizen_id) == bindparam("board"))
    .values(version=col(Board.version) + 1, updated_at=bindparam("now"))
    .returning(col(Board.version))
)


def publish(
    *,
    session: Session,
    change: Claim,
    kind: str,
    action: str = "",
    item_id: int | None = None,
    actor_id: int | None = None,
    hub: Hub | None = None,
    placed: tuple[tuple[int, str, int], ...] = (),
    patch: Callable[[BoardData], BoardData | None] | None = None,
    view: str = "",
) -> None:
    """Commits the change that claimed `change.version`, then tells every open view. `placed`:
    for a card move, where every card it touched went (the event carries it, so other processes
    can follow without reading the board). `patch`: the board before the change -> after it,
    when the caller knows exactly what it changed (then this process's copy is brought up to
    date without reading it again). `view`: the open view the change came from, whose answer
    carries every part the change touched (see `Event.view`)."""
    bind = session.get_bind()
    hub = hub or hub_for(bind)
    event = Event(
        channel=board_channel(change.citizen_id),
        version=change.version,
        kind=kind,
        action=action,
        item_id=item_id,
        actor_id=actor_id,
        placed=placed,
        at=change.at.isoformat() if placed else "",
        view=view,
    )
    if hub is not None:
        hub.before_commit(session, event)
    session.commit()
    # The writer's own answer and every view here need the new read: it is made once, now, and
    # whoever the event wakes meanwhile waits for it rather than reading the board again.
    cache = cache_for(bind) if isinstance(bind, Engine) else None
    with cache.reading(change.citizen_id) if cache is not None else nullcontext():
        if hub is not None:
            hub.after_commit(event)
        if cache is not None:
            cache.advance(
                citizen_id=change.citizen_id,
                version=change.version,
                kind=kind,
                connect=session.connection,
                changed_at=change.at,
                patch=patch,
            )


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
    today: date = field(default_factory=date.today)

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
    seen = _seen(session, viewer_id, citizen_id)
    if seen and seen.previous_seen_at and changed_at and changed_at <= seen.previous_seen_at:
        return seen.previous_seen_at
    row = session.get(BoardSeen, (viewer_id, citizen_id))
    now = utcnow()
    if row is None:
        row = BoardSeen(user_id=viewer_id, citizen_id=citizen_id, seen_at=now, previous_seen_at=now)
    else:
        row.previous_seen_at, row.seen_at = row.seen_at, now
    session.add(row)
    session.commit()
    return row.previous_seen_at


def _seen(session: Session, viewer_id: int, citizen_id: int) -> Seen | None:
    def read() -> Seen | None:
        row = session.exec(
            select(BoardSeen.seen_at, BoardSeen.previous_seen_at).where(
                BoardSeen.user_id == viewer_id, BoardSeen.citizen_id == citizen_id
            )
        ).first()
        return Seen(seen_at=row[0], previous_seen_at=row[1]) if row else None

    return session_caches(session).seen.get_or_make((viewer_id, citizen_id), read)

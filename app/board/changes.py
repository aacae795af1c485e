"""The one write path for everything a board shows.

`board_change` is a unit of work: its first statement raises the board's version, which holds
the board's write lock until the commit (PostgreSQL: the board row's; SQLite: the file's), so
what the change reads after it is what no one else is changing. The block then makes the change,
and at the end it is committed together with the new version and published to every open view,
in every process. A person other than the citizen whom the request let in is asked again, under
the lock, whether they still may (`app.access.rules.still_visible`). Nothing else may write a
board's content: a session that tries (an ORM flush, or an UPDATE, INSERT or DELETE statement on
one of `CONTENT_TABLES`) outside a board change raises `OutsideBoardChange` before anything is
written."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import bindparam, event, orm
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from sqlmodel import Session, col, select

from app.access.rules import still_visible
from app.core.request_scope import originating_view
from app.live.hub import Event, board_channel, caseload_channel
from app.live.unit_of_work import UnitOfWork, unit_of_work
from app.models import (
    AgendaTopic,
    Agreement,
    AgreementRevision,
    Board,
    BoardUndo,
    CaseloadLink,
    Challenge,
    Goal,
    GoalChallengeLink,
    Intervention,
    InterventionGoalLink,
    MeaningfulnessRating,
    Message,
    ScaleReading,
    Strength,
    Thread,
)
from app.models.base import utcnow

CONTENT_MODELS: tuple[type[Any], ...] = (
    AgendaTopic,
    Agreement,
    AgreementRevision,
    Board,
    BoardUndo,
    Challenge,
    Goal,
    GoalChallengeLink,
    Intervention,
    InterventionGoalLink,
    MeaningfulnessRating,
    Message,
    ScaleReading,
    Strength,
    Thread,
)
CONTENT_TABLES = frozenset(model.__tablename__ for model in CONTENT_MODELS)
ACTIVE = "tavle_board_change"
# For seeding and test set-up only: content written straight to the database, no live view open.
DIRECT = "tavle_direct_writes"


class OutsideBoardChange(Exception):
    """Board content was about to be written outside `board_change`."""


@dataclass
class BoardChange:
    citizen_id: int
    version: int
    at: datetime
    kind: str
    action: str
    actor_id: int | None
    # Which item changed, when the block knows it only after a flush (a new card's id).
    item_id: int | None = None
    unit: UnitOfWork | None = None

    def publish(self, event: Event) -> None:
        """Another event to send with this change (say, to the consultants' caseload views)."""
        assert self.unit is not None
        self.unit.publish(event)


@contextmanager
def board_change(
    session: Session,
    *,
    citizen_id: int,
    kind: str = "board",
    action: str = "",
    actor_id: int | None = None,
    item_id: int | None = None,
) -> Iterator[BoardChange]:
    """Raises the board's version, runs the block, commits, publishes. `kind` says what changed
    ("agreement", "challenge", "goal", "reading", "strength", "intervention", "rating", "agenda";
    "board"
    redraws everything), `action` and `item_id` which item and how (for the spoken
    announcement), `actor_id` who did it. Raise inside the block to undo all of it. What the
    block reads is current: read what a change depends on inside the block, not before it."""
    with unit_of_work(session) as work:
        session.info[ACTIVE] = True
        try:
            # The version first: objects changed in memory before the block are written after it.
            with session.no_autoflush:
                version, at = _raise_version(session, citizen_id)
            # Whoever this request let in to the board may still be there: asked again now that
            # the lock is held, so consent withdrawn (or access ended) a moment ago holds.
            still_visible(session=session, citizen_id=citizen_id)
            change = BoardChange(citizen_id, version, at, kind, action, actor_id, item_id, work)
            session.info[ACTIVE] = change
            yield change
            session.flush()
        finally:
            session.info.pop(ACTIVE, None)
        work.publish(
            Event(
                channel=board_channel(citizen_id),
                version=version,
                kind=kind,
                action=change.action,
                item_id=change.item_id,
                actor_id=actor_id,
                view=originating_view(),
            )
        )


def tell_caseloads(*, session: Session, change: BoardChange, citizen_id: int, kind: str) -> None:
    """Every consultant of the citizen redraws their caseload when this change commits. No
    content goes out: each caseload view reads again for its own viewer."""
    consultants = session.exec(
        select(CaseloadLink.consultant_id).where(CaseloadLink.citizen_id == citizen_id)
    ).all()
    for consultant_id in consultants:
        change.publish(
            Event(
                channel=caseload_channel(consultant_id),
                version=0,
                kind=kind,
                item_id=citizen_id,
                actor_id=change.actor_id,
            )
        )


def _raising(insert: Callable[[type[Board]], Any]) -> Any:
    """One statement on both databases: the first change of a board makes its row."""
    first = insert(Board).values(citizen_id=bindparam("citizen_id"), version=1, updated_at=bindparam("now"))
    return first.on_conflict_do_update(
        index_elements=[col(Board.citizen_id)],
        set_={"version": col(Board.version) + 1, "updated_at": first.excluded.updated_at},
    ).returning(col(Board.version))


# Every change runs it: built (and its cache key made) once for each database.
_RAISE_VERSION = {"postgresql": _raising(postgresql.insert), "sqlite": _raising(sqlite.insert)}


def _raise_version(session: Session, citizen_id: int) -> tuple[int, datetime]:
    now = utcnow()
    statement = _RAISE_VERSION[session.get_bind().dialect.name]
    raised: int = session.execute(statement, {"citizen_id": citizen_id, "now": now}).scalar_one()
    return raised, now


@contextmanager
def direct_writes(session: Session) -> Iterator[Session]:
    """Seeding the demo and setting up tests: content written with no board change and no
    event (nobody is looking yet)."""
    session.info[DIRECT] = True
    try:
        yield session
    finally:
        session.info.pop(DIRECT, None)


def _allowed(session: orm.Session) -> bool:
    return session.info.get(ACTIVE) is not None or bool(session.info.get(DIRECT))


@event.listens_for(Session, "before_flush")
def _flush_only_inside(session: Session, _context: UOWTransaction, _instances: object) -> None:
    if _allowed(session):
        return
    for item in chain(session.new, session.dirty, session.deleted):
        if isinstance(item, CONTENT_MODELS) and (item not in session.dirty or session.is_modified(item)):
            raise OutsideBoardChange(f"{type(item).__name__} written outside a board change")


@event.listens_for(Session, "do_orm_execute")
def _statements_only_inside(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete) or _allowed(state.session):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in CONTENT_TABLES:
        raise OutsideBoardChange(f"{state.statement} outside a board change")

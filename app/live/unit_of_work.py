"""The one way a change leaves a request: written, committed, then published, in that order.

Events go out only for what was committed: on PostgreSQL the NOTIFY is part of the change's own
transaction (delivered to every process when it commits, never when it rolls back); in-process,
they are handed to the hub after the commit. A unit of work knows channels, not boards
(app.board.changes builds the board's versioned change on it)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from app.core.idempotency import mark_committed
from app.live import hub_for
from app.live.hub import Event

ACTIVE = "tavle_unit_of_work"


class UnitOfWork:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events: list[Event] = []

    def publish(self, event: Event) -> None:
        """Sent once the change commits; dropped if it does not."""
        self.events.append(event)


@contextmanager
def unit_of_work(session: Session) -> Iterator[UnitOfWork]:
    """Everything done to `session` inside is one transaction: committed at the end and then
    published, or rolled back (and nothing published) when the block raises."""
    if session.info.get(ACTIVE) is not None:
        raise RuntimeError("a unit of work is already open on this session")
    work = UnitOfWork(session)
    session.info[ACTIVE] = work
    try:
        yield work
        session.flush()
        # A change sent with a client's key: its claim says so in this same transaction.
        mark_committed(session)
        hub = hub_for(session.get_bind())
        if hub is not None:
            for event in work.events:
                hub.before_commit(session, event)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(ACTIVE, None)
    if hub is not None:
        for event in work.events:
            hub.after_commit(event)


def current(session: Session) -> UnitOfWork | None:
    unit: UnitOfWork | None = session.info.get(ACTIVE)
    return unit

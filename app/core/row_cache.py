"""Process-local copies of the few rows that nearly every request reads: who a session belongs
to, the signed-in user, who may see which citizen, and when a viewer last looked at a board.

Reading them from the database cost more than the rest of a board page together. A copy is good
until the row changes: every commit that changes one of these tables drops the copies it
touched, here at once and in every other process through the hub (PostgreSQL NOTIFY, sent inside
the committing transaction; see `app.core.invalidation`). When the hub loses its
connection, and so may have missed a change, every copy goes. Copies also expire after five
minutes, so a change made behind the app's back (by hand in the database) does not live on
for longer; copies made together expire spread over the second half of that time, not all at
once. Whether a session has ended (its idle limit, its expiry) is checked against the copy on
every request. Five minutes, not one: with 2,000 viewers, copies expiring each minute sent a
few hundred requests a second to the database and a worker thread, and took about a seventh of
the server's CPU at 300 card moves a second (3.5 -> 3.0 ms per move, measured with bench/).

The users handed out are shared, detached and read-only: code that changes a user loads the
row in its own session (adding a shared copy to a session raises, see `invalidation`)."""

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary, WeakValueDictionary

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from app.core.memo import Memo
from app.models import User

# Table name -> the keys of the rows that changed; None: any row of the table.
Changes = dict[str, set[Any] | None]

SECONDS = 300.0
# Copies made together (all viewers after a restart) expire over the last half of that time.
SPREAD = 0.5
# Reads of a citizen's data by the same person within this time are one audit entry.
AUDITED_SECONDS = 60.0
SIZE = 50_000
SESSIONS = "auth_session"
USERS = "app_user"
SEEN = "board_seen"
ACCESS_TABLES = ("caseload_link", "network_link")
TABLES = (SESSIONS, USERS, SEEN, *ACCESS_TABLES)


@dataclass(frozen=True)
class SessionRecord:
    user_id: int
    expires_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class Seen:
    """A viewer's last two looks at a board (None: never looked)."""

    seen_at: datetime
    previous_seen_at: datetime | None


class RowCaches:
    def __init__(self) -> None:
        self.sessions: Memo[str, SessionRecord] = Memo(size=SIZE, seconds=SECONDS, spread=SPREAD)
        self.users: Memo[int, User] = Memo(size=SIZE, seconds=SECONDS, spread=SPREAD)
        # (viewer id, viewer role, citizen id) -> may the viewer open the citizen's board.
        self.access: Memo[tuple[int, str, int], bool] = Memo(size=SIZE, seconds=SECONDS, spread=SPREAD)
        self.seen: Memo[tuple[int, int], Seen | None] = Memo(size=SIZE, seconds=SECONDS, spread=SPREAD)
        # Reads already in the audit trail: (reader id, citizen id, page) -> True, for a minute.
        self.audited: Memo[tuple[int | None, int, str], bool] = Memo(size=SIZE, seconds=AUDITED_SECONDS)
        # Shared users, by id(): to refuse them a place in a session (they are read-only).
        self.shared: WeakValueDictionary[int, User] = WeakValueDictionary()

    def share_user(self, user: User, generation: int) -> User:
        assert user.id is not None
        self.shared[id(user)] = user
        self.users.put(user.id, user, generation)
        return user

    def is_shared(self, instance: object) -> bool:
        return self.shared.get(id(instance)) is instance

    def apply(self, changes: Changes | None) -> None:
        """Drops what `changes` touched; None: everything (a change may have been missed)."""
        if changes is None:
            self.clear()
            return
        for table, keys in changes.items():
            if table == SESSIONS:
                self._drop(self.sessions, keys)
            elif table == USERS:
                if keys is None:
                    # A person was deleted: their sessions, access and looks go with them.
                    self.clear()
                else:
                    self.users.drop(keys)
            elif table == SEEN:
                self._drop(self.seen, keys)
            elif table in ACCESS_TABLES:
                self.access.clear()

    @staticmethod
    def _drop(memo: Memo[Any, Any], keys: Iterable[Any] | None) -> None:
        if keys is None:
            memo.clear()
        else:
            memo.drop(keys)

    def clear(self) -> None:
        for memo in (self.sessions, self.users, self.access, self.seen):
            memo.clear()


_by_engine: "WeakKeyDictionary[Engine, RowCaches]" = WeakKeyDictionary()
_by_database: dict[str, RowCaches] = {}
_guard = threading.Lock()


def caches_for(bind: Engine | Connection | Any) -> RowCaches:
    """The caches of one database. Engines on the same database in one process share them, so
    a change through any of them is seen by all (tests run several apps in one process)."""
    engine = bind.engine if isinstance(bind, Connection) else bind
    caches = _by_engine.get(engine)
    if caches is not None:
        return caches
    with _guard:
        caches = _by_database.setdefault(database_of(engine), RowCaches())
        _by_engine[engine] = caches
        return caches


def database_of(bind: Engine | Connection) -> str:
    """Which database an engine or connection is on: what is kept from it is kept under this."""
    engine = bind.engine if isinstance(bind, Connection) else bind
    return engine.url.render_as_string(hide_password=True)


def session_caches(session: Session) -> RowCaches:
    return caches_for(session.get_bind())


@contextmanager
def reader(session: Session) -> Iterator[Session]:
    """A session on the same connection (and transaction) as `session`, whose rows are never
    the request's own: what it reads can be shared once it is closed."""
    with Session(bind=session.connection(), expire_on_commit=False) as own:
        yield own

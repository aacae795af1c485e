"""The last read of each board, shared by every request and stream in this process.

A board changes only through `board_changed`, which raises its version, so a read is good for
as long as the version in the database is the one it was read at. After a change, the writer's
own answer and every open view in this process need the same new read: whoever asks first
reads it, the others wait for that read instead of making their own. Other processes see the
higher version in the database and read for themselves.

Entries are plain detached rows, read in a session of the cache's own, so no request's session
can change them afterwards; everything that uses them only reads."""

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from app.models import User
from app.services.board_data import BoardData, board_version, load_board, reread

CACHED_BOARDS = 2048


class BoardCache:
    def __init__(self, engine: Engine, size: int = CACHED_BOARDS) -> None:
        self.engine = engine
        self.size = size
        self._boards: OrderedDict[int, BoardData] = OrderedDict()
        self._loading: dict[int, threading.RLock] = {}
        self._guard = threading.Lock()

    def get(
        self,
        citizen_id: int,
        at_least: int,
        connection: Connection | None = None,
        *,
        since: int | None = None,
        kinds: Iterable[str] = (),
        changed_at: datetime | None = None,
    ) -> BoardData:
        """The board at version `at_least` or newer. Safe from any thread; blocks while it reads.

        A request passes the connection its own session holds: the read then needs no second
        connection from the pool (threads that each hold one and wait for another would
        deadlock the pool under load), and it sees the same snapshot as the request.

        A caller who knows every change after version `since` up to `at_least` says of which
        `kinds` they were: when the copy here is at `since`, only what they can alter is read."""
        cached = self.fresh(citizen_id, at_least)
        if cached is not None:
            return cached
        with self.reading(citizen_id):
            cached = self.fresh(citizen_id, 0)
            if cached is not None and cached.version >= at_least:
                return cached
            data = None
            if cached is not None and since is not None and cached.version == since:
                with Session(bind=connection or self.engine, expire_on_commit=False) as session:
                    data = reread(
                        session=session, data=cached, version=at_least, kinds=kinds, changed_at=changed_at
                    )
            return self._store(data or self._read(citizen_id, connection))

    @contextmanager
    def reading(self, citizen_id: int) -> Iterator[None]:
        """Holds the board's read lock: whoever else asks for it meanwhile waits for this read.
        (Re-entrant: the holder may go on to `get`.)"""
        with self._guard:
            lock = self._loading.setdefault(citizen_id, threading.RLock())
        with lock:
            yield

    def advance(
        self, *, citizen_id: int, version: int, kind: str, connection: Connection, changed_at: datetime
    ) -> None:
        """Right after the change that made `version` committed, under `reading`. A board
        nobody here has open is left to be read when someone asks for it."""
        if self.fresh(citizen_id, 0) is not None:
            self.get(citizen_id, version, connection, since=version - 1, kinds=(kind,), changed_at=changed_at)

    def _read(self, citizen_id: int, connection: Connection | None) -> BoardData:
        with Session(bind=connection or self.engine, expire_on_commit=False) as session:
            citizen = session.get(User, citizen_id)
            if citizen is None:
                raise LookupError(citizen_id)
            return load_board(session=session, citizen=citizen)

    def _store(self, data: BoardData) -> BoardData:
        citizen_id = data.citizen.id or 0
        with self._guard:
            self._boards[citizen_id] = data
            self._boards.move_to_end(citizen_id)
            while len(self._boards) > self.size:
                old, _ = self._boards.popitem(last=False)
                self._loading.pop(old, None)
        return data

    def forget(self, citizen_id: int) -> None:
        """After an erasure: no copy of the person's board stays in memory here."""
        with self._guard:
            self._boards.pop(citizen_id, None)
            self._loading.pop(citizen_id, None)

    def fresh(self, citizen_id: int, at_least: int) -> BoardData | None:
        """The copy here if it is at least that new; never waits for a read."""
        with self._guard:
            cached = self._boards.get(citizen_id)
            if cached is not None and cached.version >= at_least:
                self._boards.move_to_end(citizen_id)
                return cached
        return None


_caches: "WeakKeyDictionary[Engine, BoardCache]" = WeakKeyDictionary()
_caches_guard = threading.Lock()


def cache_for(engine: Engine) -> BoardCache:
    with _caches_guard:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = BoardCache(engine)
        return cache


def current_board(*, session: Session, citizen: User) -> BoardData:
    """The board as it is now: one small query for its version, and a read only when it moved."""
    assert citizen.id is not None
    version = board_version(session=session, citizen_id=citizen.id)
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return load_board(session=session, citizen=citizen)
    return cache_for(bind).get(citizen.id, version, session.connection())

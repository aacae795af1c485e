"""The last read of each board, shared by every request and stream in this process.

A board changes only through `board_changed`, which raises its version, so a read is good for
as long as the version in the database is the one it was read at. After a change, the writer's
own answer and every open view in this process need the same new read: whoever asks first
reads it, the others wait for that read instead of making their own. Other processes see the
higher version in the database and read for themselves.

Entries are plain detached rows, read in a session of the cache's own, so no request's session
can change them afterwards; everything that uses them only reads."""

import dataclasses
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from app.board.read import BoardData, board_version, load_board, moved, reread
from app.live import Event
from app.models import User

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
        self,
        *,
        citizen_id: int,
        version: int,
        kind: str,
        connect: Callable[[], Connection],
        changed_at: datetime,
        patch: Callable[[BoardData], BoardData | None] | None = None,
    ) -> None:
        """Right after the change that made `version` committed, under `reading`. With `patch`
        (the board before the change -> after it) a copy at the version before is updated in
        memory; else what the kind of change can alter is read again, through `connect()` (only
        then: after the commit it begins a new transaction). A board nobody here has open is
        left to be read when someone asks for it."""
        cached = self.fresh(citizen_id, 0)
        if cached is None:
            return
        patched = patch(cached) if patch is not None and cached.version == version - 1 else None
        if patched is not None:
            self._store(dataclasses.replace(patched, version=version, changed_at=changed_at))
            return
        self.get(citizen_id, version, connect(), since=version - 1, kinds=(kind,), changed_at=changed_at)

    def follow(self, citizen_id: int, events: Sequence[Event]) -> BoardData | None:
        """The board after `events`, worked out from the copy here when they are card moves
        that follow on from it one by one (never waits); None when it must be read."""
        data = self.fresh(citizen_id, 0)
        for event in sorted(events, key=lambda e: e.version):
            if data is None or event.version != data.version + 1 or not event.placed or event.item_id is None:
                return None
            data = moved(
                data,
                version=event.version,
                placed=event.placed,
                card_id=event.item_id,
                by=event.actor_id,
                at=datetime.fromisoformat(event.at),
            )
        if data is None or not events:
            return None
        # Never waits for the board's read lock (this runs on the event loop): whoever stores
        # first wins, and both would store the same.
        return self._store(data, only_if_newer=True)

    def _read(self, citizen_id: int, connection: Connection | None) -> BoardData:
        with Session(bind=connection or self.engine, expire_on_commit=False) as session:
            citizen = session.get(User, citizen_id)
            if citizen is None:
                raise LookupError(citizen_id)
            return load_board(session=session, citizen=citizen)

    def _store(self, data: BoardData, *, only_if_newer: bool = False) -> BoardData:
        citizen_id = data.citizen.id or 0
        with self._guard:
            current = self._boards.get(citizen_id)
            if only_if_newer and current is not None and current.version >= data.version:
                return current
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


def current_board(*, session: Session, citizen: User, at_least: int = 0) -> BoardData:
    """The board as it is now: its version, and a read only when that moved. `at_least`: a
    version the caller's own change just made; this process's copy at that version or later
    answers without asking the database (on PostgreSQL a round trip, and a worker thread)."""
    assert citizen.id is not None
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return load_board(session=session, citizen=citizen)
    cache = cache_for(bind)
    if at_least and (copy := cache.fresh(citizen.id, at_least)) is not None:
        return copy
    version = versions_for(bind).version(session=session, citizen_id=citizen.id)
    return cache.fresh(citizen.id, version) or cache.get(citizen.id, version, session.connection())


class Versions:
    """Reads a board's version. On a SQLite file: straight from the file, on a connection of
    this thread's own (a few microseconds, no pool, nothing to wait for in WAL mode), so a page
    the cache can answer is served without leaving the event loop. Elsewhere: through the session."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._local = threading.local()

    def version(self, *, session: Session, citizen_id: int) -> int:
        if self.path is None:
            return board_version(session=session, citizen_id=citizen_id)
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = sqlite3.connect(self.path, timeout=5)
        row = connection.execute(VERSION_SQL, (citizen_id,)).fetchone()
        return int(row[0]) if row else 0


VERSION_SQL = "SELECT version FROM board WHERE citizen_id = ?"
_versions: dict[str | None, Versions] = {}
_versions_by_engine: "WeakKeyDictionary[Engine, Versions]" = WeakKeyDictionary()


def versions_for(engine: Engine) -> Versions:
    """One per database file (engines on the same file share the connections)."""
    found = _versions_by_engine.get(engine)
    if found is not None:
        return found
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    path = database if database and database != ":memory:" else None
    with _caches_guard:
        found = _versions_by_engine[engine] = _versions.setdefault(path, Versions(path))
        return found

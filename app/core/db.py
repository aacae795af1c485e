"""Database engine and sessions: SQLite (WAL) by default, PostgreSQL when configured."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import configure_mappers
from sqlmodel import Session, create_engine

from app.core.checkpoint import FALLBACK_PAGES, is_sqlite_file

# Listens to every session from now on, so the row caches drop what a commit changes.
import app.core.invalidation  # noqa: F401  isort: skip


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if is_sqlite_file(parsed):
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
        connect_args: dict[str, Any] = {
            "check_same_thread": False,
            "timeout": WRITE_WAIT_SECONDS,
            "factory": _writer_class(parsed.database or ":memory:"),
        }
        engine = create_engine(url, connect_args=connect_args, pool_size=20)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", _before_write)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the many readers of a board stream alongside the one writer;
    # foreign keys are off by default in SQLite and the schema relies on them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # The app checkpoints in a thread of its own (app.core.checkpoint); this is SQLite's fallback.
    cursor.execute(f"PRAGMA wal_autocheckpoint={FALLBACK_PAGES}")
    cursor.close()


# SQLite has one writer at a time. Left to itself, a writer that finds the database busy sleeps
# and retries (1, 2, 5, 10, … ms), so under load most of a write's time is spent asleep while
# the lock is already free. Writers in this process queue on a lock of ours instead and start
# the moment the one before them commits. (Other processes still meet SQLite's busy timeout.)
WRITE_WAIT_SECONDS = 30
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP")
_file_locks: dict[str, threading.Lock] = {}
_file_locks_guard = threading.Lock()


class _SerialisedWriter(sqlite3.Connection):
    """A SQLite connection that holds its file's write lock from its first write until it
    commits or rolls back (the pool rolls back every connection handed back to it)."""

    write_lock: threading.Lock
    holds_write_lock = False
    # Set while the connection serves the event loop, which must never wait for the lock.
    must_not_wait = False

    def take_write_lock(self) -> None:
        if self.holds_write_lock:
            return
        if self.must_not_wait:
            if not self.write_lock.acquire(blocking=False):
                raise WriterBusy(self.write_lock)
        elif not self.write_lock.acquire(timeout=WRITE_WAIT_SECONDS):
            raise sqlite3.OperationalError("database is locked")
        self.holds_write_lock = True

    def _release(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            self.write_lock.release()
            for wake in _waiting.pop(self.write_lock, ()):
                wake()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()


def _writer_class(database: str) -> type[_SerialisedWriter]:
    key = str(Path(database).resolve()) if database != ":memory:" else f":memory:{id(object())}"
    with _file_locks_guard:
        lock = _file_locks.setdefault(key, threading.Lock())
    return type("SQLiteConnection", (_SerialisedWriter,), {"write_lock": lock})


def _before_write(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:7].upper().startswith(WRITES):
        before_write(conn.connection.dbapi_connection)


def before_write(dbapi: Any) -> None:
    """Before a write on this driver connection: takes the SQLite file's write lock, if it is
    one of ours (SQLAlchemy's statements take it in `_before_write`, `app.core.driver`'s here)."""
    if isinstance(dbapi, _SerialisedWriter):
        dbapi.take_write_lock()


def warm_up(engine: Engine) -> None:
    """Sets up the ORM's mappings and a first connection at start-up, not in the first request
    (together some tenths of a second, for which every live update would wait)."""
    import app.models  # noqa: F401  (every table, so all mappings are configured)

    configure_mappers()
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")


class WriterBusy(Exception):
    """Another writer holds the SQLite file's write lock (`lock`), and this one must not wait
    for it; None: the connection is not one of ours."""

    def __init__(self, lock: threading.Lock | None) -> None:
        super().__init__()
        self.lock = lock


# What to call when a file's write lock is let go: the event loop's writers waiting for it.
# (Appending and popping are atomic under the GIL; `released` checks the lock after adding its
# call, so a release between its try and its wait is never missed.)
_waiting: dict[threading.Lock, list[Callable[[], None]]] = {}


async def released(lock: threading.Lock, *, timeout: float) -> bool:
    """Waits on the event loop, without holding it up, until `lock` is let go: True; False if
    `timeout` passed first. Then the write can be tried on the loop again."""
    loop = asyncio.get_running_loop()
    freed: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        # RuntimeError: that loop has closed, and nobody waits any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_resolve, freed)

    _waiting.setdefault(lock, []).append(wake)
    if not lock.locked():
        return True
    try:
        async with asyncio.timeout(timeout):
            await freed
    except TimeoutError:
        return False
    return True


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


@contextmanager
def without_waiting(session: Session) -> Iterator[Session]:
    """For a short write on the event loop (SQLite only): the session's connection refuses to
    wait for the file's write lock, raising WriterBusy instead (see `deps.short_write`)."""
    dbapi = session.connection().connection.dbapi_connection
    if not isinstance(dbapi, _SerialisedWriter):
        raise WriterBusy(None)
    dbapi.must_not_wait = True
    try:
        yield session
    finally:
        dbapi.must_not_wait = False


class NeedsDatabase(Exception):
    """A `CacheOnlySession` was asked to talk to the database."""


class CacheOnlySession(Session):
    """A session for work that runs on the event loop as long as the process's caches answer:
    its first statement raises NeedsDatabase instead of waiting for the database there."""

    def _connection_for_bind(self, engine: Any, execution_options: Any = None, **kw: Any) -> Any:
        raise NeedsDatabase()

    def flush(self, objects: Any = None) -> None:
        if self.new or self.dirty or self.deleted:
            raise NeedsDatabase()


def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session

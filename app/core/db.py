"""The database engine: SQLite in WAL mode by default, PostgreSQL when configured."""

import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Executable, event
from sqlalchemy.engine import URL, make_url
from sqlmodel import Session, col, create_engine, update

from app.models import User

# How long a SQLite writer waits for another writer to commit before it gives up.
SQLITE_BUSY_SECONDS = 30
# Statements that make sqlite3 open a write transaction (it opens none for a read).
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
WRITING = "tavle_sqlite_writing"


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    if is_sqlite_file(parsed):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    # Python's sqlite3 opens a transaction at a statement's first write, not at its first read,
    # so a write waits for the file's lock (busy timeout) instead of failing on a stale snapshot.
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}, pool_size=20
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    _one_writer_at_a_time(engine)
    return engine


def is_sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work alongside the one writer; foreign keys are off by default in SQLite
    # and the schema relies on them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


def _one_writer_at_a_time(engine: Engine) -> None:
    """SQLite lets one transaction write at a time. Left to SQLite, a writer that finds the
    file locked sleeps in its busy handler in steps of up to 100 ms, whatever the other writer
    still needs; so in this process a writer waits on a lock instead, and is woken the moment
    the other commits or rolls back. (A second process on the same file meets the busy handler.)"""
    lock = threading.Lock()

    def take(
        conn: Connection, _cursor: object, statement: str, _params: object, _context: object, _many: bool
    ) -> None:
        if WRITING not in conn.info and WRITES.match(statement):
            if not lock.acquire(timeout=SQLITE_BUSY_SECONDS):
                raise TimeoutError("another writer held the SQLite file too long")
            conn.info[WRITING] = True

    def give_back(_dbapi: object, record: Any) -> None:
        if record.info.pop(WRITING, None):
            lock.release()

    event.listen(engine, "before_cursor_execute", take)
    # Back in the pool means committed or rolled back: the engine's own commit and rollback
    # events come before the file is released, so they are too early.
    event.listen(engine, "checkin", give_back)


def lock_person(session: Session, user_id: int) -> None:
    """Starts the session's transaction with a write to the person's own row that changes
    nothing: PostgreSQL locks the row, SQLite takes the file's write lock, until the commit.
    What the transaction reads after it is then what no other such transaction is changing, so
    a look-then-write about one person (is a request waiting? is this consent already given?)
    is a single step for two requests at once, such as a double tap."""
    same = update(User).where(col(User.id) == user_id).values(name=User.name)
    session.execute(same.execution_options(synchronize_session=False))


def column_rows(session: Session, statement: Executable, params: Mapping[str, Any]) -> Sequence[Any]:
    """The rows of a statement that selects columns, not ORM objects, run in the session's
    transaction through its connection. The ORM's way of running a statement builds no
    objects here, but costs more than the statement itself on a small read; pending changes
    are flushed first, as the ORM would (a clean session's flush does nothing)."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params).all()

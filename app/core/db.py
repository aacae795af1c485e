"""The database engine: SQLite in WAL mode by default, PostgreSQL when configured."""

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlmodel import Session, col, create_engine, update

from app.models import User

# How long a SQLite writer waits for another writer to commit before it gives up.
SQLITE_BUSY_SECONDS = 30


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


def lock_person(session: Session, user_id: int) -> None:
    """Starts the session's transaction with a write to the person's own row that changes
    nothing: PostgreSQL locks the row, SQLite takes the file's write lock, until the commit.
    What the transaction reads after it is then what no other such transaction is changing, so
    a look-then-write about one person (is a request waiting? is this consent already given?)
    is a single step for two requests at once, such as a double tap."""
    same = update(User).where(col(User.id) == user_id).values(name=User.name)
    session.execute(same.execution_options(synchronize_session=False))

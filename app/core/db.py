"""The database engine: SQLite in WAL mode by default, PostgreSQL when configured."""

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlmodel import create_engine

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

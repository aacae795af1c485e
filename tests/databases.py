"""Throwaway databases for the suite: a SQLite file, and a PostgreSQL database created per run."""

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables)

PG_ADMIN_URL = os.environ.get("TAVLE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_or_skip(reason: str) -> None:
    """In CI a missing PostgreSQL or browser is a failure, never a silent skip."""
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / 'tavle-test.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"tavle_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        require_or_skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
        raise
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        # A test database need not survive a crash: commits return before the WAL reaches the
        # disk (about 5 ms saved per commit here). Locking and visibility are the same.
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wipe(engine: Engine) -> None:
    """Empties every table between tests; far faster than migrating a new database each time.
    Ids are not restarted: like production, an id is never given to a second person, and a
    live server kept across tests must not mistake a new citizen for an earlier one.

    DELETE, children first, on both databases: a test leaves a few rows, and PostgreSQL's
    TRUNCATE costs a new file per table however few rows it holds."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    # A live server may still be finishing a request of the test that just ended (a look at the
    # board, a sign-in's touch): should it hold a row, or add one under a row just deleted,
    # the wipe waits a moment or fails as a whole, and tries again.
    for attempt in range(WIPE_ATTEMPTS):
        try:
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":
                    connection.execute(text(f"SET LOCAL lock_timeout = '{WIPE_LOCK_TIMEOUT}'"))
                for name in tables:
                    connection.execute(text(f'DELETE FROM "{name}"'))
            return
        except (OperationalError, IntegrityError):
            if attempt == WIPE_ATTEMPTS - 1:
                raise
            time.sleep(0.2)


WIPE_ATTEMPTS = 5
WIPE_LOCK_TIMEOUT = "5s"

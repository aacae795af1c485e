"""The data layer: migrations match the models, timestamps are timezone-aware on every backend."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, bindparam, event, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col

from app import clock
from app.core.db import column_rows, make_engine
from app.models import ScaleKind, ScaleReading, User
from tests import factories


def test_migrations_create_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_timestamps_come_back_timezone_aware(db: Session) -> None:
    person = factories.citizen(db)
    db.expire_all()
    loaded = db.get(User, person.id)
    assert loaded is not None and loaded.created_at.tzinfo is not None
    assert abs((clock.now() - loaded.created_at).total_seconds()) < 60


def test_naive_timestamps_are_refused(db: Session) -> None:
    person = factories.citizen(db)
    goal = factories.goal(db, person)
    assert goal.id is not None
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 (the point of the test: the column must refuse it)
    db.add(ScaleReading(goal_id=goal.id, kind=ScaleKind.today, value=3, recorded_at=naive))
    with pytest.raises(Exception, match="naive"):
        db.commit()
    db.rollback()


def test_scale_values_outside_0_to_10_are_refused_by_the_database(db: Session) -> None:
    person = factories.citizen(db)
    goal = factories.goal(db, person)
    assert goal.id is not None
    row = {"goal_id": goal.id, "kind": "today", "value": 11, "recorded_at": clock.now()}
    with pytest.raises(IntegrityError):
        db.execute(insert(ScaleReading).values(**row))
        db.commit()
    db.rollback()


def test_sqlite_writers_that_read_first_wait_for_each_other_instead_of_failing(tmp_path: Path) -> None:
    """Many threads, each reading and then writing in one transaction (as a request does): every
    write lands and none meets "database is locked" (the write, not the read, begins SQLite's
    transaction, so it waits for the lock instead of failing on a stale snapshot)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE tally (n INTEGER)"))
    start = threading.Barrier(16)

    def write(n: int) -> None:
        if n < 16:
            start.wait()
        with engine.begin() as connection:
            before = connection.execute(text("SELECT count(*) FROM tally")).scalar_one()
            connection.execute(text("INSERT INTO tally VALUES (:n)"), {"n": before})

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(write, range(200)))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM tally")).scalar_one() == 200
    engine.dispose()


def test_sqlite_writers_in_one_process_take_turns_without_the_busy_handler(tmp_path: Path) -> None:
    """With SQLite's own wait switched off, a writer that met a locked file would fail at once
    ("database is locked"): every write landing shows the writers took turns on the process's
    lock. A rolled-back writer, and one whose connection went back to the pool mid-transaction,
    let the next one in."""
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=0"))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE tally (n INTEGER)"))
    start = threading.Barrier(8)

    def write(n: int) -> None:
        if n < 8:
            start.wait()
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO tally VALUES (:n)"), {"n": n})
        if n % 25 == 0:
            with pytest.raises(ValueError), engine.begin() as connection:
                connection.execute(text("INSERT INTO tally VALUES (-1)"))
                raise ValueError("undone")
        if n % 33 == 0:
            connection = engine.connect()
            connection.execute(text("INSERT INTO tally VALUES (-2)"))
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(100)))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM tally WHERE n >= 0")).scalar_one() == 100
        assert connection.execute(text("SELECT count(*) FROM tally WHERE n < 0")).scalar_one() == 0
    engine.dispose()


def test_a_column_read_sees_what_the_session_holds_unflushed(db: Session) -> None:
    """`column_rows` runs beside the ORM, not through it: it must still flush first, as the ORM
    would, so a read in the middle of a change sees that change (and not under no_autoflush)."""
    person = factories.citizen(db, name="Ada Alsing")
    statement = select(col(User.name)).where(col(User.id) == bindparam("user_id"))
    person.name = "Ada Berg"
    db.add(person)
    with db.no_autoflush:
        assert [row[0] for row in column_rows(db, statement, {"user_id": person.id})] == ["Ada Alsing"]
    assert [row[0] for row in column_rows(db, statement, {"user_id": person.id})] == ["Ada Berg"]
    db.rollback()

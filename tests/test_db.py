"""The data layer: migrations match the models, timestamps are timezone-aware on every backend."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from app.db import WRITE_WAIT_SECONDS, make_engine
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
    assert abs((datetime.now(UTC) - loaded.created_at).total_seconds()) < 60


def test_naive_timestamps_are_refused(db: Session) -> None:
    person = factories.citizen(db)
    goal = factories.goal(db, person)
    assert goal.id is not None
    db.add(ScaleReading(goal_id=goal.id, kind=ScaleKind.today, value=3, recorded_at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive"):
        db.commit()
    db.rollback()


def test_scale_values_outside_0_to_10_are_refused_by_the_database(db: Session) -> None:
    person = factories.citizen(db)
    goal = factories.goal(db, person)
    assert goal.id is not None
    row = {"goal_id": goal.id, "kind": "today", "value": 11, "recorded_at": datetime.now(UTC)}
    with pytest.raises(IntegrityError):
        db.execute(insert(ScaleReading).values(**row))
        db.commit()
    db.rollback()


def test_sqlite_writers_in_one_process_queue_instead_of_failing(tmp_path: Path) -> None:
    """Many threads writing at once: every write lands, none meets "database is locked", and a
    connection that wrote and rolled back lets the next writer in at once."""
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE tally (n INTEGER)"))

    def write(n: int) -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO tally VALUES (:n)"), {"n": n})
            # Hold the write a moment, as a request does while it works.
            connection.execute(text("SELECT count(*) FROM tally")).scalar_one()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(write, range(200)))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM tally")).scalar_one() == 200
        dbapi = connection.connection.dbapi_connection
        assert not getattr(dbapi, "holds_write_lock", True)
        connection.execute(text("INSERT INTO tally VALUES (0)"))
        assert getattr(dbapi, "holds_write_lock", False)
        connection.rollback()
        assert not getattr(dbapi, "holds_write_lock", True)

    started = time.monotonic()
    write(201)
    assert time.monotonic() - started < WRITE_WAIT_SECONDS / 2
    engine.dispose()

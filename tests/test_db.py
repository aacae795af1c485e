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

from app.core.db import WRITE_WAIT_SECONDS, make_engine
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


@pytest.mark.parametrize(
    ("loop_wait", "made_on"),
    [(1.0, "the loop"), (0.05, "a worker thread")],
    ids=["waits-on-the-loop", "gives-up-to-a-thread"],
)
def test_a_short_write_waits_for_the_write_lock_without_stopping_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop_wait: float, made_on: str
) -> None:
    """With the SQLite file free, a short write is made right on the event loop. While another
    writer holds the file, the loop goes on, and the write is made on the loop the moment the
    holder lets go (a worker thread would hold the lock longer, and under load every write after
    it would find the file taken too); only after waiting `LOOP_WRITE_WAIT` in vain does it go
    to a worker thread, which waits for the file there."""
    import asyncio
    import threading

    from app.core import deps
    from app.core.deps import short_write
    from tests.hub.running import run

    monkeypatch.setattr(deps, "LOOP_WRITE_WAIT", loop_wait)
    engine = make_engine(f"sqlite:///{tmp_path / 'loop.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE tally (n INTEGER)"))
    released = threading.Event()

    def write(session: Session) -> tuple[str, bool]:
        session.execute(text("INSERT INTO tally VALUES (1)"))
        session.commit()
        return threading.current_thread().name, released.is_set()

    def hold_the_file() -> None:
        holder = engine.connect()
        holder.execute(text("INSERT INTO tally VALUES (0)"))  # holds the file's write lock

        def let_go() -> None:
            time.sleep(0.3)
            released.set()
            holder.rollback()
            holder.close()

        threading.Thread(target=let_go).start()

    async def scenario() -> tuple[str, str, tuple[str, bool], int]:
        loop = threading.current_thread().name
        free, _ = await short_write(engine, write)
        await asyncio.to_thread(hold_the_file)
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while not released.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        ticking = asyncio.create_task(tick())
        busy = await short_write(engine, write)
        await ticking
        return loop, free, busy, ticks

    loop, free, (busy, after_release), ticks = run(scenario())
    assert free == loop  # the file was free: made on the loop
    assert after_release  # the file was held: the write waited for it
    assert (busy == loop) == (made_on == "the loop")
    assert ticks >= 10  # and the loop went on meanwhile
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM tally")).scalar_one() == 2
    engine.dispose()


def test_a_cache_only_session_refuses_to_reach_the_database(engine: Engine, db: Session) -> None:
    """Work on the event loop may read the process's caches, never the database: its session's
    first statement, or a flush of anything added, raises NeedsDatabase (then the work is done
    again in a worker thread)."""
    from app.core.db import CacheOnlySession, NeedsDatabase

    person = factories.citizen(db)
    with CacheOnlySession(engine) as session:
        with pytest.raises(NeedsDatabase):
            session.get(User, person.id)
        with pytest.raises(NeedsDatabase):
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        session.add(User(name="Ny", role="citizen"))
        with pytest.raises(NeedsDatabase):
            session.commit()
    assert not engine.pool.checkedout()  # type: ignore[attr-defined]

"""The PostgreSQL hub: two hubs stand in for two app processes on one database."""

import asyncio
import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

import app.core.invalidation  # noqa: F401  (the session hooks under test)
from app.live import Event, Subscription, Viewer, board_channel, register, unregister
from app.live.hub import PRESENCE
from app.live.postgres import PostgresHub, libpq_dsn
from app.models import CaseloadLink, Role, User
from tests.databases import postgres_database
from tests.hub.running import run

MINE = board_channel(1)
METTE = Viewer(7, "Mette Hansen", "consultant")


@pytest.fixture(scope="module")
def pg_engine() -> Iterator[Engine]:
    with postgres_database() as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


def change(version: int) -> Event:
    return Event(channel=MINE, version=version, kind="agreement", action="moved", item_id=9, actor_id=3)


async def two_hubs(engine: Engine) -> tuple[PostgresHub, PostgresHub]:
    first, second = PostgresHub(dsn=libpq_dsn(engine)), PostgresHub(dsn=libpq_dsn(engine))
    await first.start()
    await second.start()
    assert first.listening.is_set() and second.listening.is_set()
    return first, second


async def next_change(subscription: Subscription, timeout: float = 3) -> Event | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = await subscription.get(deadline - time.monotonic())
        if event is not None and event.kind != PRESENCE:
            return event
    return None


def commit_change(engine: Engine, hub: PostgresHub, event: Event, *, commit: bool = True) -> None:
    with Session(engine) as session:
        hub.before_commit(session, event)
        if commit:
            session.commit()
        else:
            session.rollback()


def test_a_committed_change_reaches_subscribers_in_both_processes(pg_engine: Engine) -> None:
    async def scenario() -> None:
        first, second = await two_hubs(pg_engine)
        try:
            with first.subscribe(MINE) as here, second.subscribe(MINE) as there:
                await asyncio.to_thread(commit_change, pg_engine, first, change(1))
                assert await next_change(there) == change(1)
                assert await next_change(here) == change(1)
        finally:
            await first.stop()
            await second.stop()

    run(scenario())


def test_a_rolled_back_change_is_never_published(pg_engine: Engine) -> None:
    async def scenario() -> None:
        first, second = await two_hubs(pg_engine)
        try:
            with second.subscribe(MINE) as there:
                await asyncio.to_thread(commit_change, pg_engine, first, change(1), commit=False)
                assert await next_change(there, timeout=0.5) is None
        finally:
            await first.stop()
            await second.stop()

    run(scenario())


def test_presence_travels_between_processes_and_leaves_with_the_viewer(pg_engine: Engine) -> None:
    async def scenario() -> None:
        first, second = await two_hubs(pg_engine)
        try:
            with second.subscribe(MINE) as there:
                with first.subscribe(MINE, METTE):
                    for _ in range(50):
                        if second.viewers(MINE) == [METTE]:
                            break
                        await asyncio.sleep(0.05)
                    assert second.viewers(MINE) == [METTE]
                    assert any(e.kind == PRESENCE for e in there.drain())
                for _ in range(50):
                    if second.viewers(MINE) == []:
                        break
                    await asyncio.sleep(0.05)
                assert second.viewers(MINE) == []
        finally:
            await first.stop()
            await second.stop()

    run(scenario())


def test_the_listener_reconnects_by_itself_and_refreshes_its_views(pg_engine: Engine) -> None:
    async def scenario() -> None:
        first, second = await two_hubs(pg_engine)
        try:
            with second.subscribe(MINE) as there:
                await asyncio.to_thread(_kill_listeners, pg_engine)
                for _ in range(100):
                    if there.behind:
                        break
                    await asyncio.sleep(0.05)
                assert there.behind, "after a gap the view must get a full refresh"
                assert second.listening.is_set()
                there.drain()
                await asyncio.to_thread(commit_change, pg_engine, first, change(2))
                assert await next_change(there) == change(2)
        finally:
            await first.stop()
            await second.stop()

    run(scenario())


def _kill_listeners(engine: Engine) -> None:
    with psycopg.connect(libpq_dsn(engine), autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query LIKE 'LISTEN%%' AND pid <> pg_backend_pid()"
        )


async def _until(condition, timeout: float = 3) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return bool(condition())


def test_changes_to_cached_rows_reach_the_other_process_only_when_committed(pg_engine: Engine) -> None:
    changed: dict[str, set[object] | None] = {
        "auth_session": {"abc"},
        "board_seen": {(1, 2)},
        "caseload_link": None,
    }

    def share(hub: PostgresHub, commit: bool) -> None:
        with Session(pg_engine) as session:
            hub.share_invalidation(session, changed)
            if commit:
                session.commit()

    async def scenario() -> None:
        first, second = await two_hubs(pg_engine)
        heard_here: list[object] = []
        heard_there: list[object] = []
        first.on_invalidation, second.on_invalidation = heard_here.append, heard_there.append
        try:
            await asyncio.to_thread(share, first, False)
            await asyncio.sleep(0.3)
            assert heard_there == []
            await asyncio.to_thread(share, first, True)
            assert await _until(lambda: heard_there)
            assert heard_there == [changed]
            # The process that made the change dropped its copies when it committed.
            assert heard_here == []
        finally:
            await first.stop()
            await second.stop()

    run(scenario())


def test_after_a_gap_in_listening_every_cached_row_is_dropped(pg_engine: Engine) -> None:
    async def scenario() -> None:
        first, second = await two_hubs(pg_engine)
        heard: list[object] = []
        second.on_invalidation = heard.append
        try:
            await asyncio.to_thread(_kill_listeners, pg_engine)
            assert await _until(lambda: None in heard, timeout=5)
        finally:
            await first.stop()
            await second.stop()

    run(scenario())


def test_a_commit_through_the_orm_tells_the_other_process_which_rows_changed(pg_engine: Engine) -> None:
    """Through the real session hooks (app.core.invalidation): what a commit changed in
    the cached tables is NOTIFYed, and the other process's hub hears exactly that."""
    SQLModel.metadata.create_all(pg_engine)
    with Session(pg_engine) as session:
        staff = User(name="Mette", role=Role.consultant)
        citizen = User(name="Lise Lund", role=Role.citizen)
        session.add_all([staff, citizen])
        session.flush()
        session.add(CaseloadLink(consultant_id=staff.id, citizen_id=citizen.id))
        session.commit()
        ids = (staff.id, citizen.id)

    def change() -> None:
        with Session(pg_engine) as session:
            session.delete(session.get(CaseloadLink, ids))
            row = session.get(User, ids[1])
            assert row is not None
            row.name = "Lise Holm"
            session.add(row)
            session.commit()

    async def scenario() -> dict[str, object]:
        first, second = await two_hubs(pg_engine)
        heard: dict[str, object] = {}
        second.on_invalidation = lambda changes: heard.update(changes or {"*": None})
        register(pg_engine, first)
        try:
            await asyncio.to_thread(change)
            await _until(lambda: len(heard) >= 2)
            return heard
        finally:
            unregister(pg_engine)
            await first.stop()
            await second.stop()

    assert run(scenario()) == {"caseload_link": None, "app_user": {ids[1]}}

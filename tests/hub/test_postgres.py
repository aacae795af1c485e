"""The PostgreSQL hub: two hubs stand in for two app processes on one database."""

import asyncio
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from app.live import Event, Subscription, Viewer, board_channel
from app.live.hub import ACCESS, PRESENCE
from app.live.postgres import PostgresHub, libpq_dsn
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
                # ... and check its viewer again: an access change may have been missed.
                assert ACCESS in [e.kind for e in there.drain()]
                assert second.listening.is_set()
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


async def _until(condition: Callable[[], object], timeout: float = 3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return bool(condition())

"""The in-process hub: delivery to every view of a board, and only that board; bounded queues;
replay of what a reconnecting view missed; presence."""

import asyncio

import pytest

from app.live import Event, Viewer, board_channel
from app.live.hub import CLOSE, PRESENCE, QUEUE_SIZE
from app.live.memory import MemoryHub
from tests.hub.running import run

MINE = board_channel(1)
OTHER = board_channel(2)
METTE = Viewer(7, "Mette Hansen", "consultant")
ANNA = Viewer(3, "Anna Jensen", "citizen")


def change(version: int, channel: str = MINE, kind: str = "agreement") -> Event:
    return Event(channel=channel, version=version, kind=kind, item_id=5)


async def started() -> MemoryHub:
    hub = MemoryHub()
    await hub.start()
    return hub


def test_a_change_reaches_every_view_of_that_board_and_no_other() -> None:
    async def scenario() -> None:
        hub = await started()
        with hub.subscribe(MINE) as phone, hub.subscribe(MINE) as screen, hub.subscribe(OTHER) as other:
            await hub.publish(change(1))
            assert await phone.get(1) == change(1)
            assert await screen.get(1) == change(1)
            assert await other.get(0.05) is None
        assert hub.subscriber_count() == 0

    run(scenario())


def test_publishing_from_a_worker_thread_after_commit_is_delivered_on_the_loop() -> None:
    async def scenario() -> None:
        hub = await started()
        with hub.subscribe(MINE) as view:
            await asyncio.to_thread(hub.after_commit, change(4))
            assert await view.get(1) == change(4)

    run(scenario())


def test_a_slow_view_is_marked_behind_and_never_blocks_the_publisher() -> None:
    async def scenario() -> None:
        hub = await started()
        with hub.subscribe(MINE) as slow, hub.subscribe(MINE) as fast:
            for version in range(1, QUEUE_SIZE * 3):
                await hub.publish(change(version))
                assert (await fast.get(1)) is not None
            assert slow.behind
            assert len(slow) <= QUEUE_SIZE
            assert not fast.behind

    run(scenario())


def test_a_view_waits_for_the_next_event_or_its_timeout_and_takes_them_in_order() -> None:
    async def scenario() -> None:
        hub = await started()
        with hub.subscribe(MINE) as view:
            assert await view.get(0.02) is None
            waiting = asyncio.create_task(view.get(5))
            await asyncio.sleep(0.01)
            await hub.publish(change(1))
            await hub.publish(change(2))
            assert await asyncio.wait_for(waiting, 1) == change(1)
            assert view.drain() == [change(2)] and len(view) == 0

    run(scenario())


def test_history_replays_what_was_missed_or_says_it_cannot() -> None:
    async def scenario() -> None:
        hub = await started()
        for version in range(1, 6):
            await hub.publish(change(version))
        await asyncio.sleep(0)
        missed = hub.history(MINE, 2)
        assert missed is not None and [e.version for e in missed] == [3, 4, 5]
        assert hub.history(MINE, 5) == []
        for version in range(6, 100):
            await hub.publish(change(version))
        await asyncio.sleep(0)
        assert hub.history(MINE, 2) is None, "too old for the ring buffer: a full refresh is needed"

    run(scenario())


def test_history_stays_in_order_when_two_writers_finish_out_of_order() -> None:
    async def scenario() -> None:
        hub = await started()
        for version in (1, 3, 2):
            await hub.publish(change(version))
        await asyncio.sleep(0)
        missed = hub.history(MINE, 0)
        assert missed is not None and [e.version for e in missed] == [1, 2, 3]

    run(scenario())


def test_presence_lists_each_person_once_and_tells_the_others() -> None:
    async def scenario() -> None:
        hub = await started()
        with hub.subscribe(MINE, ANNA) as anna:
            joined = await anna.get(1)
            assert joined is not None and joined.kind == PRESENCE
            with hub.subscribe(MINE, METTE), hub.subscribe(MINE, METTE):
                assert hub.viewers(MINE) == [ANNA, METTE]
                others_joined = await anna.get(1)
                assert others_joined is not None and others_joined.kind == PRESENCE
            assert hub.viewers(MINE) == [ANNA]

    run(scenario())


def test_close_streams_reaches_even_a_full_queue() -> None:
    async def scenario() -> None:
        hub = await started()
        with hub.subscribe(MINE) as view:
            for version in range(1, QUEUE_SIZE + 5):
                await hub.publish(change(version))
            hub.close_streams()
            await asyncio.sleep(0)
            kinds = [e.kind for e in view.drain()]
            assert CLOSE in kinds

    run(scenario())


def test_a_view_that_opens_while_streams_are_closing_is_closed_too() -> None:
    async def scenario() -> None:
        hub = await started()
        hub.close_streams()
        with hub.subscribe(MINE, ANNA) as late:
            assert CLOSE in [e.kind for e in late.drain()]

    run(scenario())


@pytest.mark.parametrize(
    "event",
    [
        change(3),
        Event(channel=MINE, version=0, kind=PRESENCE, origin="abc", viewers=(ANNA, METTE)),
    ],
)
def test_events_survive_the_trip_through_json(event: Event) -> None:
    assert Event.from_json(event.to_json()) == event
    assert len(event.to_json().encode()) < 8000

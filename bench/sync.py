"""Live-sync latency: boards with two viewers each (the citizen and their consultant), cards
moved at a steady rate through the board's own endpoint, and for each move the time from
sending the request until the other viewer's event stream carries the board's new version."""

from __future__ import annotations

import asyncio
import gc
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.client import EventStream, HttpError, Pool, open_stream
from bench.requests import Actor, board_events_path, board_page, card_move, viewer_headers
from bench.seed import SeededBoard
from bench.stats import latency_summary

# How long a write may wait for its event before it counts as lost.
LOST_AFTER = 5.0
OPENING_CONCURRENCY = 50


@dataclass(eq=False)
class LiveBoard:
    seeded: SeededBoard
    version: int = 0
    doing: bool = False
    writes: int = 0
    in_flight: bool = False
    broken: bool = False
    citizen: EventStream | None = None
    consultant: EventStream | None = None


@dataclass
class Window:
    """The writes of one measured stretch: when each was sent, and when its event arrived."""

    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    lost: int = 0
    # Why a write failed: an HTTP status, "timeout", "connection", or "stream closed".
    failures: Counter[str] = field(default_factory=Counter)
    # Writes the load generator held back because every board already had one in flight.
    held_back: int = 0

    @property
    def errors(self) -> int:
        return sum(self.failures.values())


class SyncBench:
    def __init__(self, boards: list[SeededBoard], *, write_port: int, stream_port: int) -> None:
        self.boards = [LiveBoard(b) for b in boards]
        self.write_port = write_port
        self.stream_port = stream_port
        self.pool = Pool(write_port)
        # Per stream: board version -> (when the write was sent, the window it belongs to).
        self.pending: dict[EventStream, dict[int, tuple[float, Window]]] = {}
        self.seen: dict[EventStream, int] = {}
        self._rotation = itertools.cycle(self.boards)

    # -- streams --------------------------------------------------------------------------------
    def _on_event(self, stream: EventStream, version: int, arrived: float) -> None:
        self.seen[stream] = max(self.seen.get(stream, 0), version)
        waiting = self.pending.get(stream)
        if not waiting:
            return
        for expected in [v for v in waiting if v <= version]:
            sent, window = waiting.pop(expected)
            window.latencies.append(arrived - sent)

    async def load_pages(self) -> None:
        """Both viewers of every board load the board page first, as a browser does before its
        page opens the stream (so what the page draws is drawn, as for a real viewer)."""
        gate = asyncio.Semaphore(OPENING_CONCURRENCY)
        pages = Pool(self.stream_port)

        async def one(board: LiveBoard, actor: Actor) -> None:
            async with gate:
                answer = await pages.send(board_page(board.seeded, actor), timeout=30)
                if answer.status != 200:
                    raise HttpError(f"board page {board.seeded.citizen_id} answered {answer.status}")

        try:
            await asyncio.gather(*(one(b, actor) for b in self.boards for actor in ("citizen", "consultant")))
        finally:
            pages.close()

    async def open_streams(self) -> None:
        """Both viewers of every board open the board's event stream, as the page does."""
        gate = asyncio.Semaphore(OPENING_CONCURRENCY)

        async def one(board: LiveBoard, actor: Actor) -> EventStream:
            async with gate:
                stream = EventStream(board=board.seeded.citizen_id, label=actor, on_event=self._on_event)
                path = board_events_path(board.seeded, actor, board.version)
                await open_stream(self.stream_port, path, viewer_headers(board.seeded, actor), stream)
                self.pending[stream] = {}
                return stream

        tasks = []
        for board in self.boards:
            tasks.append(one(board, "citizen"))
            tasks.append(one(board, "consultant"))
        streams = await asyncio.gather(*tasks)
        for board, (citizen, consultant) in zip(
            self.boards, zip(streams[0::2], streams[1::2], strict=True), strict=True
        ):
            board.citizen, board.consultant = citizen, consultant

    def close_streams(self) -> None:
        for board in self.boards:
            for stream in (board.citizen, board.consultant):
                if stream is not None:
                    stream.close()
            board.citizen = board.consultant = None

    @property
    def streams(self) -> list[EventStream]:
        return [s for b in self.boards for s in (b.citizen, b.consultant) if s is not None]

    @property
    def closed_streams(self) -> int:
        return sum(1 for s in self.streams if s.closed)

    # -- writes ---------------------------------------------------------------------------------
    def _next_board(self) -> LiveBoard | None:
        for _ in range(len(self.boards)):
            board = next(self._rotation)
            if not board.in_flight and not board.broken:
                return board
        return None

    async def _write(self, board: LiveBoard, window: Window) -> None:
        """Moves the board's first card between "to do" and "doing", as the citizen and the
        consultant take turns; the other one's stream is the one timed."""
        assert board.citizen is not None and board.consultant is not None
        board.in_flight = True
        by_citizen = board.writes % 2 == 0
        actor: Actor = "citizen" if by_citizen else "consultant"
        other = board.consultant if by_citizen else board.citizen
        board.version = max(board.version, self.seen.get(board.citizen, 0), self.seen.get(other, 0)) + 1
        data = card_move(board.seeded, actor, to="todo" if board.doing else "doing")
        window.sent += 1
        self.pending[other][board.version] = (time.perf_counter(), window)
        failure = ""
        try:
            response = await self.pool.send(data, timeout=LOST_AFTER * 2)
            if response.status != 200:
                failure = f"HTTP {response.status}"
        except TimeoutError:
            failure = "timeout"
        except (HttpError, OSError) as exc:
            failure = f"connection: {exc}"
        board.writes += 1
        if not failure:
            board.doing = not board.doing
        else:
            # The version may or may not have moved: leave this board out from now on.
            window.failures[failure] += 1
            board.broken = True
            self.pending[other].pop(board.version, None)
        board.in_flight = False

    async def run(self, rate: float, seconds: float) -> Window:
        """Writes at `rate` per second for `seconds`, then waits for the stragglers. The load
        generator's own garbage collector waits meanwhile: a full collection here walks the
        objects of 2,000 streams and stops this process for 70–135 ms (measured 2026-12-03),
        which would be counted as the server's latency."""
        gc.collect()
        gc.disable()
        try:
            return await self._run(rate, seconds)
        finally:
            gc.enable()

    async def _run(self, rate: float, seconds: float) -> Window:
        window = Window()
        closed_before = self.closed_streams
        loop = asyncio.get_running_loop()
        tasks: set[asyncio.Task[None]] = set()
        start = loop.time()
        for n in itertools.count():
            due = start + n / rate
            if due - start >= seconds:
                break
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            board = self._next_board()
            if board is None:
                window.held_back += 1
                continue
            task = asyncio.create_task(self._write(board, window))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=LOST_AFTER * 2)
        deadline = loop.time() + LOST_AFTER
        while loop.time() < deadline and self._waiting(window):
            await asyncio.sleep(0.05)
        for waiting in self.pending.values():
            for version, (_sent, owner) in list(waiting.items()):
                if owner is window:
                    del waiting[version]
                    window.lost += 1
        closed = self.closed_streams - closed_before
        if closed:
            window.failures["stream closed"] += closed
        return window

    def _waiting(self, window: Window) -> bool:
        return any(owner is window for waiting in self.pending.values() for _s, owner in waiting.values())


def result(window: Window, *, boards: int, streams: int, rate: float, seconds: float) -> dict[str, Any]:
    return {
        "boards": boards,
        "streams": streams,
        "writes_per_s": rate,
        "seconds": seconds,
        "writes": window.sent,
        **latency_summary(window.latencies),
        "lost": window.lost,
        "errors": window.errors,
        "failures": dict(window.failures),
        "held_back": window.held_back,
    }

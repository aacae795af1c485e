"""Live-sync latency: boards with their viewers' event streams open, cards moved at a steady rate
by the viewers in turn, and for each move the time from sending the request until each other
viewer's event stream carries the board's new version."""

from __future__ import annotations

import asyncio
import gc
import itertools
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bench.client import EventStream, HttpError, Pool, open_stream, request_bytes
from bench.requests import Actor, board_events_path, board_page, card_move, viewer_headers
from bench.seed import SeededBoard
from bench.stats import latency_summary

# How long a write may wait for its event before it counts as lost.
LOST_AFTER = 5.0
OPENING_CONCURRENCY = 50


class Target(Protocol):
    """What the load generator asks of a server: Tavle, or the bare floor it is compared with."""

    def page(self, board: SeededBoard, actor: Actor) -> bytes | None: ...

    def stream(self, board: SeededBoard, actor: Actor, since: int) -> tuple[str, dict[str, str]]: ...

    def write(self, board: SeededBoard, actor: Actor, to: str) -> bytes: ...


class Tavle:
    def page(self, board: SeededBoard, actor: Actor) -> bytes | None:
        return board_page(board, actor)

    def stream(self, board: SeededBoard, actor: Actor, since: int) -> tuple[str, dict[str, str]]:
        return board_events_path(board, actor, since), viewer_headers(board, actor)

    def write(self, board: SeededBoard, actor: Actor, to: str) -> bytes:
        return card_move(board, actor, to=to)


@dataclass(eq=False)
class LiveBoard:
    seeded: SeededBoard
    # Who has the board open (one stream each), and who of them moves cards, in turn.
    viewers: tuple[Actor, ...]
    writers: tuple[Actor, ...]
    version: int = 0
    doing: bool = False
    writes: int = 0
    in_flight: bool = False
    broken: bool = False
    streams: dict[Actor, EventStream] = field(default_factory=dict)


@dataclass
class Window:
    """The writes of one measured stretch: when each was sent, and when its event arrived at each
    other viewer."""

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
    def __init__(
        self,
        boards: Sequence[SeededBoard],
        *,
        port: int,
        viewers: tuple[Actor, ...] = ("citizen", "consultant"),
        writers: tuple[Actor, ...] | None = None,
        target: Target | None = None,
    ) -> None:
        self.boards = [LiveBoard(b, viewers, writers or viewers) for b in boards]
        self.port = port
        self.target = target or Tavle()
        self.pool = Pool(port)
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
        """Every viewer loads the board page first, as a browser does before its page opens the
        stream (so what the page draws is drawn, as for a real viewer)."""
        gate = asyncio.Semaphore(OPENING_CONCURRENCY)
        pages = Pool(self.port)

        async def one(board: LiveBoard, actor: Actor) -> None:
            request = self.target.page(board.seeded, actor)
            if request is None:
                return
            async with gate:
                answer = await pages.send(request, timeout=60)
                if answer.status != 200:
                    raise HttpError(f"board page {board.seeded.citizen_id} answered {answer.status}")

        try:
            await asyncio.gather(*(one(b, actor) for b in self.boards for actor in b.viewers))
        finally:
            pages.close()

    async def open_streams(self) -> None:
        """Every viewer opens the board's event stream, as the page does."""
        gate = asyncio.Semaphore(OPENING_CONCURRENCY)

        async def one(board: LiveBoard, actor: Actor) -> None:
            async with gate:
                stream = EventStream(board=board.seeded.citizen_id, label=actor, on_event=self._on_event)
                path, headers = self.target.stream(board.seeded, actor, board.version)
                await open_stream(self.port, path, headers, stream, timeout=60)
                self.pending[stream] = {}
                board.streams[actor] = stream

        await asyncio.gather(*(one(b, actor) for b in self.boards for actor in b.viewers))

    def close_streams(self) -> None:
        for board in self.boards:
            for stream in board.streams.values():
                stream.close()
            board.streams.clear()

    @property
    def streams(self) -> list[EventStream]:
        return [s for b in self.boards for s in b.streams.values()]

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
        """Moves the board's first card between "to do" and "doing", its writers taking turns;
        every other viewer's stream is timed."""
        board.in_flight = True
        actor = board.writers[board.writes % len(board.writers)]
        others = [s for viewer, s in board.streams.items() if viewer != actor]
        board.version = max([board.version, *(self.seen.get(s, 0) for s in board.streams.values())]) + 1
        data = self.target.write(board.seeded, actor, "todo" if board.doing else "doing")
        window.sent += 1
        sent = time.perf_counter()
        for other in others:
            self.pending[other][board.version] = (sent, window)
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
            for other in others:
                self.pending[other].pop(board.version, None)
        board.in_flight = False

    async def run(self, rate: float, seconds: float) -> Window:
        """Writes at `rate` per second for `seconds`, then waits for the stragglers. The load
        generator's own garbage collector waits meanwhile: a full collection here walks the
        objects of thousands of streams and stops this process for tens of milliseconds, which
        would be counted as the server's latency."""
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


def result(window: Window, *, streams: int, rate: float, seconds: float) -> dict[str, Any]:
    return {
        "streams": streams,
        "writes_per_s": rate,
        "seconds": seconds,
        "writes": window.sent,
        "deliveries": len(window.latencies),
        **latency_summary(window.latencies),
        "lost": window.lost,
        "errors": window.errors,
        "failures": dict(window.failures),
        "held_back": window.held_back,
    }


class Bare:
    """The bare floor's endpoints (bench.bare): no sign-in, no pages."""

    def page(self, board: SeededBoard, actor: Actor) -> bytes | None:  # noqa: ARG002
        return None

    def stream(self, board: SeededBoard, actor: Actor, since: int) -> tuple[str, dict[str, str]]:  # noqa: ARG002
        return f"/boards/{board.citizen_id}/events", {}

    def write(self, board: SeededBoard, actor: Actor, to: str) -> bytes:  # noqa: ARG002
        return request_bytes("POST", f"/boards/{board.citizen_id}/write", {})

"""The publish/subscribe hub: one interface, two back-ends (in-process and PostgreSQL).

A message is a small `Event` (board, version, kind, ids), never rendered HTML: every open view
renders what changed for its own viewer (language, permissions). Each subscriber has a bounded
queue; a subscriber that falls behind is marked `behind` and gets a full refresh, so a slow
phone never slows down the publisher or the other viewers."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger("tavle.hub")

QUEUE_SIZE = 64
HISTORY_SIZE = 32
HISTORY_BOARDS = 4096
PRESENCE = "presence"
# Offered to every subscriber when the server shuts down: the stream ends at once.
CLOSE = "close"


def board_channel(citizen_id: int) -> str:
    return f"board:{citizen_id}"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: enough to show "Also looking now: Mette (consultant)"."""

    user_id: int
    name: str
    role: str


@dataclass(frozen=True)
class Event:
    channel: str
    # The board's version after the change; 0 for presence, which is not a change to the board.
    version: int
    # What changed: "agreement", "challenge", "goal", "strength", "board" (anything), "presence".
    kind: str
    action: str = ""
    item_id: int | None = None
    actor_id: int | None = None
    # Only for presence between processes: which process, and who is looking there.
    origin: str = ""
    viewers: tuple[Viewer, ...] = field(default_factory=tuple)
    # A card move says where every card it touched went, (card id, column, position), and when
    # (ISO 8601): enough for any process to bring its copy of the board up to date without
    # reading it again (app.board.read.moved).
    placed: tuple[tuple[int, str, int], ...] = ()
    at: str = ""
    # The open view of the board (a browser tab) the change was made from, when it said so: that
    # view has the change already, in the answer to its own request, and is not sent it again.
    view: str = ""

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v not in (None, "", ())}
        if self.viewers:
            data["viewers"] = [[v.user_id, v.name, v.role] for v in self.viewers]
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Event:
        data: dict[str, Any] = json.loads(text)
        viewers = tuple(Viewer(int(u), str(n), str(r)) for u, n, r in data.pop("viewers", []))
        placed = tuple((int(i), str(s), int(p)) for i, s, p in data.pop("placed", []))
        return cls(viewers=viewers, placed=placed, **data)


class Subscription:
    """One open view of a channel. Use as a context manager so it always leaves the hub.

    Thousands are open at once, so each is small: a list of waiting events and, while someone
    waits for them, the one callback that wakes them (asyncio.Queue would hold four deques)."""

    __slots__ = ("_events", "behind", "channel", "hub", "maxsize", "on_offer", "viewer")

    def __init__(self, hub: Hub, channel: str, viewer: Viewer | None, maxsize: int = QUEUE_SIZE) -> None:
        self.hub = hub
        self.channel = channel
        self.viewer = viewer
        self.maxsize = maxsize
        # Set when the queue overflowed: the view must be refreshed in full, not replayed.
        self.behind = False
        # Called on the hub's loop after each offer, by whoever waits: `get`, or a stream that
        # waits for other things at the same time (app.live.sse).
        self.on_offer: Callable[[], None] | None = None
        self._events: list[Event] = []

    def __len__(self) -> int:
        return len(self._events)

    def offer(self, event: Event) -> None:
        """Never blocks: when full, drop what is queued and mark the subscriber behind."""
        if len(self._events) >= self.maxsize:
            self.behind = True
            self._events.clear()
        self._events.append(event)
        if self.on_offer is not None:
            self.on_offer()

    def drain(self) -> list[Event]:
        events, self._events = self._events, []
        return events

    async def get(self, timeout: float | None = None) -> Event | None:
        """The next event, or None after `timeout` seconds without one."""
        if not self._events:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self.on_offer = partial(_settle, waiter)
            # asyncio.timeout, not wait_for: wait_for wraps the wait in a task of its own.
            try:
                async with asyncio.timeout(timeout):
                    await waiter
            except TimeoutError:
                return None
            finally:
                self.on_offer = None
        return self._events.pop(0) if self._events else None

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.hub.unsubscribe(self)


def _settle(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Hub(ABC):
    """Subscribers live in the process that serves their stream; delivery is back-end specific.

    All subscriber bookkeeping happens on the hub's event loop. Sync code (routes run in a
    threadpool) hands events over with `before_commit`/`after_commit`, which are thread-safe."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: dict[str, set[Subscription]] = {}
        self._history: OrderedDict[str, deque[Event]] = OrderedDict()
        self._lock = threading.Lock()
        self.closed = asyncio.Event()
        # Set by `close_streams`: a view that opens after it (its sign-in was still being checked)
        # is closed at once, instead of holding up the shutdown until the server gives up on it.
        self.closing = False
        # Told which cached rows other processes changed (None: any, after a gap in delivery);
        # the app points it at its row caches (app.core.row_cache).
        self.on_invalidation: Callable[[dict[str, set[Any] | None] | None], None] | None = None

    # -- life cycle -------------------------------------------------------------------------
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        self.closed.set()

    # -- publishing -------------------------------------------------------------------------
    @abstractmethod
    async def publish(self, event: Event) -> None:
        """Deliver an event to every subscriber of its channel, in every process."""

    @abstractmethod
    def before_commit(self, session: Session, event: Event) -> None:
        """Called inside the transaction that made the change, just before it commits.
        Safe to call from any thread."""

    @abstractmethod
    def after_commit(self, event: Event) -> None:
        """Called once that transaction has committed. Safe to call from any thread."""

    def share_invalidation(self, session: Session, changes: dict[str, set[Any] | None]) -> None:
        """Called inside a transaction that changes cached rows: tell the other processes, when
        there are any (this process drops its own copies when the transaction commits)."""
        return None

    # -- subscribing ------------------------------------------------------------------------
    def subscribe(self, channel: str, viewer: Viewer | None = None) -> Subscription:
        subscription = Subscription(self, channel, viewer)
        self._subscribers.setdefault(channel, set()).add(subscription)
        if viewer is not None:
            self._presence_changed(channel)
        if self.closing:
            subscription.offer(Event(channel=channel, version=0, kind=CLOSE))
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscribers.get(subscription.channel)
        if subscribers is None or subscription not in subscribers:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._subscribers[subscription.channel]
        if subscription.viewer is not None:
            self._presence_changed(subscription.channel)

    def subscriber_count(self, channel: str | None = None) -> int:
        if channel is not None:
            return len(self._subscribers.get(channel, ()))
        return sum(len(s) for s in self._subscribers.values())

    # -- presence ---------------------------------------------------------------------------
    def local_viewers(self, channel: str) -> list[Viewer]:
        return [s.viewer for s in self._subscribers.get(channel, ()) if s.viewer is not None]

    def viewers(self, channel: str) -> list[Viewer]:
        """Everyone looking at the channel now, once each, in every process the back-end knows."""
        seen: dict[int, Viewer] = {}
        for viewer in self._all_viewers(channel):
            seen.setdefault(viewer.user_id, viewer)
        return sorted(seen.values(), key=lambda v: (v.name, v.user_id))

    def _all_viewers(self, channel: str) -> Iterable[Viewer]:
        return self.local_viewers(channel)

    def _presence_changed(self, channel: str) -> None:
        self._fan_out(Event(channel=channel, version=0, kind=PRESENCE))

    # -- delivery and replay ----------------------------------------------------------------
    def _fan_out(self, event: Event) -> None:
        """Runs on the hub's loop: remember the event for replay, then offer it to each view."""
        if event.version > 0:
            self._remember(event)
        for subscription in list(self._subscribers.get(event.channel, ())):
            subscription.offer(event)

    def _remember(self, event: Event) -> None:
        with self._lock:
            history = self._history.get(event.channel)
            if history is None:
                history = self._history[event.channel] = deque(maxlen=HISTORY_SIZE)
                while len(self._history) > HISTORY_BOARDS:
                    self._history.popitem(last=False)
            else:
                self._history.move_to_end(event.channel)
            if history and history[-1].version >= event.version:
                # Out of order (two writers at once): keep the buffer sorted.
                items = sorted([*history, event], key=lambda e: e.version)
                history.clear()
                history.extend(items[-HISTORY_SIZE:])
            else:
                history.append(event)

    def history(self, channel: str, since: int) -> list[Event] | None:
        """Every event after version `since`, or None when the buffer no longer reaches back
        that far (then the view needs a full refresh)."""
        with self._lock:
            history = list(self._history.get(channel, ()))
        missed = [e for e in history if e.version > since]
        if not missed:
            return []
        versions = {e.version for e in missed}
        if missed[0].version != since + 1 or len(versions) != missed[-1].version - since:
            return None
        return missed

    def forget_history(self) -> None:
        """After a gap in delivery (a lost database connection) replay could be incomplete."""
        with self._lock:
            self._history.clear()
        if self.on_invalidation is not None:
            self.on_invalidation(None)
        for subscribers in self._subscribers.values():
            for subscription in subscribers:
                subscription.behind = True
                subscription.offer(Event(channel=subscription.channel, version=0, kind="board"))

    def close_streams(self) -> None:
        """Ends every open stream (on shutdown): each gets a CLOSE event, even a full queue."""
        self.closing = True
        for subscribers in list(self._subscribers.values()):
            for subscription in list(subscribers):
                subscription.offer(Event(channel=subscription.channel, version=0, kind=CLOSE))

    def _call_in_loop(self, callback: Any, *args: Any) -> None:
        """Hand work to the hub's loop from any thread (routes run in a threadpool)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            callback(*args)
        else:
            loop.call_soon_threadsafe(callback, *args)

"""The publish/subscribe hub: one interface, two back-ends (in-process and PostgreSQL).

A message is a small `Event` (channel, version, kind, ids), never rendered HTML: every open view
renders what changed for its own viewer (language, permissions) after checking that the viewer
may still see it. A subscription listens to a few channels and has a bounded queue; one that
falls behind is marked `behind` and gets a full refresh, so a slow phone never slows down the
publisher or the other viewers. Delivery costs in proportion to a channel's own subscribers."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger("tavle.hub")

QUEUE_SIZE = 64
HISTORY_SIZE = 32
HISTORY_BOARDS = 4096
PRESENCE = "presence"
# Who may see what changed: every stream on the channel checks its viewer again, and ends
# when the answer is no.
ACCESS = "access"
# Offered to every subscriber when the server shuts down: the stream ends at once.
CLOSE = "close"


def board_channel(citizen_id: int) -> str:
    return f"board:{citizen_id}"


def person_channel(user_id: int) -> str:
    """Everything about one person's access: their sessions, their account."""
    return f"person:{user_id}"


def caseload_channel(consultant_id: int) -> str:
    return f"caseload:{consultant_id}"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: enough to show "Also looking now: Mette (consultant)"."""

    user_id: int
    name: str
    role: str


@dataclass(frozen=True)
class Event:
    channel: str
    # The board's version after the change; 0 for anything that is not a change to a board.
    version: int
    # What changed: "agreement", "challenge", "goal", "strength", "board" (anything), "presence",
    # "access" (who may see it), "close" (the server is stopping).
    kind: str
    action: str = ""
    item_id: int | None = None
    actor_id: int | None = None
    # The open page the change was made from, if it named itself: it is not sent back there.
    view: str = ""
    # Only for presence between processes: which process, and who is looking there.
    origin: str = ""
    viewers: tuple[Viewer, ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v not in (None, "", ())}
        if self.viewers:
            data["viewers"] = [[v.user_id, v.name, v.role] for v in self.viewers]
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Event:
        data: dict[str, Any] = json.loads(text)
        viewers = tuple(Viewer(int(u), str(n), str(r)) for u, n, r in data.pop("viewers", []))
        return cls(viewers=viewers, **data)


class Subscription:
    """One open view, listening to `channels`; the first is the one its presence shows on. Use as
    a context manager so it always leaves the hub."""

    __slots__ = ("_events", "_waiter", "behind", "channels", "hub", "maxsize", "viewer")

    def __init__(
        self, hub: Hub, channels: tuple[str, ...], viewer: Viewer | None, maxsize: int = QUEUE_SIZE
    ) -> None:
        self.hub = hub
        self.channels = channels
        self.viewer = viewer
        self.maxsize = maxsize
        # Set when the queue overflowed: the view must be refreshed in full, not replayed.
        self.behind = False
        self._events: list[Event] = []
        self._waiter: asyncio.Future[None] | None = None

    @property
    def channel(self) -> str:
        return self.channels[0]

    def __len__(self) -> int:
        return len(self._events)

    def offer(self, event: Event) -> None:
        """Never blocks: when full, drop what is queued and mark the subscriber behind (a CLOSE
        or ACCESS event is kept, so it is never lost in an overflow)."""
        if len(self._events) >= self.maxsize:
            self.behind = True
            self._events = [e for e in self._events if e.kind in (CLOSE, ACCESS)]
        self._events.append(event)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next_batch(self, timeout: float) -> list[Event]:
        """Everything waiting, or wait up to `timeout` seconds for something: [] if nothing came."""
        await self._wait(timeout)
        return self.drain()

    async def get(self, timeout: float) -> Event | None:
        """The next event, or None after `timeout` seconds without one."""
        await self._wait(timeout)
        return self._events.pop(0) if self._events else None

    def drain(self) -> list[Event]:
        events, self._events = self._events, []
        return events

    async def _wait(self, timeout: float) -> None:
        if self._events:
            return
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):
                await self._waiter
        except TimeoutError:
            pass
        finally:
            self._waiter = None

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.hub.unsubscribe(self)


class Hub(ABC):
    """Subscribers live in the process that serves their stream; delivery is back-end specific.

    All subscriber bookkeeping happens on the hub's event loop. Routes run in a thread pool and
    hand events over with `before_commit`/`after_commit`, which are thread-safe."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: dict[str, set[Subscription]] = {}
        self._history: OrderedDict[str, deque[Event]] = OrderedDict()
        self._lock = threading.Lock()
        self.closed = asyncio.Event()
        # Set by `close_streams`: a view that opens after it is closed at once, instead of
        # holding up the shutdown until the server gives up on it.
        self.closing = False

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
        """Called inside the transaction that made the change, just before it commits."""

    @abstractmethod
    def after_commit(self, event: Event) -> None:
        """Called once that transaction has committed. Safe to call from any thread."""

    # -- subscribing ------------------------------------------------------------------------
    def subscribe(self, channels: str | Iterable[str], viewer: Viewer | None = None) -> Subscription:
        named = (channels,) if isinstance(channels, str) else tuple(channels)
        subscription = Subscription(self, named, viewer)
        for channel in subscription.channels:
            self._subscribers.setdefault(channel, set()).add(subscription)
        if viewer is not None:
            self._presence_changed(subscription.channel)
        if self.closing:
            subscription.offer(Event(channel=subscription.channel, version=0, kind=CLOSE))
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        for channel in subscription.channels:
            subscribers = self._subscribers.get(channel)
            if subscribers is None or subscription not in subscribers:
                continue
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscribers[channel]
        if subscription.viewer is not None:
            self._presence_changed(subscription.channel)

    def subscriber_count(self, channel: str | None = None) -> int:
        if channel is not None:
            return len(self._subscribers.get(channel, ()))
        return len({s for subscribers in self._subscribers.values() for s in subscribers})

    # -- presence ---------------------------------------------------------------------------
    def local_viewers(self, channel: str) -> list[Viewer]:
        return [
            s.viewer
            for s in self._subscribers.get(channel, ())
            if s.viewer is not None and s.channel == channel
        ]

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
        """After a gap in delivery (a lost database connection) replay could be incomplete, and
        an access change may have been missed: every view checks its viewer again, in full."""
        with self._lock:
            self._history.clear()
        for subscription in {s for subscribers in self._subscribers.values() for s in subscribers}:
            subscription.behind = True
            subscription.offer(Event(channel=subscription.channel, version=0, kind=ACCESS))

    def close_streams(self) -> None:
        """Ends every open stream (on shutdown): each gets a CLOSE event, even a full queue."""
        self.closing = True
        for subscription in {s for subscribers in self._subscribers.values() for s in subscribers}:
            subscription.offer(Event(channel=subscription.channel, version=0, kind=CLOSE))

    def _call_in_loop(self, callback: Any, *args: Any) -> None:
        """Hand work to the hub's loop from any thread (routes run in a thread pool)."""
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

"""Server-Sent Events: the one stream implementation, for every live view (board, caseload).

A stream is Starlette's StreamingResponse over an async generator, on the ordinary middleware
stack. It subscribes to its channels first, then asks its feed what to send: once at the start
(catching up), for every batch of events (the feed checks the viewer's access before it renders
anything), and at each heartbeat. A feed ends the stream by raising `Ended`; the hub ends every
stream on shutdown."""

import random
from collections.abc import AsyncIterator, Iterable
from typing import Protocol

import anyio
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from app.live.hub import CLOSE, Event, Hub, Viewer

HEARTBEAT_SECONDS = 15.0
# A heartbeat is an event, not a comment: a page cannot see comments, and it must be able to
# tell a quiet stream from a dead one (or one a proxy holds back), which it reconnects.
BEAT = "event: beat\ndata: still here\n\n"
# Browsers wait this long before they reconnect a dropped stream (their default is ~3 s).
RETRY_MS = 1000
HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


class Ended(Exception):
    """The viewer may no longer see this (or their sign-in ended): the stream closes, after
    `farewell` (an event that empties the view, so nothing seen before stays on the screen)."""

    def __init__(self, farewell: str = "") -> None:
        super().__init__("the stream ended")
        self.farewell = farewell


class Feed(Protocol):
    async def start(self) -> str | None:
        """What to send first, once subscribed (what the view missed)."""

    async def changed(self, events: list[Event], *, behind: bool) -> str | None:
        """What to send for these events; `behind`: some were dropped, send everything."""

    async def idle(self) -> None:
        """A heartbeat is due: raise Ended if the viewer's sign-in has run out meanwhile."""


def frame(data: str, *, event: str, version: int | None = None) -> str:
    """One event. Every line of `data` (CR, LF or CRLF end a line in an event stream) becomes
    a `data:` line; the browser joins them again with LF."""
    head = f"event: {event}\nid: {version}\n" if version is not None else f"event: {event}\n"
    body = data.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\ndata: ")
    return f"{head}data: {body}\n\n"


def jittered(seconds: float) -> float:
    """A little less than `seconds`, at random: streams opened together (every viewer
    reconnects within a second after a restart) then do not all beat in the same instant."""
    return seconds * random.uniform(0.8, 1.0)


class EventStreamResponse(StreamingResponse):
    """StreamingResponse that always closes its generator, so the subscription leaves the hub
    the moment the client does."""

    body_iterator: AsyncIterator[str]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            close = getattr(self.body_iterator, "aclose", None)
            if close is not None:
                await close()


def event_stream(
    *,
    hub: Hub,
    channels: Iterable[str],
    viewer: Viewer | None,
    feed: Feed,
    heartbeat: float | None = None,
) -> EventStreamResponse:
    """`heartbeat`: seconds between heartbeats (None: HEARTBEAT_SECONDS)."""
    return EventStreamResponse(
        _events(hub, tuple(channels), viewer, feed, heartbeat),
        media_type="text/event-stream",
        headers=HEADERS,
    )


async def _events(
    hub: Hub, channels: tuple[str, ...], viewer: Viewer | None, feed: Feed, heartbeat: float | None
) -> AsyncIterator[str]:
    with hub.subscribe(channels, viewer) as subscription:
        yield f"retry: {RETRY_MS}\n\n"
        try:
            first = await feed.start()
            # Something at once, even when the view is up to date: a page learns straight away
            # that streams get through (and so stops polling, see board.js).
            yield first or BEAT
            while not hub.closed.is_set():
                events = await subscription.next_batch(jittered(heartbeat or HEARTBEAT_SECONDS))
                if not events:
                    await feed.idle()
                    yield BEAT
                    continue
                if any(e.kind == CLOSE for e in events):
                    return
                behind, subscription.behind = subscription.behind, False
                text = await feed.changed(events, behind=behind)
                if text:
                    yield text
        except Ended as ended:
            if ended.farewell:
                yield ended.farewell
            return
        finally:
            # A feed may record that the stream closed (`async def finished()`: the board records
            # how long it was watched). The viewer's leaving cancels the stream; this still runs.
            finished = getattr(feed, "finished", None)
            if finished is not None:
                with anyio.CancelScope(shield=True):
                    await finished()

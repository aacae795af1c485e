"""The live stream of one board, for one viewer (Server-Sent Events).

The viewer is authorised once, when the stream opens. Then every change published on the
board's channel is rendered for this viewer (their language, only what they may see) and sent
as one "board" event of out-of-band fragments whose `id:` is the board's version. A view that
reconnects says which version it has (Last-Event-ID, or `since` when the page opens the stream)
and gets what it missed: the parts touched since then when the hub still remembers them, or
else the whole board."""

import asyncio
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlmodel import Session

from app.access.rules import visible_board
from app.board.cache import BoardCache, cache_for
from app.board.read import BoardData, board_version
from app.board.routes import announce, render_update, view_id
from app.board.view import DATA_REGIONS, BoardView, last_look, regions_for
from app.core.config import Settings
from app.core.deps import SESSION_COOKIE, SignInRequired, cached_first, translator_for
from app.core.i18n import Translator
from app.identity import sessions as auth
from app.live import Event, Hub, Subscription, Viewer, board_channel
from app.live.hub import CLOSE, PRESENCE
from app.live.sse import EventStream, EventStreamRoute
from app.models import User

# The stream is served without FastAPI's per-request wrapper, which would live as long as it does.
router = APIRouter(tags=["events"], route_class=EventStreamRoute)

HEARTBEAT_SECONDS = 15.0
RECHECK_SIGN_IN_SECONDS = 60.0
# Browsers wait this long before they reconnect a dropped stream (their default is ~3 s).
RETRY_MS = 1000


@dataclass(slots=True)
class StreamViewer:
    user: User
    citizen_id: int
    translator: Translator
    seen_at: datetime | None
    csrf_token: str
    token: str

    @property
    def as_viewer(self) -> Viewer:
        return Viewer(user_id=self.user.id or 0, name=self.user.name, role=str(self.user.role))


@router.get("/citizens/{citizen_id}/board/events", response_model=None)
async def board_events(request: Request) -> EventStream:
    """`?since=`: the version the page has, when it opens the stream; `?view=`: the page's own
    name for itself, which its requests send too (then changes it made are not sent back)."""
    citizen_id = _citizen_id(request)
    app = request.app
    viewer = await anyio.to_thread.run_sync(partial(_open, app, request, citizen_id))
    last_event_id = (
        request.headers.get("last-event-id", "").strip() or request.query_params.get("since", "").strip()
    )
    known = int(last_event_id) if last_event_id.isdigit() else None
    return BoardStream(app=app, viewer=viewer, known=known, view=view_id(request.query_params.get("view")))


def _citizen_id(request: Request) -> int:
    """As FastAPI would parse `citizen_id: int` (this route reads its own parameters)."""
    value = request.path_params["citizen_id"]
    try:
        return int(value)
    except ValueError:
        raise RequestValidationError(
            [{"type": "int_parsing", "loc": ("path", "citizen_id"), "msg": "not an integer", "input": value}]
        ) from None


def _open(app: FastAPI, request: Request, citizen_id: int) -> StreamViewer:
    """Signs in and authorises once, like every page, in a worker thread."""
    settings: Settings = app.state.settings
    token = request.cookies.get(SESSION_COOKIE, "")
    with Session(app.state.engine, expire_on_commit=False) as session:
        user = auth.user_for_token(session=session, settings=settings, token=token) if token else None
        if user is None:
            raise SignInRequired()
        visible_board(session=session, user=user, citizen_id=citizen_id)
        assert user.id is not None
        return StreamViewer(
            user=user,
            citizen_id=citizen_id,
            translator=translator_for(request, user),
            seen_at=last_look(session=session, viewer_id=user.id, citizen_id=citizen_id),
            csrf_token=request.state.csrf_token,
            token=token,
        )


def jittered(seconds: float) -> float:
    """A little less than `seconds`, at random. Streams opened together (after a restart every
    viewer reconnects within a second) would otherwise send their heartbeats and check their
    sign-ins all in the same instant, again and again, stalling every live update meanwhile."""
    return seconds * random.uniform(0.8, 1.0)


def first_of(seconds: float) -> float:
    """When a stream's first heartbeat or sign-in check is due: anywhere within the period, so
    streams opened together spread their timers over all of it from the start (with `jittered`
    alone, thousands of them would come in bursts a fifth of the period wide for minutes)."""
    return seconds * random.uniform(0.05, 1.0)


def sse(data: str, *, event: str = "board", version: int | None = None) -> str:
    """One event. Every line of `data` (CR, LF or CRLF end a line in an event stream, nothing
    else does) becomes a `data:` line; the browser joins them again with LF."""
    head = f"event: {event}\nid: {version}\n" if version is not None else f"event: {event}\n"
    if "\r" in data:
        # Rare (only typed text can hold a CR), and each replace copies all of the text again.
        data = data.replace("\r\n", "\n").replace("\r", "\n")
    body = data.replace("\n", "\ndata: ")
    return f"{head}data: {body}\n\n"


class BoardStream(EventStream):
    """Everything one open stream keeps while it waits, in one small object."""

    __slots__ = ("app", "cache", "channel", "hub", "known", "sent", "view", "viewer")

    def __init__(self, *, app: FastAPI, viewer: StreamViewer, known: int | None, view: str = "") -> None:
        super().__init__()
        self.view = view
        self.app = app
        self.hub: Hub = app.state.hub
        self.cache: BoardCache = cache_for(app.state.engine)
        self.viewer = viewer
        self.known = known
        self.channel = board_channel(viewer.citizen_id)
        self.sent = 0

    async def run(self) -> None:
        # Subscribe before reading the version, so nothing can slip between the two.
        with self.hub.subscribe(self.channel, self.viewer.as_viewer) as subscription:
            subscription.on_offer = self.wake
            await self.send(f"retry: {RETRY_MS}\n\n")
            await self._catch_up()
            await self._follow(subscription)

    async def _catch_up(self) -> None:
        current = await anyio.to_thread.run_sync(self._current_version)
        self.sent = current
        known = self.known
        if known is not None and known == current:
            return
        missed = self.hub.history(self.channel, known) if known is not None and known < current else None
        if missed and missed[-1].version >= current:
            await self.send(
                await self._render(regions_for(e.kind for e in missed), missed, current, since=known)
            )
        else:
            await self.send(await self._render(DATA_REGIONS, [], current))

    async def _follow(self, subscription: Subscription) -> None:
        """Until the client leaves, the hub closes, or the sign-in ends. What this frame holds
        stays alive while the stream waits, so events and rendered text live in the callees."""
        loop = asyncio.get_running_loop()
        heartbeat_at = loop.time() + first_of(HEARTBEAT_SECONDS)
        recheck_at = loop.time() + first_of(RECHECK_SIGN_IN_SECONDS)
        while True:
            if not len(subscription):
                if not await self.wait(heartbeat_at):
                    return
                if not len(subscription):
                    # Only an offer ends the wait early, so this is the heartbeat's time.
                    if loop.time() > recheck_at:
                        recheck_at = loop.time() + jittered(RECHECK_SIGN_IN_SECONDS)
                        if not await self._still_signed_in():
                            return
                    await self.send(": still here\n\n")
                    heartbeat_at = loop.time() + jittered(HEARTBEAT_SECONDS)
                    continue
            events = subscription.drain()
            if any(e.kind == CLOSE for e in events) or self.hub.closed.is_set():
                return
            behind, subscription.behind = subscription.behind, False
            if await self._deliver(events, behind=behind):
                heartbeat_at = loop.time() + jittered(HEARTBEAT_SECONDS)
            del events

    async def _deliver(self, events: list[Event], *, behind: bool) -> bool:
        """Sends what `events` change for this viewer, if anything (then True)."""
        changes = [e for e in events if e.kind != PRESENCE and (e.version > self.sent or e.version == 0)]
        regions = set(DATA_REGIONS if behind else regions_for(e.kind for e in changes))
        if any(e.kind == PRESENCE for e in events):
            regions.add(PRESENCE)
        if not regions:
            return False
        target = max([self.sent, *(e.version for e in changes)])
        if not behind and PRESENCE not in regions and self._made_here(changes):
            # The page has all of it from the answers to its own requests.
            self.sent = target
            return False
        if changes and all(e.actor_id == self.viewer.user.id for e in changes):
            # This viewer's own change: everyone else's view goes first, and the answer to the
            # change's own request usually too, whose drawing of the same parts this reuses.
            await asyncio.sleep(0)
        if behind:
            await self.send(await self._render(regions, [], target))
        else:
            await self.send(await self._render(regions, changes, target, since=self.sent))
        return True

    def _made_here(self, changes: list[Event]) -> bool:
        return bool(self.view) and bool(changes) and all(e.view == self.view for e in changes)

    async def _render(
        self, regions: Iterable[str], events: Sequence[Event], at_least: int, since: int | None = None
    ) -> str:
        """`since`: the version this view had, when `events` are every change after it."""
        wanted = set(regions)
        cid = self.viewer.citizen_id
        # Usually the writer has just read it: then there is no need to wait for a thread.
        cached = self.cache.fresh(cid, at_least)
        if cached is None and events:
            # Card moves made in another process say what they changed: no read needed.
            cached = self.cache.follow(cid, events)
        if cached is None or cached.version < at_least:
            cached = await self._read(cid, at_least, since, events)
        data = cached
        view = BoardView(data=data, viewer=self.viewer.user, seen_at=self.viewer.seen_at)
        context = {
            "user": self.viewer.user,
            "csrf_token": self.viewer.csrf_token,
            "viewers": self.hub.viewers(self.channel),
        }
        html = render_update(
            view=view,
            regions=wanted,
            translator=self.viewer.translator,
            context=context,
            announcement=announce(view, events, self.viewer.translator),
        )
        if wanted == {PRESENCE}:
            return sse(html)
        self.sent = max(self.sent, data.version)
        return sse(html, version=data.version)

    async def _read(self, cid: int, at_least: int, since: int | None, events: Sequence[Event]) -> BoardData:
        versions = sorted({e.version for e in events if e.version > 0})
        if since is None or versions != list(range(since + 1, at_least + 1)):
            since = None
        kinds = {e.kind for e in events if e.version > 0}
        return await anyio.to_thread.run_sync(
            partial(self.cache.get, cid, at_least, since=since, kinds=kinds)
        )

    def _current_version(self) -> int:
        with Session(self.app.state.engine) as session:
            return board_version(session=session, citizen_id=self.viewer.citizen_id)

    async def _still_signed_in(self) -> bool:
        """From the process's copy of the session when it has one: thousands of streams ask
        this every minute, and a trip to a worker thread each would cost more than the answer."""
        check = partial(
            auth.still_signed_in,
            settings=self.app.state.settings,
            token=self.viewer.token,
            user_id=self.viewer.user.id,
        )
        return await cached_first(self.app.state.engine, check)

"""The live stream of one board, for one viewer (Server-Sent Events).

The stream opens like the board page: signed in, and allowed to open this board. Before every
event it sends, it asks both again, by the same rules, in the same transaction in which it reads
the board: a viewer who signed out, was removed from the network or the caseload, or whose
account was closed gets nothing more, and the stream ends. Whatever changes who may see a board
publishes an "access" event on the board's channel or the person's own, so the stream learns of
it within moments, in every process.

Each event is one "board" event of out-of-band fragments, rendered for this viewer (their
language, only what they may see), whose `id:` is the board's version. A view that reconnects
says which version it has (Last-Event-ID, or `since` when the page opens the stream) and gets
what it missed: the parts touched since then when the hub still remembers them, else the whole
board."""

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import anyio.to_thread
from fastapi import APIRouter, Request
from sqlalchemy import Engine
from sqlmodel import Session

from app.access.rules import can_open_board, visible_board
from app.board.read import BoardData, BoardGone, load_board, parts_for
from app.board.routes import BOARD_TEMPLATE, MOVED_AFTER_YOU, announce, moved_by_other, render_update
from app.board.view import (
    DATA_REGIONS,
    MEETING_REGIONS,
    BoardView,
    Look,
    catch_up,
    last_look,
    may_change,
    regions_for,
    watched_until,
)
from app.core.config import Settings
from app.core.i18n import Translator
from app.core.numbers import whole
from app.core.refusals import SignInRequired
from app.core.rendering import render
from app.core.request_scope import valid_view_name
from app.core.security import SESSION_COOKIE
from app.deps import translator_for
from app.identity import sessions
from app.live import Event, Hub, Viewer, board_channel, person_channel
from app.live.hub import ACCESS, PRESENCE
from app.live.sse import Ended, EventStreamResponse, event_stream, frame
from app.models import User
from app.models.base import utcnow

router = APIRouter(tags=["events"])
# How soon after this page moved a card another's move of it counts as near-simultaneous.
NEAR_SECONDS = 30.0
log = logging.getLogger("tavle.board")


@router.get("/citizens/{citizen_id}/board/events")
def board_events(
    citizen_id: int, request: Request, since: str = "", view: str = "", screen: str = ""
) -> EventStreamResponse:
    """`since`: the version the page has, when it opens the stream (else Last-Event-ID); `view`:
    the name the page gives itself; `screen`: "meeting" for the meeting screen, which shows the
    agenda too (only to those who may open it). The stream keeps no database session while it
    waits: each event opens its own."""
    token = request.cookies.get(SESSION_COOKIE, "")
    settings: Settings = request.app.state.settings
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        signed_in = sessions.current(session=session, settings=settings, token=token) if token else None
        if signed_in is None:
            raise SignInRequired()
        user = signed_in.user
        visible_board(session=session, user=user, citizen_id=citizen_id)
        assert user.id is not None
        look = last_look(session=session, viewer_id=user.id, citizen_id=citizen_id)
    known = (request.headers.get("last-event-id", "").strip() or since.strip()).strip()
    hub: Hub = request.app.state.hub
    feed = BoardFeed(
        hub=hub,
        engine=engine,
        settings=settings,
        token=token,
        user=user,
        citizen_id=citizen_id,
        translator=translator_for(request, user),
        look=look,
        csrf_token=request.state.csrf_token,
        known=whole(known),
        ends_at=signed_in.ends_at,
        view=valid_view_name(view),
        meeting=screen == "meeting" and may_change(user),
    )
    viewer = Viewer(user_id=user.id, name=user.name, role=str(user.role))
    channels = (board_channel(citizen_id), person_channel(user.id))
    return event_stream(
        hub=hub, channels=channels, viewer=viewer, feed=feed, heartbeat=settings.live_heartbeat_seconds
    )


@dataclass
class BoardFeed:
    """What one open stream keeps while it waits."""

    hub: Hub
    engine: Engine
    settings: Settings
    token: str
    user: User
    citizen_id: int
    translator: Translator
    look: Look
    csrf_token: str
    known: int | None
    # When the sign-in runs out if nothing more happens (each check moves it on).
    ends_at: datetime | None
    # The name of the page this stream feeds ("": none given).
    view: str = ""
    # The meeting screen: the agenda is one of its regions.
    meeting: bool = False
    sent: int = 0
    # Still allowed at the last check: only then does closing the stream count as watched.
    live: bool = True
    # The cards this page moved, and when (monotonic seconds): another's move of one of them
    # soon after is a near-simultaneous move this viewer lost, and they are told so.
    my_moves: dict[int, float] = field(default_factory=dict)
    away: tuple[datetime, datetime] | None = None

    @property
    def channel(self) -> str:
        return board_channel(self.citizen_id)

    async def start(self) -> str | None:
        """Nothing when the page is at the board's version (it was drawn moments ago); what it
        missed, when the hub remembers it; else the whole board."""
        regions, missed = self._shown(DATA_REGIONS), list[Event]()
        if self.known is not None:
            now = await anyio.to_thread.run_sync(self._read, frozenset[str]())
            self.sent = now.version
            touched, missed = catch_up(
                hub=self.hub, channel=self.channel, known=self.known, version=now.version
            )
            if self.known < now.version and self.look.opened is not None:
                # Back after a gap (a phone in a pocket): what changed since this viewer last
                # watched was not watched, so it is marked new.
                self.away = (self.look.opened, utcnow())
            regions = self._shown(touched)
            if not regions:
                return None
        data = await anyio.to_thread.run_sync(self._read, regions)
        self.sent = data.version
        return self._render(data, regions, missed)

    async def changed(self, events: list[Event], *, behind: bool) -> str | None:
        """A change made from this very page is left out: the page has it from its own answer."""
        for event in events:
            if self._made_here(event) and event.action == "moved" and event.item_id is not None:
                self.my_moves[event.item_id] = time.monotonic()
        changes = [
            e
            for e in events
            if e.kind not in (PRESENCE, ACCESS) and e.version > self.sent and not self._made_here(e)
        ]
        regions = set(DATA_REGIONS if behind or any(e.kind == ACCESS for e in events) else ())
        regions |= regions_for(e.kind for e in changes)
        regions = set(self._shown(regions))
        if any(e.kind == PRESENCE for e in events):
            regions.add(PRESENCE)
        if not regions:
            return None
        data = await anyio.to_thread.run_sync(self._read, frozenset(regions))
        if regions == {PRESENCE}:
            return self._render(data, regions, [])
        # Only what was redrawn counts as sent: a change to another part of the board that was
        # committed while this one was read still goes out when its own event comes.
        everything = self._shown(DATA_REGIONS) <= regions
        handled = max((e.version for e in changes), default=self.sent)
        self.sent = max(self.sent, data.version if everything else handled)
        return self._render(data, regions, [] if behind else changes)

    def _shown(self, regions: frozenset[str] | set[str]) -> frozenset[str]:
        """The regions this page has: the agenda only on the meeting screen."""
        return frozenset(regions) if self.meeting else frozenset(regions) - MEETING_REGIONS

    async def finished(self) -> None:
        """The viewer watched the board live until now (app.board.view.watched_until)."""
        if not self.live:
            return
        try:
            await anyio.to_thread.run_sync(self._watched)
        except Exception:
            # Only the "new" markers of a later look depend on it; a server shutting down (its
            # database going first) must not turn a closed stream into an error.
            log.warning("could not record how long a board was watched", exc_info=True)

    def _watched(self) -> None:
        with Session(self.engine, expire_on_commit=False) as session:
            assert self.user.id is not None
            watched_until(session=session, viewer_id=self.user.id, citizen_id=self.citizen_id)

    def _lost_moves(self, view: BoardView, events: Sequence[Event]) -> dict[int, str]:
        """Cards this page moved moments ago that someone else has moved since: the last move
        won, so this viewer reads who moved each where."""
        now = time.monotonic()
        lost: dict[int, str] = {}
        for event in events:
            moved_at = self.my_moves.get(event.item_id or 0)
            if event.action != "moved" or moved_at is None or now - moved_at > NEAR_SECONDS:
                continue
            if event.actor_id == self.user.id:
                continue
            card = view.find(event.item_id)
            if card is not None:
                lost[card.id] = moved_by_other(view, card, MOVED_AFTER_YOU, self.translator)
            self.my_moves.pop(event.item_id or 0, None)
        return lost

    def _made_here(self, event: Event) -> bool:
        return bool(self.view) and event.view == self.view

    async def idle(self) -> None:
        """The sign-in's own end, known without a query: any other change of access comes as
        an event, and every event is checked in full."""
        if self.ends_at is None or self.ends_at <= utcnow():
            raise self._ended()

    def _ended(self) -> Ended:
        """The end of the stream: the board leaves the viewer's screen, nothing of it is sent."""
        self.live = False
        html = render(BOARD_TEMPLATE, {"ended": True}, self.translator, block="ended")
        return Ended(frame(html, event="board"))

    def _read(self, regions: frozenset[str]) -> BoardData:
        """Signed in and allowed, by the same rules as the page, then the parts of the board
        that `regions` show: one session."""
        with Session(self.engine, expire_on_commit=False) as session:
            signed_in = sessions.current(session=session, settings=self.settings, token=self.token)
            if signed_in is None or signed_in.user.id != self.user.id:
                raise self._ended()
            if not can_open_board(session=session, user=signed_in.user, citizen_id=self.citizen_id):
                raise self._ended()
            self.user, self.ends_at = signed_in.user, signed_in.ends_at
            try:
                return load_board(session=session, citizen_id=self.citizen_id, parts=parts_for(regions))
            except BoardGone:
                raise self._ended() from None

    def _render(self, data: BoardData, regions: set[str] | frozenset[str], events: Sequence[Event]) -> str:
        view = BoardView(
            data=data, viewer=self.user, seen_at=self.look.since, opened_at=self.look.opened, away=self.away
        )
        why = self._lost_moves(view, events)
        context = {
            "user": self.user,
            "csrf_token": self.csrf_token,
            "viewers": self.hub.viewers(self.channel),
            "why": why,
        }
        html = render_update(
            view=view,
            regions=regions,
            translator=self.translator,
            context=context,
            announcement=" ".join(why.values()) or announce(view, events, self.translator),
        )
        if set(regions) == {PRESENCE}:
            return frame(html, event="board")
        return frame(html, event="board", version=data.version)

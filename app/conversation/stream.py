"""The live stream of one thread, for one viewer (Server-Sent Events, the one implementation in
`app.live.sse`).

It listens on the board's channel (messages are board changes; "seen" is published there too)
and on the viewer's own. Before every event it sends it asks again, by the same rule as the page
(`app.access.rules.may_take_part`), in the session that reads the thread: a viewer signed out, a
card no longer shared with the member it names, consent withdrawn, the citizen erased, and the
stream sends nothing more and ends."""

from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread
from fastapi import APIRouter, Request
from markupsafe import escape
from sqlalchemy import Engine
from sqlmodel import Session

from app.access.rules import citizen_row, may_take_part
from app.conversation import service
from app.conversation.routes import TEMPLATE, open_thread, render_messages
from app.core.config import Settings
from app.core.i18n import Translator
from app.core.refusals import SignInRequired
from app.core.rendering import render
from app.core.security import SESSION_COOKIE
from app.deps import translator_for
from app.identity import sessions
from app.live import Event, Hub, board_channel, person_channel
from app.live.hub import ACCESS, PRESENCE
from app.live.sse import Ended, EventStreamResponse, event_stream, frame
from app.models import User
from app.models.base import utcnow

router = APIRouter(tags=["events"])

# What a thread redraws for: its messages, someone's reading, who may see it (a card unshared or
# deleted comes as an agreement change; "board" as anything at all).
REDRAW = frozenset({"message", service.SEEN, ACCESS, "agreement", "board"})


@router.get("/citizens/{citizen_id}/messages/events")
def general_events(citizen_id: int, request: Request) -> EventStreamResponse:
    return _stream(request, citizen_id, None)


@router.get("/citizens/{citizen_id}/agreements/{agreement_id}/messages/events")
def agreement_events(citizen_id: int, agreement_id: int, request: Request) -> EventStreamResponse:
    return _stream(request, citizen_id, agreement_id)


def _stream(request: Request, citizen_id: int, agreement_id: int | None) -> EventStreamResponse:
    token = request.cookies.get(SESSION_COOKIE, "")
    settings: Settings = request.app.state.settings
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        signed_in = sessions.current(session=session, settings=settings, token=token) if token else None
        if signed_in is None:
            raise SignInRequired()
        user = signed_in.user
        open_thread(session=session, user=user, citizen_id=citizen_id, agreement_id=agreement_id)
        session.commit()
    assert user.id is not None
    feed = ThreadFeed(
        engine=engine,
        settings=settings,
        token=token,
        user=user,
        citizen_id=citizen_id,
        agreement_id=agreement_id,
        translator=translator_for(request, user),
        ends_at=signed_in.ends_at,
    )
    hub: Hub = request.app.state.hub
    channels = (board_channel(citizen_id), person_channel(user.id))
    return event_stream(hub=hub, channels=channels, viewer=None, feed=feed)


@dataclass
class ThreadFeed:
    engine: Engine
    settings: Settings
    token: str
    user: User
    citizen_id: int
    agreement_id: int | None
    translator: Translator
    ends_at: datetime | None

    async def start(self) -> str | None:
        """The page was drawn moments ago; a reconnecting view gets the thread as it is now."""
        return await anyio.to_thread.run_sync(self._render, [])

    async def changed(self, events: list[Event], *, behind: bool) -> str | None:
        if not behind and not any(e.kind in REDRAW for e in events if e.kind != PRESENCE):
            return None
        return await anyio.to_thread.run_sync(self._render, events)

    async def idle(self) -> None:
        if self.ends_at is None or self.ends_at <= utcnow():
            raise self._ended()

    def _ended(self) -> Ended:
        html = render(TEMPLATE, {"ended": True}, self.translator, block="ended")
        return Ended(frame(html, event="thread"))

    def _render(self, events: list[Event]) -> str:
        """Signed in and still taking part, by the page's rule, then the thread: one session.
        Reading it marks it read, as the open page does."""
        with Session(self.engine, expire_on_commit=False) as session:
            signed_in = sessions.current(session=session, settings=self.settings, token=self.token)
            if signed_in is None or signed_in.user.id != self.user.id:
                raise self._ended()
            user = signed_in.user
            self.user, self.ends_at = user, signed_in.ends_at
            agreement = None
            if self.agreement_id is not None:
                agreement = service.find_agreement(
                    session=session, citizen_id=self.citizen_id, agreement_id=self.agreement_id
                )
                if agreement is None:
                    raise self._ended()
            if not may_take_part(session=session, user=user, citizen_id=self.citizen_id, agreement=agreement):
                raise self._ended()
            citizen = citizen_row(session=session, citizen_id=self.citizen_id)
            if citizen is None:
                raise self._ended()
            conversation = service.load(session=session, citizen=citizen, agreement=agreement, viewer=user)
            # Only a new message is read by having the thread open; "seen" itself moves nothing.
            if any(e.kind == "message" for e in events):
                service.mark_read(session=session, conversation=conversation, reader=user)
        html = render_messages(conversation, self.translator)
        announcement = self._announce(conversation, events)
        if announcement:
            html += f'\n<div id="thread-live" hx-swap-oob="innerHTML">{announcement}</div>'
        return frame(html, event="thread")

    def _announce(self, conversation: service.Conversation, events: list[Event]) -> str:
        written = [e for e in events if e.kind == "message" and e.actor_id != self.user.id]
        if not written or not conversation.messages:
            return ""
        last = conversation.messages[-1]
        if last.author_id == self.user.id:
            return ""
        name = last.author or self.translator.gettext("Someone")
        return str(escape(self.translator.gettext("%(name)s wrote a message.", name=name)))

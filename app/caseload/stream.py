"""The live stream of one consultant's caseload overview (Server-Sent Events).

Opened by a signed-in consultant, on their own channel only, so nobody can listen to another
caseload. Every change published there (a citizen rated something; a citizen joined or left
the caseload) re-renders the overview's rows for this viewer, in their language, with the
sorting and filter their page has, after checking again that they are still signed in."""

from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread
from fastapi import APIRouter, Request
from sqlalchemy import Engine
from sqlmodel import Session

from app.caseload.routes import caseload_context, choices, render_rows
from app.core.config import Settings
from app.core.i18n import Translator
from app.core.refusals import NotVisible, SignInRequired
from app.core.rendering import render
from app.core.security import SESSION_COOKIE
from app.deps import translator_for
from app.identity import sessions
from app.live import Event, Hub, caseload_channel, person_channel
from app.live.sse import Ended, EventStreamResponse, event_stream, frame
from app.models import Role, User
from app.models.base import utcnow

router = APIRouter(tags=["caseload"])


@router.get("/caseload/events")
def caseload_events(
    request: Request, sort: str = "name", show: str = "all", q: str = ""
) -> EventStreamResponse:
    token = request.cookies.get(SESSION_COOKIE, "")
    settings: Settings = request.app.state.settings
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        signed_in = sessions.current(session=session, settings=settings, token=token) if token else None
        if signed_in is None:
            raise SignInRequired()
        user = signed_in.user
        if user.role != Role.consultant:
            raise NotVisible(0)
    assert user.id is not None
    sort, show, q = choices(sort, show, q)
    feed = CaseloadFeed(
        engine=engine,
        settings=settings,
        token=token,
        user=user,
        translator=translator_for(request, user),
        csrf_token=request.state.csrf_token,
        sort=sort,
        show=show,
        q=q,
        ends_at=signed_in.ends_at,
    )
    hub: Hub = request.app.state.hub
    channels = (caseload_channel(user.id), person_channel(user.id))
    return event_stream(hub=hub, channels=channels, viewer=None, feed=feed)


@dataclass
class CaseloadFeed:
    engine: Engine
    settings: Settings
    token: str
    user: User
    translator: Translator
    csrf_token: str
    sort: str
    show: str
    q: str
    ends_at: datetime | None

    async def start(self) -> str | None:
        return None

    # Any change redraws the whole caseload (about 15 rows): which events came, or whether some
    # were missed, makes no difference here.
    async def changed(self, events: list[Event], *, behind: bool) -> str | None:  # noqa: ARG002
        html = await anyio.to_thread.run_sync(self._render)
        return frame(html, event="caseload")

    async def idle(self) -> None:
        if self.ends_at is None or self.ends_at <= utcnow():
            raise self._ended()

    def _ended(self) -> Ended:
        html = render("caseload.html", {"ended": True}, self.translator, block="ended")
        return Ended(frame(html, event="caseload"))

    def _render(self) -> str:
        with Session(self.engine, expire_on_commit=False) as session:
            signed_in = sessions.current(session=session, settings=self.settings, token=self.token)
            if signed_in is None or not _same_consultant(signed_in.user, self.user):
                raise self._ended()
            user, self.ends_at = signed_in.user, signed_in.ends_at
            context = caseload_context(
                session=session,
                user=user,
                sort=self.sort,
                show=self.show,
                q=self.q,
                retention_months=self.settings.retention_months,
            )
        context.update(user=user, csrf_token=self.csrf_token)
        return render_rows(context, self.translator)


def _same_consultant(now: User, opened_by: User) -> bool:
    return now.id == opened_by.id and now.role == Role.consultant

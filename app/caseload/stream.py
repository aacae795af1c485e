"""The live stream of one consultant's caseload overview (Server-Sent Events).

Authorised once when it opens (a signed-in consultant; the channel is their own, so nobody can
listen to another caseload). Every change published on `caseload:{consultant_id}` (a citizen
rated something) re-renders the overview's rows for this viewer, in their language, with the
sorting and filter their page has, and sends them as one "caseload" event."""

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from app.access.rules import NotVisible
from app.board.stream import (
    HEARTBEAT_SECONDS,
    RECHECK_SIGN_IN_SECONDS,
    RETRY_MS,
    jittered,
    sse,
)
from app.caseload.routes import caseload_context, choices, render_rows
from app.core.config import Settings
from app.core.deps import SESSION_COOKIE, SignInRequired, cached_first, translator_for
from app.core.i18n import Translator
from app.identity import sessions as auth
from app.interventions.service import caseload_channel
from app.live import Hub
from app.live.hub import CLOSE
from app.models import Role, User

router = APIRouter(tags=["caseload"])


@dataclass
class CaseloadViewer:
    user: User
    translator: Translator
    csrf_token: str
    token: str
    sort: str
    show: str
    q: str


@router.get("/caseload/events")
async def caseload_events(
    request: Request, sort: str = "name", show: str = "all", q: str = ""
) -> StreamingResponse:
    viewer = await anyio.to_thread.run_sync(partial(_open, request.app, request, *choices(sort, show, q)))
    return StreamingResponse(
        _run(request.app, viewer),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _open(app: FastAPI, request: Request, sort: str, show: str, q: str) -> CaseloadViewer:
    settings: Settings = app.state.settings
    token = request.cookies.get(SESSION_COOKIE, "")
    with Session(app.state.engine, expire_on_commit=False) as session:
        user = auth.user_for_token(session=session, settings=settings, token=token) if token else None
        if user is None:
            raise SignInRequired()
        if user.role != Role.consultant:
            raise NotVisible(0)
        return CaseloadViewer(
            user=user,
            translator=translator_for(request, user),
            csrf_token=request.state.csrf_token,
            token=token,
            sort=sort,
            show=show,
            q=q,
        )


async def _run(app: FastAPI, viewer: CaseloadViewer) -> AsyncIterator[str]:
    hub: Hub = app.state.hub
    with hub.subscribe(caseload_channel(viewer.user.id or 0)) as subscription:
        yield f"retry: {RETRY_MS}\n\n"
        recheck_at = time.monotonic() + jittered(RECHECK_SIGN_IN_SECONDS)
        while True:
            event = await subscription.get(timeout=jittered(HEARTBEAT_SECONDS))
            if event is None:
                if time.monotonic() > recheck_at:
                    recheck_at = time.monotonic() + jittered(RECHECK_SIGN_IN_SECONDS)
                    check = partial(
                        auth.still_signed_in,
                        settings=app.state.settings,
                        token=viewer.token,
                        user_id=viewer.user.id,
                    )
                    if not await cached_first(app.state.engine, check):
                        return
                yield ": still here\n\n"
                continue
            events = [event, *subscription.drain()]
            if any(e.kind == CLOSE for e in events) or hub.closed.is_set():
                return
            html = await anyio.to_thread.run_sync(partial(_render, app, viewer))
            yield sse(html, event="caseload")


def _render(app: FastAPI, viewer: CaseloadViewer) -> str:
    with Session(app.state.engine, expire_on_commit=False) as session:
        context: dict[str, Any] = caseload_context(
            session=session, user=viewer.user, sort=viewer.sort, show=viewer.show, q=viewer.q
        )
    context.update(user=viewer.user, csrf_token=viewer.csrf_token)
    return render_rows(context, viewer.translator)

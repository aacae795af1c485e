"""The meeting screen: the board in large type for a big screen, with a QR code that opens the
same board on the citizen's phone (after they sign in there)."""

from functools import lru_cache

import segno
from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from app.access.rules import NotVisible, visible_citizen
from app.board.read import MEETING_PARTS, load_board
from app.board.routes import board_context, heartbeat_seconds
from app.board.view import BoardView, mark_seen, may_change
from app.deps import CurrentUser, SessionDep, SettingsDep, WebDep

router = APIRouter(tags=["meeting"])


@router.get("/citizens/{citizen_id}/meeting")
def meeting_page(
    citizen_id: int, web: WebDep, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    visible_citizen(session=session, user=user, citizen_id=citizen_id)
    if not may_change(user):
        raise NotVisible(citizen_id)
    assert user.id is not None
    data = load_board(session=session, citizen_id=citizen_id, parts=MEETING_PARTS)
    look = mark_seen(session=session, viewer_id=user.id, citizen_id=citizen_id, changed_at=data.changed_at)
    view = BoardView(data=data, viewer=user, seen_at=look.since, opened_at=look.opened)
    base = settings.public_url.rstrip("/") or str(web.request.base_url).rstrip("/")
    board_url = f"{base}/citizens/{citizen_id}/board"
    return web.page(
        "meeting.html",
        **board_context(
            view,
            board_url=board_url,
            qr=qr_svg(board_url),
            meeting=True,
            heartbeat_seconds=heartbeat_seconds(web),
        ),
    )


@lru_cache(maxsize=256)
def qr_svg(url: str) -> Markup:
    """An inline SVG QR code, made on the server (no script, no request to anyone else)."""
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=1, border=2, omitsize=True, dark="#000000", light="#ffffff"))

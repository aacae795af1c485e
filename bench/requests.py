"""The requests a viewer's browser sends, as raw HTTP/1.1 bytes: what htmx sends from the board."""

from __future__ import annotations

import secrets

from app.core.csrf import token_for
from bench.client import cookie_headers, request_bytes
from bench.seed import SeededBoard

# Who holds a session on a board: "citizen" (phone), "consultant" (laptop), "screen" (the
# meeting screen, signed in as the consultant), "member" (a network member).
Actor = str
# The server under test signs CSRF tokens with this key (bench.server sets TAVLE_SECRET_KEY), so
# the load generator can make each session's token as the app's pages carry it.
SECRET_KEY = secrets.token_urlsafe(48)
# The pre-session cookie a browser would have; once signed in the token is made of the session.
PRESESSION = secrets.token_urlsafe(32)


def viewer_headers(board: SeededBoard, actor: Actor) -> dict[str, str]:
    return cookie_headers(board.tokens[actor], PRESESSION)


def csrf_token(board: SeededBoard, actor: Actor) -> str:
    return token_for(SECRET_KEY.encode(), session_token=board.tokens[actor], presession_id=PRESESSION)


def board_page(board: SeededBoard, actor: Actor) -> bytes:
    return request_bytes("GET", f"/citizens/{board.citizen_id}/board", viewer_headers(board, actor))


def view_name(board: SeededBoard, actor: Actor) -> str:
    """The name the viewer's open board page gives itself (board.js makes a random one)."""
    return f"bench-{actor}-{board.citizen_id}"


def _change(board: SeededBoard, actor: Actor, path: str, body: bytes) -> bytes:
    """A change sent by htmx from the viewer's open board page."""
    headers = {
        **viewer_headers(board, actor),
        "X-CSRF-Token": csrf_token(board, actor),
        "HX-Request": "true",
        "X-Tavle-View": view_name(board, actor),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return request_bytes("POST", path, headers, body)


def card_move(board: SeededBoard, actor: Actor, *, to: str) -> bytes:
    """Moves the board's first card to the column `to`, as the board's column buttons do."""
    path = f"/citizens/{board.citizen_id}/agreements/{board.card_id}/move"
    return _change(board, actor, path, f"to={to}".encode())


def remove_member(board: SeededBoard) -> bytes:
    """The citizen removes her network member, from her network page."""
    return _change(board, "citizen", f"/citizens/{board.citizen_id}/network/{board.member_id}/remove", b"")


def board_events_path(board: SeededBoard, actor: Actor, since: int) -> str:
    return f"/citizens/{board.citizen_id}/board/events?since={since}&view={view_name(board, actor)}"

"""The requests a viewer's browser sends, as raw HTTP/1.1 bytes: what htmx sends from the board."""

from __future__ import annotations

import secrets
from typing import Literal

from bench.client import cookie_headers, request_bytes
from bench.seed import SeededBoard

Actor = Literal["citizen", "consultant"]
# The double-submit CSRF token: any value works, as long as cookie and header agree.
CSRF = secrets.token_urlsafe(16)


def token(board: SeededBoard, actor: Actor) -> str:
    return board.citizen_token if actor == "citizen" else board.consultant_token


def viewer_headers(board: SeededBoard, actor: Actor) -> dict[str, str]:
    return cookie_headers(token(board, actor), CSRF)


def board_page(board: SeededBoard, actor: Actor) -> bytes:
    return request_bytes("GET", f"/citizens/{board.citizen_id}/board", viewer_headers(board, actor))


def view_name(board: SeededBoard, actor: Actor) -> str:
    """The name the viewer's open board page gives itself (board.js makes a random one)."""
    return f"bench-{actor}-{board.citizen_id}"


def card_move(board: SeededBoard, actor: Actor, *, to: str) -> bytes:
    """Moves the board's first card to the column `to`, as the board's column buttons do, from
    the viewer's open board page."""
    headers = {
        **viewer_headers(board, actor),
        "X-CSRF-Token": CSRF,
        "HX-Request": "true",
        "X-Tavle-View": view_name(board, actor),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    path = f"/citizens/{board.citizen_id}/agreements/{board.card_id}/move"
    return request_bytes("POST", path, headers, f"to={to}".encode())


def board_events_path(board: SeededBoard, actor: Actor, since: int) -> str:
    return f"/citizens/{board.citizen_id}/board/events?since={since}&view={view_name(board, actor)}"

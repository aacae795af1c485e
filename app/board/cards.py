"""The board's columns and their agreement cards as HTML, each part made once and reused by
every view that shows it the same way (a "Russian doll" cache).

A card's HTML depends on the card, the language, and how the viewer stands to it (citizen or
consultant, whether it is new to them, whether it waits for them, whether it is overdue today),
never on who the viewer is beyond that, except for the viewer's form token: that is stored as a
placeholder and put in when the card is used. After a change only the changed card is drawn
again, and only when it now looks different: a card moved back to a column it was in is the
same drawing as before (where a card sits in its column, and when or by whom it was last
touched, show only through the "new since you last looked" marker, which is in the key).

Around the cards, a column's frame (its heading, how many cards it has, the list) depends only
on the language, the column and that count, and the frame around all the columns only on the
language and the board's version. Each frame is drawn from its template once, with stand-ins
where the version and the contents go, and the columns are put together for each viewer
without Jinja: every change draws the columns at least twice (the writer's answer and each
other viewer's live update), and Jinja's own work was three quarters of each drawing (about
90 of 120 µs, and 0.2 ms of CPU per change on the server under load)."""

import re
import secrets
from collections.abc import Hashable
from operator import attrgetter
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from app.board.agreements import STATUS_NAMES
from app.board.read import Card
from app.board.view import COLUMNS, BoardView
from app.core.i18n import Translator
from app.core.memo import Memo
from app.core.rendering import render
from app.models import AgreementStatus

CARD_TEMPLATE = "partials/agreement_card.html"
COLUMN_TEMPLATE = "partials/board_column.html"
FRAME_TEMPLATE = "partials/board_columns.html"
# Stand in for the viewer's form token in a shared card, and for what a frame holds: random, so
# no card text can hold them.
TOKEN_SLOT = secrets.token_hex(16)
VERSION_SLOT = secrets.token_hex(16)
CONTENT_SLOT = secrets.token_hex(16)
SLOTS = re.compile(f"({VERSION_SLOT}|{CONTENT_SLOT})")
# Kept as UTF-8 (a card's text holds “quotes” and symbols, which would make a str two bytes a
# character): 16,384 cards of about 3 KB, enough for every card of 1,000 boards open at once.
CARDS: Memo[Hashable, bytes] = Memo(size=16384, seconds=3600)
# Per language, column and count, plus the frame around all: a few hundred short texts at most.
FRAMES: Memo[Hashable, tuple[str, ...]] = Memo(size=1024, seconds=3600)


@pass_context
def board_columns(context: Context) -> Markup:
    """The board template's `columns` block."""
    return draw_columns(context.get_all(), context["t"])


def draw_columns(context: dict[str, Any], translator: Translator) -> Markup:
    """Every column of `context["view"]` with its cards, in the viewer's language and with their
    form token. `context` is the board template's (app.board.routes.board_context); `oob` in it
    marks the columns for an out-of-band swap."""
    view: BoardView = context["view"]
    # What every card's key holds of the viewer and the language, looked up once.
    seen_as = (translator.locale, view.viewer.role, view.is_citizen, view.citizen.name)
    columns = []
    for status in (*COLUMNS, AgreementStatus.dropped):
        cards = view.column(status)
        values = {"status": status, "count": len(cards), "folded": status == AgreementStatus.dropped}
        content = "".join(_card(context, translator, view, card, seen_as) for card in cards)
        columns.append(_fill(_frame(COLUMN_TEMPLATE, translator, values), content=content))
    frame = _frame(FRAME_TEMPLATE, translator, {"oob": bool(context.get("oob"))})
    html = _fill(frame, content="".join(columns), version=str(view.version))
    return Markup(html.replace(TOKEN_SLOT, context["csrf_token"]))


def _frame(template: str, translator: Translator, values: dict[str, Any]) -> tuple[str, ...]:
    """`template` drawn with stand-ins for the version and the contents, cut where they are:
    text, stand-in, text, …"""

    def draw() -> tuple[str, ...]:
        stand_ins = {"version": VERSION_SLOT, "content": Markup(CONTENT_SLOT)}
        context = {**values, **stand_ins, "status_names": STATUS_NAMES}
        return tuple(SLOTS.split(render(template, context, translator)))

    return FRAMES.get_or_make((template, translator.locale, *sorted(values.items())), draw)


def _fill(frame: tuple[str, ...], *, content: str, version: str = "") -> str:
    put = {CONTENT_SLOT: content, VERSION_SLOT: version}
    return "".join(put.get(piece, piece) for piece in frame)


def _card(
    context: dict[str, Any], translator: Translator, view: BoardView, card: Card, seen_as: tuple[Any, ...]
) -> str:
    def draw() -> bytes:
        shared = {**context, "agreement": card, "csrf_token": TOKEN_SLOT}
        return render(CARD_TEMPLATE, shared, translator).encode()

    return CARDS.get_or_make(_key(view, card, seen_as), draw).decode()


# The fields of a card its drawing shows. tests/test_board_cards.py checks that a change to any
# other field leaves the drawing as it was.
DRAWN = (
    "id",
    "citizen_id",
    "what",
    "who",
    "who_name",
    "due_on",
    "goal_id",
    "status",
    "accepted_by_citizen",
    "accepted_by_consultant",
    "shared",
)
_drawn = attrgetter(*DRAWN)


def _key(view: BoardView, card: Card, seen_as: tuple[Any, ...]) -> Hashable:
    """`seen_as`: the language, the viewer's role, whether the viewer is the citizen, and the
    citizen's name (the cards say "you" or the name)."""
    goal = view.data.goal_titles.get(card.goal_id) if card.goal_id and view.shows_plan else None
    return (_drawn(card), seen_as, view.marker(card), view.overdue(card), goal)

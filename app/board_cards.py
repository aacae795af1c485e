"""One agreement card as HTML, made once and reused by every view that shows the same card the
same way (a "Russian doll" cache: the columns around it are still drawn for each viewer).

A card's HTML depends on the card, the language, and how the viewer stands to it (citizen or
consultant, whether it is new to them, whether it waits for them, whether it is overdue today),
never on who the viewer is beyond that, except for the viewer's form token: that is stored as a
placeholder and put in when the card is used. After a change only the changed card is drawn
again, and only when it now looks different: a card moved back to a column it was in is the
same drawing as before (where a card sits in its column, and when or by whom it was last
touched, show only through the "new since you last looked" marker, which is in the key)."""

import secrets
from collections.abc import Hashable, Iterable
from operator import attrgetter

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from app.memo import Memo
from app.services.board import BoardView
from app.services.board_data import Card

CARD_TEMPLATE = "partials/agreement_card.html"
# Stands in for the viewer's form token in a shared card: random, so no card text can hold it.
TOKEN_SLOT = secrets.token_hex(16)
# Kept as UTF-8 (a card's text holds “quotes” and symbols, which would make a str two bytes a
# character): 16,384 cards of about 3 KB, enough for every card of 1,000 boards open at once.
CARDS: Memo[Hashable, bytes] = Memo(size=16384, seconds=3600)


@pass_context
def board_cards(context: Context, cards: Iterable[Card]) -> Markup:
    """The cards of a column, one after another (one call from the template per column)."""
    view: BoardView = context["view"]
    lang = context["lang"]
    html = "".join(_card(context, view, card, lang) for card in cards)
    return Markup(html.replace(TOKEN_SLOT, context["csrf_token"]))


def _card(context: Context, view: BoardView, card: Card, lang: str) -> str:
    def draw() -> bytes:
        template = context.environment.get_template(CARD_TEMPLATE)
        return template.render({**context.get_all(), "agreement": card, "csrf_token": TOKEN_SLOT}).encode()

    return CARDS.get_or_make(_key(view, card, lang), draw).decode()


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


def _key(view: BoardView, card: Card, lang: str) -> Hashable:
    goal = view.data.goal_titles.get(card.goal_id) if card.goal_id and view.shows_plan else None
    return (
        _drawn(card),
        lang,
        view.viewer.role,
        view.is_citizen,
        view.citizen.name,
        view.marker(card),
        view.overdue(card),
        goal,
    )

"""The "read aloud" button beside a citizen-facing text (app/static/read_aloud.js reads the
text in the page's language). A plain function rather than a template macro: a board draws
one per card, and importing a macro into each card's template cost more than the card itself.
The button is hidden until the browser turns out to be able to speak."""

from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup

from app.catalogue import N_

TITLE = N_("Read aloud")
LABEL = N_("Read aloud: %(text)s")
BUTTON = Markup(
    '<button type="button" class="read-aloud" data-read-aloud="{text}" title="{title}" '
    'aria-label="{label}"><svg class="icon" aria-hidden="true" focusable="false" '
    'viewBox="0 0 24 24" width="22" height="22"><path d="M3 9.5h4l5-4.5v14l-5-4.5H3z" '
    'fill="currentColor"/><path d="M15.5 8.5a5 5 0 0 1 0 7M18 6a8.5 8.5 0 0 1 0 12" fill="none" '
    'stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg></button>'
)


@pass_context
def read_aloud(context: Any, text: str, gettext: Callable[..., str] | None = None) -> Markup:
    """`gettext`: the page's, where the context is not the page's (a macro imported without
    context, partials/read_aloud.html)."""
    gettext = gettext or context["_"]
    return BUTTON.format(text=text, title=gettext(TITLE), label=gettext(LABEL, text=text))

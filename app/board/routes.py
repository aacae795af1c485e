"""The board page, and the one place that renders parts of it for one viewer: for the page's own
htmx answers and for the live updates every other open view receives."""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape

from app.access.rules import visible_board
from app.board import agreements as agreement_service
from app.board.agreements import (
    ACTOR_NAMES,
    CITIZEN_ACTOR_NAMES,
    STATUS_NAMES,
    UNDO_SECONDS,
    AgreementForm,
)
from app.board.read import load_board
from app.board.view import REGIONS, BoardView, mark_seen
from app.catalogue import N_
from app.catalogue.life_areas import LIFE_AREA_NAMES
from app.core.i18n import Translator
from app.core.numbers import whole
from app.core.rendering import render
from app.core.web import Web
from app.deps import SessionDep, SignedInWebDep
from app.live import Event
from app.models.agreement import WHAT_MAX, WHO_NAME_MAX

router = APIRouter(tags=["board"])

BOARD_TEMPLATE = "board.html"
# Regions sent out-of-band in an update, in page order.
UPDATE_BLOCKS = (*REGIONS, "undo", "new_agreement")
# Never sent to a viewer who may not see the plan (a network member).
PLAN_BLOCKS = frozenset({"challenges", "goals", "strengths", "interventions"})


def board_context(view: BoardView, **extra: Any) -> dict[str, Any]:
    return {
        "view": view,
        "status_names": STATUS_NAMES,
        # Who does what, in words meant for this reader; anyone but the citizen reads the
        # citizen's own name (the templates put it in for "citizen").
        "actor_names": CITIZEN_ACTOR_NAMES if view.is_citizen else ACTOR_NAMES,
        "life_area_names": LIFE_AREA_NAMES,
        "undo_seconds": UNDO_SECONDS,
        "viewers": [],
        "undo": None,
        "form": AgreementForm(),
        "goals": view.data.goals,
        "what_max": WHAT_MAX,
        "who_name_max": WHO_NAME_MAX,
        **extra,
    }


UNDO_GONE = N_("It can no longer be undone: too much time has passed, or the card has changed.")
# What the board says after a change sent without JavaScript (a 303 back here).
NOTICES = {"undo_gone": UNDO_GONE}


@router.get("/citizens/{citizen_id}/board")
def board_page(
    citizen_id: int, web: SignedInWebDep, session: SessionDep, undo: str = "", notice: str = ""
) -> Response:
    user = web.user
    citizen = visible_board(session=session, user=user, citizen_id=citizen_id)
    assert user.id is not None
    data = load_board(session=session, citizen_id=citizen_id)
    previous = mark_seen(
        session=session, viewer_id=user.id, citizen_id=citizen_id, changed_at=data.changed_at
    )
    view = BoardView(data=data, viewer=user, seen_at=previous)
    undo_id = whole(undo)
    record = (
        agreement_service.find_undo(session=session, citizen=citizen, actor=user, undo_id=undo_id)
        if undo_id is not None
        else None
    )
    announcement = web.gettext(NOTICES[notice]) if notice in NOTICES else ""
    return web.page(BOARD_TEMPLATE, **board_context(view, undo=record, announcement=announcement))


def render_update(
    *,
    view: BoardView,
    regions: Iterable[str],
    translator: Translator,
    context: dict[str, Any],
    announcement: str = "",
    announce_in_place: bool = False,
) -> str:
    """The parts of the board that changed, as out-of-band fragments for one viewer, plus what
    to announce. Only what this viewer may see ever goes in: the blocks render `view`, which
    filters by the viewer's permissions. A live event carries the announcement out-of-band too;
    an answer to the page's own request (`announce_in_place`) has it as its main content, which
    htmx puts into the live region (its hx-target)."""
    wanted = set(regions)
    full = board_context(view, oob=True, **context)
    parts = [
        _block(block, translator, full)
        for block in UPDATE_BLOCKS
        if block in wanted and (view.shows_plan or block not in PLAN_BLOCKS)
    ]
    if announce_in_place:
        parts.append(str(escape(announcement)))
    elif announcement:
        parts.append(_announcement(announcement))
    return "\n".join(parts)


def _block(block: str, translator: Translator, context: dict[str, Any]) -> str:
    return render(BOARD_TEMPLATE, context, translator, block=block)


def _announcement(text: str) -> str:
    return f'<div id="board-live" hx-swap-oob="innerHTML">{escape(text)}</div>'


def update_response(
    web: Web,
    *,
    view: BoardView,
    regions: Iterable[str],
    announcement: str = "",
    status_code: int = 200,
    focus: str = "",
    **context: Any,
) -> HTMLResponse:
    """The answer to the page's own htmx request: what changed, with its own announcement."""
    html = render_update(
        view=view,
        regions=regions,
        translator=web.translator,
        context=web.context(**context),
        announcement=announcement,
        announce_in_place=True,
    )
    response = web.html(html, status_code=status_code)
    if focus:
        response.headers["HX-Trigger-After-Settle"] = json.dumps({"tavle:focus": focus})
    return response


ANNOUNCEMENTS = {
    "created": N_("%(name)s proposed a new agreement: “%(what)s”."),
    "accepted": N_("%(name)s accepted “%(what)s”."),
    "edited": N_("%(name)s changed the wording of “%(what)s”."),
    "restored": N_("%(name)s brought back “%(what)s”."),
    "moved": N_("%(name)s moved “%(what)s” to %(column)s."),
    "shared": N_("%(name)s shared “%(what)s” with the network."),
    "unshared": N_("%(name)s stopped sharing “%(what)s” with the network."),
}


def announce(view: BoardView, events: Sequence[Event], translator: Translator) -> str:
    """What to tell this viewer about changes others made, in their language. Never names a card
    the viewer may not see."""
    others = [e for e in events if e.kind != "presence" and e.actor_id != view.viewer.id]
    if not view.shows_plan:
        # A network member hears only of the shared cards they can see: not even that
        # something else changed.
        others = [e for e in others if e.kind == "agreement" and view.find(e.item_id) is not None]
    if not others:
        return ""
    if len(others) > 1:
        return translator.gettext("The board was updated.")
    event = others[0]
    actor = view.person(event.actor_id)
    name = actor.name if actor else translator.gettext("Someone")
    if event.kind != "agreement":
        return translator.gettext("%(name)s updated the plan.", name=name) if view.shows_plan else ""
    if event.action == "deleted":
        return translator.gettext("%(name)s deleted an agreement.", name=name) if view.can_change else ""
    card = view.find(event.item_id)
    if card is None:
        return ""
    message = ANNOUNCEMENTS.get(event.action, N_("%(name)s changed “%(what)s”."))
    column = translator.gettext(STATUS_NAMES[card.status])
    return translator.gettext(message, name=name, what=card.what, column=column)

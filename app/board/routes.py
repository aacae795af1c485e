"""The board page, and the one place that renders parts of it for one viewer: for the page's own
htmx answers and for the live updates every other open view receives."""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape
from sqlmodel import Session

from app.access.rules import visible_board
from app.board import agreements as agreement_service
from app.board.agreements import (
    ACTOR_NAMES,
    CITIZEN_ACTOR_NAMES,
    STATUS_NAMES,
    UNDO_SECONDS,
    AgreementForm,
)
from app.board.read import Card, board_version, load_board, parts_for
from app.board.view import MEETING_REGIONS, REGIONS, BoardView, catch_up, last_look, mark_seen, may_change
from app.catalogue import N_
from app.catalogue.life_areas import LIFE_AREA_NAMES
from app.catalogue.sensitive import TOPIC_NAMES
from app.core.i18n import Translator
from app.core.numbers import whole
from app.core.rendering import render
from app.core.web import VARY, SignedInWeb, Web, wants_fragment
from app.deps import SessionDep, SignedInWebDep
from app.live import Event, Hub, board_channel
from app.live.sse import HEARTBEAT_SECONDS
from app.models.agreement import WHAT_MAX, WHO_NAME_MAX

router = APIRouter(tags=["board"])

BOARD_TEMPLATE = "board.html"
# Regions sent out-of-band in an update, in page order.
UPDATE_BLOCKS = (*REGIONS, "undo", "new_agreement")
# Never sent to a viewer who may not see the plan (a network member).
PLAN_BLOCKS = frozenset({"agenda", "challenges", "goals", "strengths", "interventions"})


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
        # The sensitive-word guard's question (agreement_form.html), when it is asked.
        "guard": [],
        "topic_names": TOPIC_NAMES,
        "heartbeat_seconds": HEARTBEAT_SECONDS,
        # The meeting screen: its stream and its agenda (app/board/meeting_routes.py).
        "meeting": False,
        # Cards whose move by this viewer lost to another's, with where each is now and why.
        "why": {},
        "what_max": WHAT_MAX,
        "who_name_max": WHO_NAME_MAX,
        **extra,
    }


UNDO_GONE = N_("It can no longer be undone: too much time has passed, or the card has changed.")
# What the board says after a change sent without JavaScript (a 303 back here).
NOTICES = {"undo_gone": UNDO_GONE}


def heartbeat_seconds(web: Web) -> float:
    """Between a live stream's heartbeats: the page reconnects after twice as long in silence."""
    configured: float | None = web.request.app.state.settings.live_heartbeat_seconds
    return configured or HEARTBEAT_SECONDS


@router.get("/citizens/{citizen_id}/board")
def board_page(
    citizen_id: int,
    web: SignedInWebDep,
    session: SessionDep,
    undo: str = "",
    notice: str = "",
    since: str = "",
    screen: str = "",
) -> Response:
    user = web.user
    citizen = visible_board(session=session, user=user, citizen_id=citizen_id)
    assert user.id is not None
    known = whole(since)
    if known is not None and wants_fragment(web.request):
        meeting = screen == "meeting" and may_change(user)
        return changed_since(web, session=session, citizen_id=citizen_id, known=known, meeting=meeting)
    data = load_board(session=session, citizen_id=citizen_id)
    look = mark_seen(session=session, viewer_id=user.id, citizen_id=citizen_id, changed_at=data.changed_at)
    view = BoardView(data=data, viewer=user, seen_at=look.since, opened_at=look.opened)
    undo_id = whole(undo)
    record = (
        agreement_service.find_undo(session=session, citizen=citizen, actor=user, undo_id=undo_id)
        if undo_id is not None
        else None
    )
    announcement = web.gettext(NOTICES[notice]) if notice in NOTICES else ""
    return web.page(
        BOARD_TEMPLATE,
        **board_context(
            view, undo=record, announcement=announcement, heartbeat_seconds=heartbeat_seconds(web)
        ),
    )


VERSION_HEADER = "X-Tavle-Version"


def changed_since(
    web: SignedInWeb, *, session: Session, citizen_id: int, known: int, meeting: bool
) -> Response:
    """For a page that polls because its streams do not get through: what changed after version
    `known`, as the live stream would send it (out-of-band parts for this viewer; the agenda only
    to the meeting screen); 204 when nothing did. Access was checked by the route, as for the page."""
    user = web.user
    assert user.id is not None
    hub: Hub = web.request.app.state.hub
    version = board_version(session=session, citizen_id=citizen_id)
    touched, missed = catch_up(hub=hub, channel=board_channel(citizen_id), known=known, version=version)
    regions = touched if meeting else touched - MEETING_REGIONS
    if not regions:
        return Response(status_code=204, headers={VERSION_HEADER: str(version), **VARY})
    data = load_board(session=session, citizen_id=citizen_id, parts=parts_for(regions))
    look = last_look(session=session, viewer_id=user.id, citizen_id=citizen_id)
    view = BoardView(data=data, viewer=user, seen_at=look.since, opened_at=look.opened)
    html = render_update(
        view=view,
        regions=regions,
        translator=web.translator,
        context=web.context(viewers=[]),
        announcement=announce(view, missed, web.translator),
    )
    answer = web.html(html)
    answer.headers[VERSION_HEADER] = str(data.version)
    return answer


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


# Two moves of one card at nearly the same moment: the last one wins, and the person whose move
# lost is told who moved it where (on their card, and spoken).
MOVED_AFTER_YOU = N_("%(name)s moved “%(what)s” to %(column)s just after your move. It is there now.")
MOVED_BEFORE_YOU = N_(
    "%(name)s moved “%(what)s” to %(column)s just before you, so your move was not made. It is there now."
)


def moved_by_other(view: BoardView, card: Card, message: str, translator: Translator) -> str:
    """Where the card is now and who put it there, in the viewer's words."""
    actor = view.person(card.updated_by_id)
    name = actor.name if actor else translator.gettext("Someone")
    column = translator.gettext(STATUS_NAMES[card.status])
    return translator.gettext(message, name=name, what=card.what, column=column)


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
        others = [
            e
            for e in others
            if e.kind in ("agreement", "message")
            and (card := view.find(e.item_id)) is not None
            and (e.kind == "agreement" or view.talks_on(card))
        ]
    if not others:
        return ""
    if len(others) > 1:
        return translator.gettext("The board was updated.")
    event = others[0]
    actor = view.person(event.actor_id)
    name = actor.name if actor else translator.gettext("Someone")
    if event.kind == "message":
        talked_on = view.find(event.item_id)
        if talked_on is not None:
            return translator.gettext(
                "%(name)s wrote a message about “%(what)s”.", name=name, what=talked_on.what
            )
        return translator.gettext("%(name)s wrote a message.", name=name) if view.shows_plan else ""
    if event.kind == "agenda":
        return translator.gettext("%(name)s changed the agenda.", name=name) if view.shows_plan else ""
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

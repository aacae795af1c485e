"""A citizen's plan: the citizen's own start page, and what their consultant opens — the agenda
first. Also what every plan page shares, and the citizen's answer to a wording suggestion."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app.access.rules import visible_citizen
from app.catalogue.life_areas import LIFE_AREA_NAMES
from app.catalogue.pictograms import pictogram
from app.core import clock
from app.core.web import Web, see_other
from app.deps import CurrentUser, SessionDep, WebDep
from app.models import Challenge, User
from app.plan import suggestions
from app.plan.agenda import agenda_for
from app.plan.overview import NotAllowed, is_consultant, is_own_plan, plan_summary

router = APIRouter(tags=["citizens"])


def plan_context(citizen: User, user: User, section: str, **extra: Any) -> dict[str, Any]:
    """What every page of the plan needs: whose plan, whether it is the viewer's own, names."""
    return {
        "citizen": citizen,
        "own": is_own_plan(user, citizen),
        "as_consultant": is_consultant(user),
        "section": section,
        "life_area_names": LIFE_AREA_NAMES,
        "pictogram": pictogram,
        **extra,
    }


def refused(web: Web) -> Response:
    """The viewer may see the plan but this step is the citizen's own (or the consultant's)."""
    return web.page(
        "error.html",
        status_code=403,
        heading=web.gettext("Only the citizen can do this"),
        message=web.gettext(
            "These are the citizen's own words and choices. You can write a comment or suggest "
            "a new wording, and the citizen decides."
        ),
    )


def target_url(citizen_id: int, target: suggestions.Target) -> str:
    if isinstance(target, Challenge):
        return f"/citizens/{citizen_id}/challenges/{target.id}"
    return f"/citizens/{citizen_id}/goals/{target.id}"


@router.get("/citizens/{citizen_id}")
def plan_page(citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    return web.page(
        "plan.html",
        plan=plan_summary(session=session, citizen=citizen),
        agenda=agenda_for(session=session, citizen_id=citizen_id),
        today=clock.today(),
        **plan_context(citizen, user, "overview"),
    )


@router.post("/citizens/{citizen_id}/suggestions/{suggestion_id}/accept")
def accept_suggestion(
    citizen_id: int, suggestion_id: int, session: SessionDep, user: CurrentUser, web: WebDep
) -> Response:
    return _decide(citizen_id, suggestion_id, session, user, web, accept=True)


@router.post("/citizens/{citizen_id}/suggestions/{suggestion_id}/decline")
def decline_suggestion(
    citizen_id: int, suggestion_id: int, session: SessionDep, user: CurrentUser, web: WebDep
) -> Response:
    return _decide(citizen_id, suggestion_id, session, user, web, accept=False)


def _decide(
    citizen_id: int, suggestion_id: int, session: SessionDep, user: User, web: Web, *, accept: bool
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    suggestion = suggestions.get_suggestion(session=session, citizen=citizen, suggestion_id=suggestion_id)
    try:
        target = suggestions.decide(
            session=session, citizen=citizen, actor=user, suggestion=suggestion, accept=accept
        )
    except NotAllowed:
        return refused(web)
    return see_other(target_url(citizen_id, target) + "#comments")

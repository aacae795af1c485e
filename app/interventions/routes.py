"""Interventions in the plan: the menu, adding one, the citizen's wish, and meaningfulness ratings."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlmodel import Session

from app import clock
from app.access.rules import visible_citizen
from app.caseload.service import flags_for
from app.catalogue import N_
from app.catalogue.interventions import BY_KEY, INTERVENTION_TYPES
from app.core.numbers import whole
from app.core.web import Web, see_other
from app.deps import CurrentUser, SessionDep, WebDep
from app.interventions import service
from app.interventions.service import InterventionForm, RatingForm
from app.models import User
from app.plan import goals
from app.plan.overview import NotAllowed
from app.plan.pages import plan_context, refused

router = APIRouter(tags=["interventions"])

NOTICES = ("intervention_added", "wish_saved", "rated")
AREA_NAMES = {"employment": N_("Work and education"), "social": N_("Social support"), "health": N_("Health")}


def _list_page(
    web: Web,
    session: Session,
    citizen: User,
    user: User,
    *,
    form: InterventionForm | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    assert citizen.id is not None
    views = service.intervention_views(session=session, citizen_ids=[citizen.id])[citizen.id]
    today = clock.today()
    return web.page(
        "interventions.html",
        status_code=status_code,
        views=views,
        menu=INTERVENTION_TYPES,
        area_names=AREA_NAMES,
        wish_names=service.WISH_NAMES,
        goals=goals.goals(session=session, citizen=citizen),
        form=form or InterventionForm(),
        notice=notice if notice in NOTICES else "",
        trend=lambda v: v.trend(web.translator),
        flags=lambda v: flags_for(v, today),
        started=lambda i: service.has_started(i, today),
        **plan_context(citizen, user, "interventions"),
    )


@router.get("/citizens/{citizen_id}/interventions")
def intervention_list(
    citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser, notice: str = ""
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    return _list_page(web, session, citizen, user, notice=notice)


@router.post("/citizens/{citizen_id}/interventions")
def add_intervention(
    citizen_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    kind: Annotated[str, Form()] = "",
    provider: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    starts_on: Annotated[str, Form()] = "",
    ends_on: Annotated[str, Form()] = "",
    goal: Annotated[list[str] | None, Form()] = None,
    check: Annotated[str, Form()] = "",
) -> Response:
    """`check`: the consultant asked to see the description's readability first; nothing is saved."""
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    goal_ids = [n for n in (whole(g) for g in goal or []) if n is not None]
    form = InterventionForm(
        kind=kind,
        provider=provider,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        goal_ids=goal_ids,
    )
    if check:
        return _list_page(web, session, citizen, user, form=form)
    if len(goal_ids) != len(goal or []):
        form.errors["goals"] = web.gettext("Choose goals from this plan only.")
    try:
        item = (
            None
            if form.errors
            else service.add(session=session, citizen=citizen, actor=user, form=form, t=web.translator)
        )
    except NotAllowed:
        return refused(web)
    if item is None:
        return _list_page(web, session, citizen, user, form=form, status_code=400)
    return see_other(f"/citizens/{citizen_id}/interventions/{item.id}?notice=intervention_added")


def _detail_page(
    web: Web,
    session: Session,
    citizen: User,
    user: User,
    item_id: int,
    *,
    rating: RatingForm | None = None,
    wish_error: str | None = None,
    wish_reason: str = "",
    notice: str = "",
    status_code: int = 200,
) -> Response:
    assert citizen.id is not None
    item = service.get_intervention(session=session, citizen=citizen, intervention_id=item_id)
    views = service.intervention_views(session=session, citizen_ids=[citizen.id])[citizen.id]
    view = next(v for v in views if v.intervention.id == item.id)
    today = clock.today()
    linked = service.goal_links(session=session, intervention_ids=[item_id]).get(item_id, [])
    all_goals = goals.goals(session=session, citizen=citizen)
    return web.page(
        "intervention.html",
        status_code=status_code,
        page_url=f"/citizens/{citizen.id}/interventions/{item_id}",
        view=view,
        item=item,
        kind=BY_KEY.get(item.kind),
        wish_names=service.WISH_NAMES,
        served=[g for g in all_goals if g.goal.id in linked],
        rating=rating or RatingForm(),
        wish_error=wish_error,
        wish_reason=wish_reason or item.wish_reason,
        chart=view.trend(web.translator),
        flags=flags_for(view, today),
        started=service.has_started(item, today),
        notice=notice if notice in NOTICES else "",
        **plan_context(citizen, user, "interventions"),
    )


@router.get("/citizens/{citizen_id}/interventions/{intervention_id}")
def intervention_detail(
    citizen_id: int,
    intervention_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    notice: str = "",
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    return _detail_page(web, session, citizen, user, intervention_id, notice=notice)


@router.post("/citizens/{citizen_id}/interventions/{intervention_id}/wish")
def intervention_wish(
    citizen_id: int,
    intervention_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    wish: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    item = service.get_intervention(session=session, citizen=citizen, intervention_id=intervention_id)
    try:
        error = service.set_wish(
            session=session,
            citizen=citizen,
            actor=user,
            item=item,
            wish=wish,
            reason=reason,
            t=web.translator,
        )
    except NotAllowed:
        return refused(web)
    if error:
        return _detail_page(
            web,
            session,
            citizen,
            user,
            intervention_id,
            wish_error=error,
            wish_reason=reason,
            status_code=400,
        )
    return see_other(f"/citizens/{citizen_id}/interventions/{intervention_id}?notice=wish_saved")


@router.post("/citizens/{citizen_id}/interventions/{intervention_id}/ratings")
def rate_intervention(
    citizen_id: int,
    intervention_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    value: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    item = service.get_intervention(session=session, citizen=citizen, intervention_id=intervention_id)
    form = RatingForm(value=value, reason=reason)
    try:
        rating = service.rate(
            session=session, citizen=citizen, actor=user, item=item, form=form, t=web.translator
        )
    except NotAllowed:
        return refused(web)
    if rating is None:
        return _detail_page(web, session, citizen, user, intervention_id, rating=form, status_code=400)
    return see_other(f"/citizens/{citizen_id}/interventions/{intervention_id}?notice=rated")

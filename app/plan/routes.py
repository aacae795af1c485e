"""A citizen's plan: the citizen's own start page, and what their consultant opens — the agenda
first; and the citizen's answer to a wording suggestion."""

from fastapi import APIRouter
from fastapi.responses import Response

from app import clock
from app.access.rules import visible_citizen
from app.core.web import Web, see_other
from app.deps import CurrentUser, SessionDep, WebDep
from app.models import User
from app.plan import suggestions
from app.plan.agenda import agenda_for
from app.plan.overview import NotAllowed, plan_summary
from app.plan.pages import plan_context, refused, target_url

router = APIRouter(tags=["citizens"])


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

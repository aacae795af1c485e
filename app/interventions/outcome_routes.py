"""Outcomes: per citizen (recorded by the consultant, visible to the citizen), and the manager's
anonymous aggregates, as a page and as CSV."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlmodel import Session

from app.access.rules import visible_citizen
from app.core.web import Web, see_other
from app.deps import CurrentUser, SessionDep, WebDep, require_role
from app.interventions import outcomes as service
from app.interventions.outcomes import OutcomeForm
from app.models import Role, User
from app.plan.overview import NotAllowed
from app.plan.pages import plan_context, refused

router = APIRouter(tags=["outcomes"])

MANAGER_ONLY = require_role(Role.manager)


def _page(
    web: Web,
    session: Session,
    citizen: User,
    user: User,
    *,
    form: OutcomeForm | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    return web.page(
        "outcomes.html",
        status_code=status_code,
        outcomes=service.outcomes(session=session, citizen=citizen),
        status_names=service.STATUS_NAMES,
        form=form or OutcomeForm(),
        saved=saved,
        **plan_context(citizen, user, "outcomes"),
    )


@router.get("/citizens/{citizen_id}/outcomes")
def outcome_list(
    citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser, saved: str = ""
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    return _page(web, session, citizen, user, saved=saved == "1")


@router.post("/citizens/{citizen_id}/outcomes")
def record_outcome(
    citizen_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    month: Annotated[str, Form()] = "",
    wage_hours: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    form = OutcomeForm(month=month, wage_hours=wage_hours, status=status)
    try:
        row = service.record(session=session, citizen=citizen, actor=user, form=form, t=web.translator)
    except NotAllowed:
        return refused(web)
    if row is None:
        return _page(web, session, citizen, user, form=form, status_code=400)
    return see_other(f"/citizens/{citizen_id}/outcomes?saved=1")


@router.get("/outcomes", dependencies=[MANAGER_ONLY])
def manager_view(web: WebDep, session: SessionDep) -> Response:
    data = service.aggregates(session=session)
    return web.page(
        "outcomes_manager.html",
        data=data,
        min_group=service.MIN_GROUP,
        months_chart=service.months_chart(data.months, t=web.translator),
    )


@router.get("/outcomes.csv", dependencies=[MANAGER_ONLY])
def manager_csv(web: WebDep, session: SessionDep) -> Response:
    body = service.to_csv(service.aggregates(session=session), t=web.translator)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="tavle-outcomes.csv"',
            "Cache-Control": "no-store",
        },
    )

"""The consultant's start page: the citizens in their caseload, with meetings, agreements due,
flags and the latest meaningfulness per intervention. Sorting and filtering are plain GET
parameters, so the page works without JavaScript; it updates live (app/caseload/stream.py)."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from fastapi.responses import Response

from app import clock
from app.access.rules import visible_citizen, visible_in_caseload
from app.caseload import service
from app.catalogue import N_
from app.core.i18n import Translator
from app.core.rendering import render
from app.core.web import see_other
from app.deps import ConsultantUser, SessionDep, SettingsDep, WebDep
from app.models import User

router = APIRouter(tags=["caseload"])

SORT_NAMES = {
    "name": N_("Name"),
    "flags": N_("Most flags first"),
    "next_meeting": N_("Next meeting"),
    "overdue": N_("Most overdue agreements first"),
    "meaningfulness": N_("Lowest meaningfulness first"),
}
SHOW_NAMES = {
    "all": N_("All citizens"),
    "flagged": N_("Only with flags"),
    "overdue": N_("Only with overdue agreements"),
    "no_meeting": N_("Only without a next meeting"),
}


def choices(sort: str, show: str, q: str) -> tuple[str, str, str]:
    return (
        sort if sort in service.SORTS else "name",
        show if show in service.FILTERS else "all",
        q.strip()[:100],
    )


def caseload_context(
    *, session: Any, user: User, sort: str, show: str, q: str, retention_months: int = 12
) -> dict[str, Any]:
    everyone = service.rows(session=session, consultant=user, retention_months=retention_months)
    return {
        "rows": service.choose(everyone, sort=sort, show=show, query=q),
        # What the date picker offers first: no meeting is planned in the past.
        "earliest_meeting": f"{clock.today().isoformat()}T00:00",
        "total": len(everyone),
        "sort": sort,
        "show": show,
        "q": q,
        "sort_names": SORT_NAMES,
        "show_names": SHOW_NAMES,
        "stream_query": urlencode({"sort": sort, "show": show, "q": q}),
    }


def render_rows(context: dict[str, Any], translator: Translator) -> str:
    return render("caseload.html", context, translator, block="rows")


@router.get("/caseload")
def caseload_page(
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    user: ConsultantUser,
    sort: str = "name",
    show: str = "all",
    q: str = "",
) -> Response:
    sort, show, q = choices(sort, show, q)
    return web.page(
        "caseload.html",
        block="rows",
        **caseload_context(
            session=session, user=user, sort=sort, show=show, q=q, retention_months=settings.retention_months
        ),
    )


@router.post("/citizens/{citizen_id}/meetings")
def plan_meeting(
    citizen_id: int,
    web: WebDep,
    session: SessionDep,
    user: ConsultantUser,
    at: Annotated[str, Form()] = "",
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    error = service.plan_meeting(session=session, citizen=citizen, actor=user, at=at, t=web.translator)
    if error:
        context = caseload_context(session=session, user=user, sort="name", show="all", q="")
        return web.page(
            "caseload.html",
            status_code=400,
            page_url="/caseload",
            meeting_error=error,
            meeting_for=citizen_id,
            meeting_at=at,
            **context,
        )
    return see_other("/caseload")


@router.post("/citizens/{citizen_id}/case/close")
def close_case(citizen_id: int, session: SessionDep, user: ConsultantUser) -> Response:
    """The citizen has left the programme: erased when the retention period has passed."""
    citizen = visible_in_caseload(session=session, user=user, citizen_id=citizen_id, audited=False)
    service.set_case_closed(session=session, citizen=citizen, actor=user, closed=True)
    return see_other(f"/caseload#caseload-citizen-{citizen_id}")


@router.post("/citizens/{citizen_id}/case/open")
def open_case(citizen_id: int, session: SessionDep, user: ConsultantUser) -> Response:
    citizen = visible_in_caseload(session=session, user=user, citizen_id=citizen_id, audited=False)
    service.set_case_closed(session=session, citizen=citizen, actor=user, closed=False)
    return see_other(f"/caseload#caseload-citizen-{citizen_id}")

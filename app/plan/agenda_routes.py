"""The agenda for the next meeting: what the citizen wants to talk about."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlmodel import Session

from app.access.rules import visible_citizen
from app.core.web import Web, see_other
from app.deps import CurrentUser, SessionDep, WebDep
from app.models import User
from app.models.agenda import TOPIC_MAX
from app.plan import agenda, challenges, goals
from app.plan.overview import NotAllowed, people
from app.plan.pages import plan_context, refused

router = APIRouter(tags=["agenda"])

NOTICES = ("topic_added", "topic_done", "cleared", "agenda")


def agenda_url(citizen_id: int, notice: str = "") -> str:
    return f"/citizens/{citizen_id}/agenda" + (f"?notice={notice}" if notice else "")


def _page(
    web: Web,
    session: Session,
    citizen: User,
    user: User,
    *,
    text: str = "",
    error: str | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    assert citizen.id is not None
    items = agenda.agenda_for(session=session, citizen_id=citizen.id)
    return web.page(
        "agenda.html",
        status_code=status_code,
        page_url=f"/citizens/{citizen.id}/agenda",
        agenda=items,
        people=people(session=session, ids=[i.author_id for i in items]),
        challenges=challenges.lists(session=session, citizen=citizen).active,
        goals=goals.goals(session=session, citizen=citizen),
        agreements=agenda.open_agreements(session=session, citizen=citizen),
        text=text,
        error=error,
        notice=notice if notice in NOTICES else "",
        topic_max=TOPIC_MAX,
        **plan_context(citizen, user, "agenda"),
    )


@router.get("/citizens/{citizen_id}/agenda")
def agenda_page(
    citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser, notice: str = ""
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    return _page(web, session, citizen, user, notice=notice)


@router.post("/citizens/{citizen_id}/agenda/topics")
def add_topic(
    citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser, text: Annotated[str, Form()] = ""
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    try:
        checked = agenda.add_topic(session=session, citizen=citizen, actor=user, text=text, t=web.translator)
    except NotAllowed:
        return refused(web)
    if not checked.ok:
        return _page(web, session, citizen, user, text=checked.text, error=checked.error, status_code=400)
    return see_other(agenda_url(citizen_id, "topic_added"))


@router.post("/citizens/{citizen_id}/agenda/topics/{topic_id}/done")
def topic_done(
    citizen_id: int, topic_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    topic = agenda.get_topic(session=session, citizen=citizen, topic_id=topic_id)
    try:
        agenda.topic_done(session=session, citizen=citizen, actor=user, topic=topic)
    except NotAllowed:
        return refused(web)
    return see_other(agenda_url(citizen_id, "topic_done"))


@router.post("/citizens/{citizen_id}/agenda/agreements/{agreement_id}")
def agreement_on_agenda(
    citizen_id: int, agreement_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    try:
        agenda.toggle_agreement(session=session, citizen=citizen, actor=user, agreement_id=agreement_id)
    except NotAllowed:
        return refused(web)
    return see_other(agenda_url(citizen_id, "agenda"))


@router.post("/citizens/{citizen_id}/agenda/clear")
def clear_agenda(citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    try:
        agenda.clear(session=session, citizen=citizen, actor=user)
    except NotAllowed:
        return refused(web)
    return see_other(agenda_url(citizen_id, "cleared"))

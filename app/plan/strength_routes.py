"""Strengths: what the citizen is good at and what already works, beside the goals."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlmodel import Session

from app.access.rules import visible_citizen
from app.core.web import Web, see_other
from app.deps import CurrentUser, SessionDep, WebDep
from app.models import User
from app.models.strength import TEXT_MAX
from app.plan import goals, strengths
from app.plan.overview import NotAllowed, people
from app.plan.pages import plan_context, refused

router = APIRouter(tags=["strengths"])

NOTICES = ("strength_added", "removed")


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
    found = strengths.strengths(session=session, citizen=citizen)
    return web.page(
        "strengths.html",
        status_code=status_code,
        strengths=found,
        goals=goals.goals(session=session, citizen=citizen),
        people=people(session=session, ids=[s.created_by_id for s in found]),
        text=text,
        error=error,
        notice=notice if notice in NOTICES else "",
        text_max=TEXT_MAX,
        **plan_context(citizen, user, "strengths"),
    )


@router.get("/citizens/{citizen_id}/strengths")
def strength_list(
    citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser, notice: str = ""
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    return _page(web, session, citizen, user, notice=notice)


@router.post("/citizens/{citizen_id}/strengths")
def add_strength(
    citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser, text: Annotated[str, Form()] = ""
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    try:
        checked = strengths.add(session=session, citizen=citizen, actor=user, text=text, t=web.translator)
    except NotAllowed:
        return refused(web)
    if not checked.ok:
        return _page(web, session, citizen, user, text=checked.text, error=checked.error, status_code=400)
    return see_other(f"/citizens/{citizen_id}/strengths?notice=strength_added")


@router.post("/citizens/{citizen_id}/strengths/{strength_id}/delete")
def remove_strength(
    citizen_id: int, strength_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    strength = strengths.get_strength(session=session, citizen=citizen, strength_id=strength_id)
    try:
        strengths.remove(session=session, citizen=citizen, actor=user, strength=strength)
    except NotAllowed:
        return refused(web)
    return see_other(f"/citizens/{citizen_id}/strengths?notice=removed")

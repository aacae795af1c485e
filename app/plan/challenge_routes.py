"""The citizen's challenges: the ordered list, the catalogue to pick from, one challenge with its
comments. Consultants use the same pages to suggest and comment."""

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlmodel import Session

from app.access.rules import visible_citizen
from app.catalogue.challenges import by_area
from app.core.numbers import whole
from app.core.web import Web, see_other
from app.deps import CurrentUser, SessionDep, WebDep
from app.models import Challenge, User
from app.models.challenge import TITLE_MAX, WHY_MAX
from app.models.suggestion import SUGGESTION_MAX
from app.plan import challenges, suggestions
from app.plan.challenges import ChallengeForm, Direction
from app.plan.overview import TOP_CHALLENGES, NotAllowed, is_own_plan, people
from app.plan.pages import plan_context, refused

router = APIRouter(tags=["challenges"])

LIST_BLOCK = "challenge_lists"
NOTICES = ("added", "suggested", "solved", "parked", "back", "saved", "accepted", "declined", "agenda")


def _list_url(citizen_id: int, **query: str | int) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/citizens/{citizen_id}/challenges" + (f"?{params}" if params else "")


@router.get("/citizens/{citizen_id}/challenges")
def challenge_list(
    citizen_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    notice: str = "",
    moved: str = "",
    dir: str = "",
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    found = challenges.lists(session=session, citizen=citizen)
    return web.page(
        "challenges.html",
        block=LIST_BLOCK,
        lists=found,
        pending=suggestions.pending_for(session=session, citizen=citizen, targets=found.active),
        top=TOP_CHALLENGES,
        notice=notice if notice in NOTICES else "",
        moved=whole(moved) or 0,
        direction=dir if dir in ("up", "down") else "",
        **plan_context(citizen, user, "challenges"),
    )


def _catalogue_page(
    web: Web,
    session: Session,
    citizen: User,
    user: User,
    form: ChallengeForm,
    status_code: int = 200,
    pick_error: str = "",
) -> Response:
    return web.page(
        "challenge_new.html",
        status_code=status_code,
        page_url=f"/citizens/{citizen.id}/challenges/new",
        catalogue=by_area(),
        chosen=challenges.lists(session=session, citizen=citizen).catalogue_keys,
        form=form,
        pick_error=pick_error,
        title_max=TITLE_MAX,
        why_max=WHY_MAX,
        **plan_context(citizen, user, "challenges"),
    )


@router.get("/citizens/{citizen_id}/challenges/new")
def new_challenge(citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    return _catalogue_page(web, session, citizen, user, ChallengeForm())


def _after_adding(citizen_id: int, challenge: Challenge, user: User, citizen: User) -> Response:
    if is_own_plan(user, citizen):
        # Straight to its page, where the citizen can put it in their own words and say why.
        return see_other(f"/citizens/{citizen_id}/challenges/{challenge.id}?notice=added#why")
    return see_other(_list_url(citizen_id, notice="suggested"))


@router.post("/citizens/{citizen_id}/challenges/pick")
def pick_challenge(
    citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser, key: Annotated[str, Form()] = ""
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    try:
        challenge = challenges.add_from_catalogue(session=session, citizen=citizen, actor=user, key=key)
    except NotAllowed:
        return refused(web)
    if challenge is None:
        error = web.gettext("We could not find that challenge. Choose one from the list.")
        return _catalogue_page(web, session, citizen, user, ChallengeForm(), 400, pick_error=error)
    return _after_adding(citizen_id, challenge, user, citizen)


@router.post("/citizens/{citizen_id}/challenges")
def add_challenge(
    citizen_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    life_area: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    why: Annotated[str, Form()] = "",
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    form = ChallengeForm(life_area=life_area, title=title, why=why)
    try:
        challenge = challenges.add_own(
            session=session, citizen=citizen, actor=user, form=form, t=web.translator
        )
    except NotAllowed:
        return refused(web)
    if challenge is None:
        return _catalogue_page(web, session, citizen, user, form, 400)
    return _after_adding(citizen_id, challenge, user, citizen)


def render_challenge(
    web: Web,
    session: Session,
    citizen: User,
    user: User,
    challenge: Challenge,
    *,
    form: ChallengeForm | None = None,
    comment: dict[str, Any] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    thread = suggestions.thread(session=session, citizen=citizen, target=challenge)
    return web.page(
        "challenge.html",
        status_code=status_code,
        page_url=f"/citizens/{citizen.id}/challenges/{challenge.id}",
        challenge=challenge,
        form=form or ChallengeForm.of(challenge),
        thread=thread,
        people=people(
            session=session, ids=[challenge.created_by_id, challenge.updated_by_id, *thread.people]
        ),
        comment=comment or {"kind": "comment", "text": "", "error": None},
        notice=notice if notice in NOTICES else "",
        title_max=TITLE_MAX,
        why_max=WHY_MAX,
        comment_max=SUGGESTION_MAX,
        **plan_context(citizen, user, "challenges"),
    )


@router.get("/citizens/{citizen_id}/challenges/{challenge_id}")
def challenge_page(
    citizen_id: int, challenge_id: int, web: WebDep, session: SessionDep, user: CurrentUser, notice: str = ""
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    challenge = challenges.get_challenge(session=session, citizen=citizen, challenge_id=challenge_id)
    return render_challenge(web, session, citizen, user, challenge, notice=notice)


@router.post("/citizens/{citizen_id}/challenges/{challenge_id}")
def update_challenge(
    citizen_id: int,
    challenge_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    life_area: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    why: Annotated[str, Form()] = "",
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    challenge = challenges.get_challenge(session=session, citizen=citizen, challenge_id=challenge_id)
    form = ChallengeForm(life_area=life_area, title=title, why=why)
    try:
        saved = challenges.update_wording(
            session=session, citizen=citizen, actor=user, challenge=challenge, form=form, t=web.translator
        )
    except NotAllowed:
        return refused(web)
    if saved is None:
        return render_challenge(web, session, citizen, user, challenge, form=form, status_code=400)
    return see_other(_list_url(citizen_id, notice="saved") + f"#challenge-{challenge_id}")


def _change(
    citizen_id: int, challenge_id: int, session: Session, user: User, web: Web, action: str, value: str = ""
) -> Response:
    """The small one-button changes on the list; each answers with the list again."""
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    challenge = challenges.get_challenge(session=session, citizen=citizen, challenge_id=challenge_id)
    anchor = f"#challenge-{challenge_id}"
    common: dict[str, Any] = {"session": session, "citizen": citizen, "actor": user, "challenge": challenge}
    try:
        if action == "move":
            direction: Direction = "up" if value == "up" else "down"
            challenges.move(**common, direction=direction)
            return see_other(_list_url(citizen_id, moved=challenge_id, dir=direction) + anchor)
        if action == "status":
            before = challenge.status
            changed = challenges.set_status(**common, status=value)
            notice = {"solved": "solved", "parked": "parked", "active": "back"}[changed.status]
            return see_other(
                _list_url(citizen_id, notice=notice if changed.status != before else "") + anchor
            )
        if action in ("accept", "decline"):
            accept = action == "accept"
            challenges.decide_suggestion(**common, accept=accept)
            return see_other(_list_url(citizen_id, notice="accepted" if accept else "declined") + anchor)
        challenges.toggle_agenda(**common)
        if value == "agenda":
            return see_other(f"/citizens/{citizen_id}/agenda?notice=agenda")
        return see_other(_list_url(citizen_id, notice="agenda") + anchor)
    except NotAllowed:
        return refused(web)


@router.post("/citizens/{citizen_id}/challenges/{challenge_id}/move")
def move_challenge(
    citizen_id: int,
    challenge_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    direction: Annotated[str, Form()] = "",
) -> Response:
    return _change(citizen_id, challenge_id, session, user, web, "move", direction)


@router.post("/citizens/{citizen_id}/challenges/{challenge_id}/status")
def challenge_status(
    citizen_id: int,
    challenge_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    status: Annotated[str, Form()] = "",
) -> Response:
    return _change(citizen_id, challenge_id, session, user, web, "status", status)


@router.post("/citizens/{citizen_id}/challenges/{challenge_id}/accept")
def accept_challenge(
    citizen_id: int, challenge_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    return _change(citizen_id, challenge_id, session, user, web, "accept")


@router.post("/citizens/{citizen_id}/challenges/{challenge_id}/decline")
def decline_challenge(
    citizen_id: int, challenge_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    return _change(citizen_id, challenge_id, session, user, web, "decline")


@router.post("/citizens/{citizen_id}/challenges/{challenge_id}/agenda")
def challenge_agenda(
    citizen_id: int, challenge_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    return _change(citizen_id, challenge_id, session, user, web, "agenda")


@router.post("/citizens/{citizen_id}/challenges/{challenge_id}/comments")
def comment_on_challenge(
    citizen_id: int,
    challenge_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    kind: Annotated[str, Form()] = "comment",
    text: Annotated[str, Form()] = "",
    check: Annotated[str, Form()] = "",
) -> Response:
    """`check`: the consultant asked to see the text's readability first; nothing is saved."""
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    challenge = challenges.get_challenge(session=session, citizen=citizen, challenge_id=challenge_id)
    if check:
        comment = {"kind": kind, "text": text, "error": None}
        return render_challenge(web, session, citizen, user, challenge, comment=comment)
    try:
        checked = suggestions.add(
            session=session,
            citizen=citizen,
            actor=user,
            target=challenge,
            kind=kind,
            text=text,
            t=web.translator,
        )
    except NotAllowed:
        return refused(web)
    if not checked.ok:
        comment = {"kind": kind, "text": checked.text, "error": checked.error}
        return render_challenge(web, session, citizen, user, challenge, comment=comment, status_code=400)
    return see_other(f"/citizens/{citizen_id}/challenges/{challenge_id}#comments")

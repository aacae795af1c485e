"""Goals in the citizen's words: the list, and one goal with its scale, history, belief from both
sides, and "one step higher" turned into the next small step on the board."""

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlmodel import Session

from app.access.rules import visible_citizen
from app.core.web import Web, see_other
from app.deps import CurrentUser, SessionDep, WebDep
from app.models import Goal, ScaleKind, User
from app.models.goal import STEP_MAX, TITLE_MAX
from app.models.suggestion import SUGGESTION_MAX
from app.plan import goals, suggestions
from app.plan.goals import SCALE, GoalForm
from app.plan.overview import NotAllowed, people
from app.plan.pages import plan_context, refused

router = APIRouter(tags=["goals"])

NOTICES = ("goal_added", "saved", "reading", "step", "agreement", "agenda", "accepted", "declined")
ChallengeIds = Annotated[list[str] | None, Form()]


def _goals_page(
    web: Web, session: Session, citizen: User, user: User, form: GoalForm, status_code: int = 200
) -> Response:
    views = goals.goals(session=session, citizen=citizen)
    return web.page(
        "goals.html",
        status_code=status_code,
        views=views,
        charts={v.goal.id: goals.history_chart(v.readings, web.translator) for v in views if v.readings},
        form=form,
        linkable=goals.linkable_challenges(session=session, citizen=citizen),
        title_max=TITLE_MAX,
        **plan_context(citizen, user, "goals"),
    )


@router.get("/citizens/{citizen_id}/goals")
def goal_list(citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    return _goals_page(web, session, citizen, user, GoalForm())


@router.post("/citizens/{citizen_id}/goals")
def add_goal(
    citizen_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    title: Annotated[str, Form()] = "",
    challenge_ids: ChallengeIds = None,
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    form = GoalForm(title=title, challenge_ids=challenge_ids or [])
    try:
        goal = goals.create(session=session, citizen=citizen, actor=user, form=form, t=web.translator)
    except NotAllowed:
        return refused(web)
    if goal is None:
        return _goals_page(web, session, citizen, user, form, 400)
    return see_other(f"/citizens/{citizen_id}/goals/{goal.id}?notice=goal_added#scale")


def render_goal(
    web: Web,
    session: Session,
    citizen: User,
    user: User,
    goal: Goal,
    *,
    form: GoalForm | None = None,
    comment: dict[str, Any] | None = None,
    scale_error: dict[str, str] | None = None,
    step: dict[str, Any] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    view = goals.view(session=session, citizen=citizen, goal=goal)
    thread = suggestions.thread(session=session, citizen=citizen, target=goal)
    cards = goals.agreements_for(session=session, citizen=citizen, goal=goal)
    authors = [goal.created_by_id, goal.updated_by_id, *thread.people]
    authors += [r.recorded_by_id for r in (*view.readings, view.belief_citizen, view.belief_consultant) if r]
    return web.page(
        "goal.html",
        status_code=status_code,
        page_url=f"/citizens/{citizen.id}/goals/{goal.id}",
        view=view,
        goal=goal,
        chart=goals.history_chart(view.readings, web.translator) if view.readings else None,
        progress=goals.progress_words(
            view.readings, web.translator, name=None if user.id == citizen.id else citizen.name
        ),
        agreements=cards,
        step_card=next((c for c in cards if c.what == goal.step_higher), None),
        thread=thread,
        people=people(session=session, ids=authors),
        form=form or GoalForm.of(view),
        linkable=goals.linkable_challenges(session=session, citizen=citizen),
        comment=comment or {"kind": "comment", "text": "", "error": None},
        scale_error=scale_error or {},
        step=step or {"text": goal.step_higher, "error": None},
        scale=SCALE,
        kinds=ScaleKind,
        notice=notice if notice in NOTICES else "",
        title_max=TITLE_MAX,
        step_max=STEP_MAX,
        comment_max=SUGGESTION_MAX,
        **plan_context(citizen, user, "goals"),
    )


def _load(session: Session, user: User, citizen_id: int, goal_id: int) -> tuple[User, Goal]:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    return citizen, goals.get_goal(session=session, citizen=citizen, goal_id=goal_id)


def _goal_url(citizen_id: int, goal_id: int, notice: str, anchor: str) -> str:
    return f"/citizens/{citizen_id}/goals/{goal_id}?notice={notice}#{anchor}"


@router.get("/citizens/{citizen_id}/goals/{goal_id}")
def goal_page(
    citizen_id: int, goal_id: int, web: WebDep, session: SessionDep, user: CurrentUser, notice: str = ""
) -> Response:
    citizen, goal = _load(session, user, citizen_id, goal_id)
    return render_goal(web, session, citizen, user, goal, notice=notice)


@router.post("/citizens/{citizen_id}/goals/{goal_id}")
def update_goal(
    citizen_id: int,
    goal_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    title: Annotated[str, Form()] = "",
    challenge_ids: ChallengeIds = None,
) -> Response:
    citizen, goal = _load(session, user, citizen_id, goal_id)
    form = GoalForm(title=title, challenge_ids=challenge_ids or [])
    try:
        saved = goals.update(
            session=session, citizen=citizen, actor=user, goal=goal, form=form, t=web.translator
        )
    except NotAllowed:
        return refused(web)
    if saved is None:
        session.refresh(goal)
        return render_goal(web, session, citizen, user, goal, form=form, status_code=400)
    return see_other(_goal_url(citizen_id, goal_id, "saved", "top"))


@router.post("/citizens/{citizen_id}/goals/{goal_id}/readings")
def answer_scale(
    citizen_id: int,
    goal_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    kind: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
) -> Response:
    citizen, goal = _load(session, user, citizen_id, goal_id)
    try:
        error = goals.record(
            session=session, citizen=citizen, actor=user, goal=goal, kind=kind, value=value, t=web.translator
        )
    except NotAllowed:
        return refused(web)
    anchor = "scale" if kind == ScaleKind.today else "belief"
    if error:
        return render_goal(web, session, citizen, user, goal, scale_error={kind: error}, status_code=400)
    return see_other(_goal_url(citizen_id, goal_id, "reading", anchor))


@router.post("/citizens/{citizen_id}/goals/{goal_id}/step")
def answer_step(
    citizen_id: int,
    goal_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    text: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "save",
) -> Response:
    """Saves the answer to "one step higher"; with action=agreement it also goes on the board."""
    citizen, goal = _load(session, user, citizen_id, goal_id)
    try:
        typed, error = goals.save_step(
            session=session, citizen=citizen, actor=user, goal=goal, text=text, t=web.translator
        )
        if error:
            session.refresh(goal)
            step = {"text": typed, "error": error}
            return render_goal(web, session, citizen, user, goal, step=step, status_code=400)
        if action == "agreement":
            goals.step_to_agreement(session=session, citizen=citizen, actor=user, goal=goal)
            return see_other(_goal_url(citizen_id, goal_id, "agreement", "step"))
    except NotAllowed:
        return refused(web)
    return see_other(_goal_url(citizen_id, goal_id, "step", "step"))


@router.post("/citizens/{citizen_id}/goals/{goal_id}/step/agreement")
def step_to_agreement(
    citizen_id: int, goal_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    """One tap: the saved "one step higher" becomes an agreement on the board."""
    citizen, goal = _load(session, user, citizen_id, goal_id)
    try:
        card = goals.step_to_agreement(session=session, citizen=citizen, actor=user, goal=goal)
    except NotAllowed:
        return refused(web)
    return see_other(_goal_url(citizen_id, goal_id, "agreement" if card else "", "step"))


@router.post("/citizens/{citizen_id}/goals/{goal_id}/agenda")
def goal_agenda(
    citizen_id: int, goal_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    citizen, goal = _load(session, user, citizen_id, goal_id)
    try:
        goals.toggle_agenda(session=session, citizen=citizen, actor=user, goal=goal)
    except NotAllowed:
        return refused(web)
    return see_other(_goal_url(citizen_id, goal_id, "agenda", "agenda"))


@router.post("/citizens/{citizen_id}/goals/{goal_id}/comments")
def comment_on_goal(
    citizen_id: int,
    goal_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    kind: Annotated[str, Form()] = "comment",
    text: Annotated[str, Form()] = "",
    check: Annotated[str, Form()] = "",
) -> Response:
    """`check`: the consultant asked to see the text's readability first; nothing is saved."""
    citizen, goal = _load(session, user, citizen_id, goal_id)
    if check:
        comment = {"kind": kind, "text": text, "error": None}
        return render_goal(web, session, citizen, user, goal, comment=comment)
    try:
        checked = suggestions.add(
            session=session, citizen=citizen, actor=user, target=goal, kind=kind, text=text, t=web.translator
        )
    except NotAllowed:
        return refused(web)
    if not checked.ok:
        comment = {"kind": kind, "text": checked.text, "error": checked.error}
        return render_goal(web, session, citizen, user, goal, comment=comment, status_code=400)
    return see_other(f"/citizens/{citizen_id}/goals/{goal_id}#comments")

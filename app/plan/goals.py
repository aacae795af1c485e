"""Goals in the citizen's words, the 0–10 scale asked over time, and "one step higher" turned
into the next small step on the board."""

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlmodel import Session, col, select

from app.access.rules import NotVisible
from app.board import agreements
from app.board.agreements import Wording
from app.board.changes import board_change, tell_caseloads
from app.catalogue import N_
from app.core.charts import Point, line_chart
from app.core.i18n import Translator
from app.core.numbers import whole
from app.core.wording import check
from app.models import (
    Actor,
    Agreement,
    AgreementStatus,
    Challenge,
    ChallengeStatus,
    Goal,
    GoalChallengeLink,
    ScaleKind,
    ScaleReading,
    User,
)
from app.models.base import utcnow
from app.models.goal import STEP_MAX, TITLE_MAX
from app.plan.overview import (
    GoalView,
    NotAllowed,
    goal_views,
    is_consultant,
    is_own_plan,
    require_citizen,
)

SCALE = range(0, 11)


@dataclass
class GoalForm:
    title: str = ""
    challenge_ids: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, view: GoalView) -> "GoalForm":
        return cls(title=view.goal.title, challenge_ids=[str(c.id) for c in view.challenges])


def get_goal(*, session: Session, citizen: User, goal_id: int) -> Goal:
    """The citizen's goal, or NotVisible (404) when it is anyone else's."""
    goal = session.get(Goal, goal_id)
    if goal is None or goal.citizen_id != citizen.id:
        raise NotVisible(goal_id)
    return goal


def goals(*, session: Session, citizen: User) -> list[GoalView]:
    assert citizen.id is not None
    rows = session.exec(select(Goal).where(Goal.citizen_id == citizen.id).order_by(col(Goal.id))).all()
    return goal_views(session=session, citizen_id=citizen.id, goals=list(rows))


def view(*, session: Session, citizen: User, goal: Goal) -> GoalView:
    assert citizen.id is not None
    return goal_views(session=session, citizen_id=citizen.id, goals=[goal])[0]


def linkable_challenges(*, session: Session, citizen: User) -> list[Challenge]:
    """What a goal can be linked to: the citizen's active challenges."""
    return list(
        session.exec(
            select(Challenge)
            .where(Challenge.citizen_id == citizen.id, Challenge.status == ChallengeStatus.active)
            .order_by(col(Challenge.position), col(Challenge.id))
        ).all()
    )


def _validate(session: Session, citizen: User, form: GoalForm, t: Translator) -> tuple[str, list[int]] | None:
    form.errors.clear()
    title = check(form.title, limit=TITLE_MAX, t=t, empty_message=N_("Write your goal in your own words."))
    form.title = title.text
    if title.error:
        form.errors["title"] = title.error
    own = {c.id for c in linkable_challenges(session=session, citizen=citizen)}
    chosen: list[int] = []
    for raw in form.challenge_ids:
        number = whole(raw)
        chosen.append(-1 if number is None else number)
    if not chosen:
        form.errors["challenges"] = t.gettext("Choose at least one challenge the goal is about.")
    elif not set(chosen) <= own:
        form.errors["challenges"] = t.gettext("Choose among your own challenges.")
    if form.errors:
        return None
    return title.text, list(dict.fromkeys(chosen))


def _link(session: Session, goal: Goal, challenge_ids: list[int]) -> None:
    assert goal.id is not None
    for link in session.exec(select(GoalChallengeLink).where(GoalChallengeLink.goal_id == goal.id)).all():
        session.delete(link)
    session.flush()
    for challenge_id in challenge_ids:
        session.add(GoalChallengeLink(goal_id=goal.id, challenge_id=challenge_id))


def create(*, session: Session, citizen: User, actor: User, form: GoalForm, t: Translator) -> Goal | None:
    """Only the citizen sets a goal; None (and `form.errors`) when the form is not right."""
    require_citizen(actor, citizen)
    checked = _validate(session, citizen, form, t)
    if checked is None:
        return None
    title, challenge_ids = checked
    assert citizen.id is not None
    with board_change(session, citizen_id=citizen.id, kind="goal", actor_id=actor.id) as change:
        goal = Goal(citizen_id=citizen.id, title=title, created_by_id=actor.id)
        session.add(goal)
        session.flush()
        _link(session, goal, challenge_ids)
        change.item_id = goal.id
    session.refresh(goal)
    return goal


def update(
    *, session: Session, citizen: User, actor: User, goal: Goal, form: GoalForm, t: Translator
) -> Goal | None:
    require_citizen(actor, citizen)
    checked = _validate(session, citizen, form, t)
    if checked is None:
        return None
    title, challenge_ids = checked
    with board_change(
        session, citizen_id=goal.citizen_id, kind="goal", item_id=goal.id, actor_id=actor.id
    ) as change:
        goal.title = title
        goal.updated_by_id, goal.updated_at = actor.id, change.at
        session.add(goal)
        _link(session, goal, challenge_ids)
    session.refresh(goal)
    return goal


def _save(session: Session, goal: Goal, actor: User, *, agenda: bool = False) -> Goal:
    """`agenda`: the change puts it on the agenda or takes it off (the caseload card counts it)."""
    with board_change(
        session, citizen_id=goal.citizen_id, kind="goal", item_id=goal.id, actor_id=actor.id
    ) as change:
        session.add(goal)
        if agenda:
            tell_caseloads(session=session, change=change, citizen_id=goal.citizen_id, kind="agenda")
    session.refresh(goal)
    return goal


def _kind_for(actor: User, citizen: User, kind: str) -> ScaleKind:
    """Only the citizen says where they are and how much they believe; only the consultant
    gives the consultant's belief."""
    try:
        wanted = ScaleKind(kind)
    except ValueError:
        raise NotAllowed() from None
    if wanted == ScaleKind.belief_consultant:
        if not is_consultant(actor):
            raise NotAllowed()
    elif not is_own_plan(actor, citizen):
        raise NotAllowed()
    return wanted


def record(
    *, session: Session, citizen: User, actor: User, goal: Goal, kind: str, value: str, t: Translator
) -> str | None:
    """A new answer on the 0–10 scale, kept beside every earlier one. The error message, or None."""
    wanted = _kind_for(actor, citizen, kind)
    read = whole(value)
    number = -1 if read is None else read
    if number not in SCALE:
        return t.gettext("Choose a number from 0 to 10.")
    assert goal.id is not None
    with board_change(
        session, citizen_id=goal.citizen_id, kind="reading", item_id=goal.id, actor_id=actor.id
    ):
        session.add(ScaleReading(goal_id=goal.id, kind=wanted, value=number, recorded_by_id=actor.id))
    return None


def progress_words(readings: list[ScaleReading], t: Translator, name: str | None = None) -> str:
    """Small steps said in words, to the citizen (or about them, by `name`, to the consultant).
    A step back is never held against anyone."""
    if not readings:
        if name:
            return t.gettext("%(name)s has not answered yet.", name=name)
        return t.gettext("You have not answered yet. There is no wrong answer.")
    last, first = readings[-1].value, readings[0].value
    now = t.number(last)
    if len(readings) == 1:
        if name:
            return t.gettext("%(name)s has answered once: %(now)s of 10.", name=name, now=now)
        return t.gettext("A good start: now you know where you are. Everything from here counts.")
    before = t.number(readings[-2].value)
    if last > readings[-2].value:
        if name:
            words = t.gettext(
                "%(name)s has gone from %(before)s to %(now)s — a step forward.",
                name=name,
                before=before,
                now=now,
            )
        else:
            words = t.gettext(
                "You have gone from %(before)s to %(now)s — that is a step forward.", before=before, now=now
            )
    elif last == readings[-2].value:
        if name:
            words = t.gettext("%(name)s is holding on at %(now)s.", name=name, now=now)
        else:
            words = t.gettext("You are holding on at %(now)s. Holding on counts too.", now=now)
    elif name:
        words = t.gettext("It goes up and down for %(name)s — that is quite normal.", name=name)
    else:
        words = t.gettext("It goes up and down — that is quite normal. You are still on your way.")
    if last > first and len(readings) > 2:
        words += " " + t.gettext(
            "Since the first answer: from %(first)s to %(now)s.", first=t.number(first), now=now
        )
    return words


def history_chart(readings: list[ScaleReading], t: Translator) -> Markup:
    """The scale over time, with a text alternative that reads every answer and its date."""
    points = [Point(label=t.date(r.recorded_at), value=r.value) for r in readings]
    spoken = "; ".join(
        t.gettext("%(date)s: %(value)s of 10", date=p.label, value=t.number(p.value)) for p in points
    )
    title = t.gettext("Your answers over time") + ": " + spoken
    return line_chart(points, title=title, width=320, height=96)


def save_step(
    *, session: Session, citizen: User, actor: User, goal: Goal, text: str, t: Translator
) -> tuple[str, str | None]:
    """The citizen's answer to "what would one step higher look like?". (text, error)."""
    require_citizen(actor, citizen)
    checked = check(
        text, limit=STEP_MAX, t=t, empty_message=N_("Write what one step higher would look like.")
    )
    if checked.error:
        return checked.text, checked.error
    goal.step_higher, goal.step_higher_at = checked.text, utcnow()
    _save(session, goal, actor)
    return checked.text, None


def step_to_agreement(*, session: Session, citizen: User, actor: User, goal: Goal) -> Agreement | None:
    """The saved "one step higher" becomes the next small step on the board, in the citizen's
    name and accepted by them; the consultant accepts it on the board. Twice gives one card."""
    require_citizen(actor, citizen)
    if not goal.step_higher:
        return None
    assert goal.id is not None and citizen.id is not None
    open_cards = session.exec(
        select(Agreement).where(
            Agreement.citizen_id == citizen.id,
            Agreement.goal_id == goal.id,
            col(Agreement.deleted_at).is_(None),
            col(Agreement.status).in_((AgreementStatus.todo, AgreementStatus.doing)),
        )
    ).all()
    for card in open_cards:
        if card.what == goal.step_higher:
            return card
    wording = Wording(what=goal.step_higher, who=Actor.citizen, who_name="", due_on=None, goal_id=goal.id)
    return agreements.propose(session=session, citizen=citizen, actor=actor, wording=wording)


def agreements_for(*, session: Session, citizen: User, goal: Goal) -> list[Agreement]:
    return list(
        session.exec(
            select(Agreement)
            .where(
                Agreement.citizen_id == citizen.id,
                Agreement.goal_id == goal.id,
                col(Agreement.deleted_at).is_(None),
            )
            .order_by(col(Agreement.created_at), col(Agreement.id))
        ).all()
    )


def toggle_agenda(*, session: Session, citizen: User, actor: User, goal: Goal) -> Goal:
    require_citizen(actor, citizen)
    goal.on_agenda = not goal.on_agenda
    return _save(session, goal, actor, agenda=True)

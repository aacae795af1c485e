"""Interventions in a citizen's plan: adding one from the menu, the citizen's wish before it
starts, and the citizen's own meaningfulness ratings over time.

Ratings are the citizen's: only the citizen gives them. Each change is a board change
(app.board.changes), and a rating also tells the citizen's consultants' caseload views."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from app import clock
from app.access.rules import NotVisible
from app.board.changes import board_change, tell_caseloads
from app.catalogue import N_
from app.catalogue.interventions import BY_KEY
from app.core.i18n import Translator
from app.core.numbers import whole
from app.core.wording import check
from app.models import (
    Goal,
    Intervention,
    InterventionGoalLink,
    MeaningfulnessRating,
    User,
    Wish,
)
from app.models.intervention import DESCRIPTION_MAX, REASON_MAX
from app.plan.overview import (
    NotAllowed,
    intervention_views,
    is_active,
    is_consultant,
    is_own_plan,
    require_citizen,
)

__all__ = ["intervention_views", "is_active"]

PROVIDER_MAX = 200


@dataclass
class InterventionForm:
    """What was typed into "add an intervention", kept as typed so the form can show it back."""

    kind: str = ""
    provider: str = ""
    description: str = ""
    starts_on: str = ""
    ends_on: str = ""
    goal_ids: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def _parse_date(raw: str) -> date | None:
    return date.fromisoformat(raw.strip()) if raw.strip() else None


def validate(form: InterventionForm, *, t: Translator, goal_ids: set[int]) -> tuple[date | None, date | None]:
    """Fills `form.errors` (in the person's language) and returns the parsed dates."""
    if form.kind not in BY_KEY:
        form.errors["kind"] = t.gettext("Choose a kind of help from the list.")
    checked = check(form.provider, limit=PROVIDER_MAX, t=t, empty_message="", required=False)
    form.provider = checked.text
    if checked.error:
        form.errors["provider"] = checked.error
    described = check(
        form.description, limit=DESCRIPTION_MAX, t=t, empty_message="", required=False, multiline=True
    )
    form.description = described.text
    if described.error:
        form.errors["description"] = described.error
    starts = ends = None
    try:
        starts = _parse_date(form.starts_on)
    except ValueError:
        form.errors["starts_on"] = t.gettext("Write the date as year-month-day, for example 2026-03-01.")
    try:
        ends = _parse_date(form.ends_on)
    except ValueError:
        form.errors["ends_on"] = t.gettext("Write the date as year-month-day, for example 2026-03-01.")
    if starts and ends and ends < starts:
        form.errors["ends_on"] = t.gettext("The end date is before the start date. Please check the dates.")
    if any(g not in goal_ids for g in form.goal_ids):
        form.errors["goals"] = t.gettext("Choose goals from this plan only.")
    return starts, ends


def add(
    *, session: Session, citizen: User, actor: User, form: InterventionForm, t: Translator
) -> Intervention | None:
    """Adds an intervention to the plan, or None with `form.errors` filled in."""
    if not (is_own_plan(actor, citizen) or is_consultant(actor)):
        raise NotAllowed()
    assert citizen.id is not None
    own_goals = set(session.exec(select(Goal.id).where(Goal.citizen_id == citizen.id)).all())
    starts, ends = validate(form, t=t, goal_ids={g for g in own_goals if g is not None})
    if form.errors:
        return None
    with board_change(session, citizen_id=citizen.id, kind="intervention", actor_id=actor.id) as change:
        item = Intervention(
            citizen_id=citizen.id,
            kind=form.kind,
            provider=form.provider,
            description=form.description,
            starts_on=starts,
            ends_on=ends,
            created_by_id=actor.id,
        )
        session.add(item)
        session.flush()
        assert item.id is not None
        for goal_id in dict.fromkeys(form.goal_ids):
            session.add(InterventionGoalLink(intervention_id=item.id, goal_id=goal_id))
        change.item_id = item.id
    return item


def get_intervention(*, session: Session, citizen: User, intervention_id: int) -> Intervention:
    item = session.get(Intervention, intervention_id)
    if item is None or item.citizen_id != citizen.id:
        raise NotVisible(intervention_id)
    return item


def has_started(item: Intervention, today: date) -> bool:
    return item.starts_on is not None and item.starts_on <= today


def set_wish(
    *, session: Session, citizen: User, actor: User, item: Intervention, wish: str, reason: str, t: Translator
) -> str | None:
    """Before it starts, the citizen says "I want this" or "I'd rather not", and why. Returns an
    error message, or None when saved."""
    require_citizen(actor, citizen)
    if wish not in (Wish.wants, Wish.rather_not):
        return t.gettext("Choose “I want this” or “I'd rather not”.")
    if has_started(item, clock.today()):
        return t.gettext("This has already started. You can say how meaningful it feels instead.")
    checked = check(reason, limit=REASON_MAX, t=t, empty_message="", required=False, multiline=True)
    if checked.error:
        return checked.error
    assert citizen.id is not None
    with board_change(
        session, citizen_id=citizen.id, kind="intervention", item_id=item.id, actor_id=actor.id
    ) as change:
        item.wish = Wish(wish)
        item.wish_reason = checked.text
        session.add(item)
        # "I'd rather not" (or taking it back) is a flag on the consultant's caseload.
        tell_caseloads(session=session, change=change, citizen_id=citizen.id, kind="intervention")
    return None


@dataclass
class RatingForm:
    value: str = ""
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def rate(
    *, session: Session, citizen: User, actor: User, item: Intervention, form: RatingForm, t: Translator
) -> MeaningfulnessRating | None:
    """The citizen's own answer, 0–10, with an optional "why?". Only the citizen may rate."""
    require_citizen(actor, citizen)
    number = whole(form.value)
    value = -1 if number is None else number
    if not 0 <= value <= 10:
        form.errors["value"] = t.gettext("Choose a number from 0 to 10.")
    checked = check(form.reason, limit=REASON_MAX, t=t, empty_message="", required=False, multiline=True)
    form.reason = checked.text
    if checked.error:
        form.errors["reason"] = checked.error
    if form.errors:
        return None
    assert item.id is not None and citizen.id is not None
    with board_change(
        session, citizen_id=citizen.id, kind="rating", item_id=item.id, actor_id=actor.id
    ) as change:
        rating = MeaningfulnessRating(intervention_id=item.id, value=value, reason=checked.text)
        session.add(rating)
        tell_caseloads(session=session, change=change, citizen_id=citizen.id, kind="rating")
    session.refresh(rating)
    return rating


def goal_links(*, session: Session, intervention_ids: list[int]) -> dict[int, list[int]]:
    if not intervention_ids:
        return {}
    rows = session.exec(
        select(InterventionGoalLink).where(col(InterventionGoalLink.intervention_id).in_(intervention_ids))
    ).all()
    links: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        links[row.intervention_id].append(row.goal_id)
    return links


WISH_NAMES = {
    Wish.undecided: N_("Not said yet"),
    Wish.wants: N_("I want this"),
    Wish.rather_not: N_("I'd rather not"),
}

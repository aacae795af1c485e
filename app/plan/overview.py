"""Reads a citizen's plan in one go for the summary page and the board; and the one rule every
part of the plan shares: the citizen leads, so some things only the citizen may do."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlmodel import Session, col, select

from app.catalogue.interventions import BY_KEY, InterventionType
from app.core.i18n import Translator
from app.interventions.charts import Point, line_chart
from app.models import (
    Agreement,
    AgreementStatus,
    Challenge,
    ChallengeStatus,
    Goal,
    GoalChallengeLink,
    Intervention,
    MeaningfulnessRating,
    Role,
    ScaleKind,
    ScaleReading,
    Strength,
    User,
)

TOP_CHALLENGES = 3


class NotAllowed(Exception):
    """The person may see this plan, but this step belongs to someone else: for example a
    consultant changing the citizen's own words. Answered 403 with an explanation."""


def is_own_plan(user: User, citizen: User) -> bool:
    return user.id == citizen.id and user.role == Role.citizen


def is_consultant(user: User) -> bool:
    return user.role == Role.consultant


def require_citizen(user: User, citizen: User) -> None:
    if not is_own_plan(user, citizen):
        raise NotAllowed()


def require_consultant(user: User) -> None:
    if not is_consultant(user):
        raise NotAllowed()


@dataclass
class GoalView:
    goal: Goal
    # "Where are you today?" answers, oldest first.
    readings: list[ScaleReading] = field(default_factory=list)
    belief_citizen: ScaleReading | None = None
    belief_consultant: ScaleReading | None = None
    challenges: list[Challenge] = field(default_factory=list)

    @property
    def today(self) -> ScaleReading | None:
        return self.readings[-1] if self.readings else None


@dataclass
class InterventionView:
    intervention: Intervention
    type: InterventionType | None
    ratings: list[MeaningfulnessRating] = field(default_factory=list)

    @property
    def latest(self) -> MeaningfulnessRating | None:
        return self.ratings[-1] if self.ratings else None

    def trend(self, t: Translator, last: int = 8) -> Markup | None:
        """A small SVG of the latest ratings with a text alternative in the viewer's language."""
        if not self.ratings:
            return None
        shown = self.ratings[-last:]
        name = t.gettext(self.type.name) if self.type else self.intervention.kind
        values = ", ".join(t.number(r.value) for r in shown)
        title = t.gettext("How meaningful %(name)s felt, oldest first: %(values)s", name=name, values=values)
        points = [Point(label=t.date(r.rated_at), value=r.value) for r in shown]
        return line_chart(points, title=title, width=160, height=48)


@dataclass
class PlanSummary:
    citizen: User
    challenges: list[Challenge]
    goals: list[GoalView]
    strengths: list[Strength]
    agreements: list[Agreement]
    interventions: list[InterventionView]

    @property
    def top_challenges(self) -> list[Challenge]:
        return self.challenges[:TOP_CHALLENGES]

    def agreements_with(self, status: AgreementStatus) -> list[Agreement]:
        return [a for a in self.agreements if a.status == status]

    def overdue(self, today: date) -> list[Agreement]:
        return [
            a
            for a in self.agreements
            if a.due_on and a.due_on < today and a.status in (AgreementStatus.todo, AgreementStatus.doing)
        ]


def people(*, session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    """The people named as authors, for "written by …" lines."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id: u for u in rows if u.id is not None}


def goal_views(*, session: Session, citizen_id: int, goals: list[Goal]) -> list[GoalView]:
    """Each goal with its scale history, the latest belief from each side, and its challenges."""
    ids = [g.id for g in goals if g.id is not None]
    if not ids:
        return []
    readings = session.exec(
        select(ScaleReading)
        .where(col(ScaleReading.goal_id).in_(ids))
        .order_by(col(ScaleReading.recorded_at), col(ScaleReading.id))
    ).all()
    by_goal: dict[int, dict[ScaleKind, list[ScaleReading]]] = defaultdict(lambda: defaultdict(list))
    for reading in readings:
        by_goal[reading.goal_id][ScaleKind(reading.kind)].append(reading)
    links = session.exec(
        select(GoalChallengeLink.goal_id, Challenge)
        .join(Challenge, Challenge.id == GoalChallengeLink.challenge_id)  # type: ignore[arg-type]
        .where(col(GoalChallengeLink.goal_id).in_(ids), Challenge.citizen_id == citizen_id)
        .order_by(col(Challenge.position), col(Challenge.id))
    ).all()
    linked: dict[int, list[Challenge]] = defaultdict(list)
    for goal_id, challenge in links:
        linked[goal_id].append(challenge)
    views = []
    for goal in goals:
        kinds = by_goal[goal.id or 0]
        views.append(
            GoalView(
                goal=goal,
                readings=kinds[ScaleKind.today],
                belief_citizen=_last(kinds[ScaleKind.belief_citizen]),
                belief_consultant=_last(kinds[ScaleKind.belief_consultant]),
                challenges=linked[goal.id or 0],
            )
        )
    return views


def _last(readings: list[ScaleReading]) -> ScaleReading | None:
    return readings[-1] if readings else None


def plan_summary(*, session: Session, citizen: User) -> PlanSummary:
    cid = citizen.id
    assert cid is not None
    challenges = session.exec(
        select(Challenge)
        .where(Challenge.citizen_id == cid, Challenge.status == ChallengeStatus.active)
        .order_by(col(Challenge.position), col(Challenge.id))
    ).all()
    goals = session.exec(select(Goal).where(Goal.citizen_id == cid).order_by(col(Goal.id))).all()
    strengths = session.exec(
        select(Strength).where(Strength.citizen_id == cid).order_by(col(Strength.id))
    ).all()
    agreements = session.exec(
        select(Agreement)
        .where(Agreement.citizen_id == cid, col(Agreement.deleted_at).is_(None))
        .order_by(col(Agreement.position), col(Agreement.id))
    ).all()
    interventions = session.exec(
        select(Intervention).where(Intervention.citizen_id == cid).order_by(col(Intervention.id))
    ).all()
    ratings = session.exec(
        select(MeaningfulnessRating)
        .join(Intervention, Intervention.id == MeaningfulnessRating.intervention_id)  # type: ignore[arg-type]
        .where(Intervention.citizen_id == cid)
        .order_by(col(MeaningfulnessRating.rated_at), col(MeaningfulnessRating.id))
    ).all()
    by_intervention: dict[int, list[MeaningfulnessRating]] = defaultdict(list)
    for rating in ratings:
        by_intervention[rating.intervention_id].append(rating)
    return PlanSummary(
        citizen=citizen,
        challenges=list(challenges),
        goals=goal_views(session=session, citizen_id=cid, goals=list(goals)),
        strengths=list(strengths),
        agreements=list(agreements),
        interventions=[
            InterventionView(intervention=i, type=BY_KEY.get(i.kind), ratings=by_intervention[i.id or 0])
            for i in interventions
        ],
    )


def intervention_views(*, session: Session, citizen_ids: list[int]) -> dict[int, list[InterventionView]]:
    """Each citizen's interventions with their ratings (oldest first), in a few queries."""
    if not citizen_ids:
        return {}
    items = session.exec(
        select(Intervention)
        .where(col(Intervention.citizen_id).in_(citizen_ids))
        .order_by(col(Intervention.id))
    ).all()
    ids = [i.id for i in items if i.id is not None]
    ratings = (
        session.exec(
            select(MeaningfulnessRating)
            .where(col(MeaningfulnessRating.intervention_id).in_(ids))
            .order_by(col(MeaningfulnessRating.rated_at), col(MeaningfulnessRating.id))
        ).all()
        if ids
        else []
    )
    by_item: dict[int, list[MeaningfulnessRating]] = defaultdict(list)
    for rating in ratings:
        by_item[rating.intervention_id].append(rating)
    result: dict[int, list[InterventionView]] = {cid: [] for cid in citizen_ids}
    for item in items:
        result[item.citizen_id].append(
            InterventionView(intervention=item, type=BY_KEY.get(item.kind), ratings=by_item[item.id or 0])
        )
    return result


def is_active(item: Intervention, today: date) -> bool:
    """Running now: started (or no start date set) and not ended."""
    started = item.starts_on is None or item.starts_on <= today
    return started and (item.ends_on is None or item.ends_on >= today)

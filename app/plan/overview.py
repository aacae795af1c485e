"""Reads a citizen's plan in one go for the summary page and the board; and the one rule every
part of the plan shares: the citizen leads, so some things only the citizen may do."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.board.read import TOP_CHALLENGES, GoalView, InterventionView, intervention_views, is_active
from app.catalogue.interventions import BY_KEY
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

__all__ = ["TOP_CHALLENGES", "GoalView", "InterventionView", "intervention_views", "is_active"]


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
        .join(Challenge, col(Challenge.id) == col(GoalChallengeLink.challenge_id))
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
        .join(Intervention, col(Intervention.id) == col(MeaningfulnessRating.intervention_id))
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

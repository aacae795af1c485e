"""Reading the agenda for the next meeting: what the citizen marked "I want to talk about this"
(a challenge, a goal, an agreement) and topics written in their own words. Read with the board
(the meeting screen shows it first, live) and counted for the caseload card; written in
app.plan.agenda."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import AgendaTopic, Agreement, AgreementStatus, Challenge, ChallengeStatus, Goal

ItemKind = Literal["topic", "challenge", "goal", "agreement"]
OPEN_AGREEMENTS = (AgreementStatus.todo, AgreementStatus.doing)
AGENDA_CHALLENGES = (ChallengeStatus.active, ChallengeStatus.parked, ChallengeStatus.solved)


@dataclass(frozen=True)
class AgendaItem:
    """One thing to talk about. `text` is in the words of whoever wrote it; `href` leads to the
    item in the plan (None for a free-text topic)."""

    kind: ItemKind
    item_id: int
    text: str
    href: str | None
    author_id: int | None
    added_by_citizen: bool
    at: datetime


def agenda_for(*, session: Session, citizen_id: int) -> list[AgendaItem]:
    """Everything on the citizen's agenda: their own topics first (oldest first), then the marked
    challenges, goals and open agreements in plan order. Call after `visible_citizen`."""
    base = f"/citizens/{citizen_id}"
    topics = session.exec(
        select(AgendaTopic)
        .where(AgendaTopic.citizen_id == citizen_id, col(AgendaTopic.done).is_(False))
        .order_by(col(AgendaTopic.created_at), col(AgendaTopic.id))
    ).all()
    challenges = session.exec(
        select(Challenge)
        .where(
            Challenge.citizen_id == citizen_id,
            col(Challenge.on_agenda).is_(True),
            col(Challenge.status).in_(AGENDA_CHALLENGES),
        )
        .order_by(col(Challenge.position), col(Challenge.id))
    ).all()
    goals = session.exec(
        select(Goal)
        .where(Goal.citizen_id == citizen_id, col(Goal.on_agenda).is_(True))
        .order_by(col(Goal.id))
    ).all()
    agreements = session.exec(
        select(Agreement)
        .where(
            Agreement.citizen_id == citizen_id,
            col(Agreement.on_agenda).is_(True),
            col(Agreement.deleted_at).is_(None),
            col(Agreement.status).in_(OPEN_AGREEMENTS),
        )
        .order_by(col(Agreement.position), col(Agreement.id))
    ).all()
    items = [
        AgendaItem(
            "topic", t.id or 0, t.text, None, t.created_by_id, t.created_by_id == citizen_id, t.created_at
        )
        for t in topics
    ]
    items += [
        AgendaItem(
            "challenge",
            c.id or 0,
            c.title,
            f"{base}/challenges#challenge-{c.id}",
            c.created_by_id,
            True,
            c.updated_at,
        )
        for c in challenges
    ]
    items += [
        AgendaItem(
            "goal",
            g.id or 0,
            g.title,
            f"{base}/goals/{g.id}",
            g.created_by_id,
            True,
            g.updated_at or g.created_at,
        )
        for g in goals
    ]
    items += [
        AgendaItem(
            "agreement",
            a.id or 0,
            a.what,
            f"{base}/board#agreement-{a.id}",
            a.created_by_id,
            True,
            a.updated_at,
        )
        for a in agreements
    ]
    return items


def agenda_counts(*, session: Session, citizen_ids: list[int]) -> dict[int, int]:
    """How many things each citizen has on their agenda (the caseload card says so), in four
    grouped queries for the whole caseload."""
    if not citizen_ids:
        return {}
    counts: Counter[int] = Counter()
    queries = [
        select(AgendaTopic.citizen_id, func.count())
        .where(col(AgendaTopic.citizen_id).in_(citizen_ids), col(AgendaTopic.done).is_(False))
        .group_by(col(AgendaTopic.citizen_id)),
        select(Challenge.citizen_id, func.count())
        .where(
            col(Challenge.citizen_id).in_(citizen_ids),
            col(Challenge.on_agenda).is_(True),
            col(Challenge.status).in_(AGENDA_CHALLENGES),
        )
        .group_by(col(Challenge.citizen_id)),
        select(Goal.citizen_id, func.count())
        .where(col(Goal.citizen_id).in_(citizen_ids), col(Goal.on_agenda).is_(True))
        .group_by(col(Goal.citizen_id)),
        select(Agreement.citizen_id, func.count())
        .where(
            col(Agreement.citizen_id).in_(citizen_ids),
            col(Agreement.on_agenda).is_(True),
            col(Agreement.deleted_at).is_(None),
            col(Agreement.status).in_(OPEN_AGREEMENTS),
        )
        .group_by(col(Agreement.citizen_id)),
    ]
    for query in queries:
        for citizen_id, count in session.exec(query).all():
            counts[citizen_id] += count
    return dict(counts)

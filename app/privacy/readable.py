"""A copy of my data to read or print: everything about the citizen in plain sections, in the
viewer's language, with dates in their locale and the Copenhagen time zone. No column names, no
routes, no codes: what the JSON export holds, told as the citizen knows it."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.access import audit, consent
from app.board.agreements import CITIZEN_ACTOR_NAMES, STATUS_NAMES
from app.board.read import InterventionView, intervention_views
from app.catalogue import N_
from app.catalogue.life_areas import LIFE_AREA_NAMES
from app.interventions.outcomes import STATUS_NAMES as OUTCOME_NAMES
from app.interventions.service import WISH_NAMES
from app.models import (
    AgendaTopic,
    Agreement,
    AgreementRevision,
    AuditEntry,
    Challenge,
    ChallengeStatus,
    ConsentRecord,
    ErasureRequest,
    Goal,
    Meeting,
    Message,
    Outcome,
    ScaleKind,
    ScaleReading,
    Strength,
    Thread,
    User,
)
from app.network.service import Member, network_members
from app.privacy.service import WhoHasAccess, who_has_access

# What a challenge's state is called in the copy; suggestions the citizen never took are not
# "what I want to work on", but they are the citizen's data, so they are there too.
CHALLENGE_STATES = (
    ChallengeStatus.active,
    ChallengeStatus.parked,
    ChallengeStatus.solved,
    ChallengeStatus.suggested,
    ChallengeStatus.declined,
)

CHALLENGE_HEADINGS: dict[str, str] = {
    ChallengeStatus.active: N_("Working on"),
    ChallengeStatus.parked: N_("Parked for now"),
    ChallengeStatus.solved: N_("Solved"),
    ChallengeStatus.suggested: N_("Suggested to me, not answered yet"),
    ChallengeStatus.declined: N_("Suggested to me, and I said no thanks"),
}
# The names the template says things with, each translated where it is shown.
NAMES: dict[str, Mapping[Any, str]] = {
    "challenge_headings": CHALLENGE_HEADINGS,
    "life_area_names": LIFE_AREA_NAMES,
    "status_names": STATUS_NAMES,
    "actor_names": CITIZEN_ACTOR_NAMES,
    "outcome_names": OUTCOME_NAMES,
    "wish_names": WISH_NAMES,
}


@dataclass(frozen=True)
class Before:
    """What an agreement said before a change, who changed it, and when."""

    what: str
    who: str
    who_name: str
    due_on: date | None
    status: str
    by: str
    at: datetime


@dataclass(frozen=True)
class AgreementStory:
    agreement: Agreement
    earlier: list[Before]


@dataclass(frozen=True)
class ConversationStory:
    """One thread: what it was about (None: the general thread) and its messages, oldest first."""

    about: str | None
    messages: list[Message]


@dataclass(frozen=True)
class GoalStory:
    goal: Goal
    # "Where am I today?", oldest first.
    readings: list[ScaleReading]


@dataclass
class ReadableCopy:
    citizen: User
    made_at: datetime
    challenges: dict[str, list[Challenge]] = field(default_factory=dict)
    goals: list[GoalStory] = field(default_factory=list)
    strengths: list[Strength] = field(default_factory=list)
    agreements: list[AgreementStory] = field(default_factory=list)
    conversations: list[ConversationStory] = field(default_factory=list)
    interventions: list[InterventionView] = field(default_factory=list)
    agenda: list[AgendaTopic] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    access: WhoHasAccess | None = None
    consents: list[ConsentRecord] = field(default_factory=list)
    trail: list[AuditEntry] = field(default_factory=list)
    erasure_requests: list[ErasureRequest] = field(default_factory=list)
    # Names of the people the copy mentions, by id (whoever wrote or changed something).
    names: dict[int, str] = field(default_factory=dict)

    def name(self, user_id: int | None) -> str:
        return self.names.get(user_id, "") if user_id else ""


def readable_copy(*, session: Session, citizen: User, now: datetime) -> ReadableCopy:
    cid = citizen.id
    assert cid is not None
    copy = ReadableCopy(citizen=citizen, made_at=now)
    challenges = session.exec(
        select(Challenge)
        .where(Challenge.citizen_id == cid)
        .order_by(col(Challenge.position), col(Challenge.id))
    ).all()
    by_state: dict[str, list[Challenge]] = defaultdict(list)
    for challenge in challenges:
        by_state[challenge.status].append(challenge)
    copy.challenges = {state.value: by_state[state] for state in CHALLENGE_STATES if by_state[state]}
    goals = session.exec(select(Goal).where(Goal.citizen_id == cid).order_by(col(Goal.id))).all()
    readings = session.exec(
        select(ScaleReading)
        .join(Goal, col(Goal.id) == col(ScaleReading.goal_id))
        .where(Goal.citizen_id == cid, ScaleReading.kind == ScaleKind.today)
        .order_by(col(ScaleReading.recorded_at), col(ScaleReading.id))
    ).all()
    by_goal: dict[int, list[ScaleReading]] = defaultdict(list)
    for reading in readings:
        by_goal[reading.goal_id].append(reading)
    copy.goals = [GoalStory(goal=g, readings=by_goal[g.id or 0]) for g in goals]
    copy.strengths = list(
        session.exec(select(Strength).where(Strength.citizen_id == cid).order_by(col(Strength.id))).all()
    )
    agreements = session.exec(
        select(Agreement)
        .where(Agreement.citizen_id == cid, col(Agreement.deleted_at).is_(None))
        .order_by(col(Agreement.created_at), col(Agreement.id))
    ).all()
    revisions = session.exec(
        select(AgreementRevision)
        .join(Agreement, col(Agreement.id) == col(AgreementRevision.agreement_id))
        .where(Agreement.citizen_id == cid)
        .order_by(col(AgreementRevision.changed_at), col(AgreementRevision.id))
    ).all()
    copy.interventions = intervention_views(session=session, citizen_ids=[cid])[cid]
    copy.agenda = list(
        session.exec(
            select(AgendaTopic).where(AgendaTopic.citizen_id == cid).order_by(col(AgendaTopic.created_at))
        ).all()
    )
    copy.meetings = list(
        session.exec(select(Meeting).where(Meeting.citizen_id == cid).order_by(col(Meeting.at))).all()
    )
    copy.outcomes = list(
        session.exec(select(Outcome).where(Outcome.citizen_id == cid).order_by(col(Outcome.month))).all()
    )
    copy.members = network_members(session=session, citizen_id=cid)
    copy.access = who_has_access(session=session, citizen_id=cid)
    copy.consents = list(reversed(consent.history(session=session, citizen_id=cid)))
    copy.trail = audit.entries_for(session=session, citizen_id=cid, limit=10_000)
    copy.erasure_requests = list(
        session.exec(
            select(ErasureRequest)
            .where(ErasureRequest.citizen_id == cid)
            .order_by(col(ErasureRequest.requested_at))
        ).all()
    )
    copy.conversations = _conversations(session, cid)
    mentioned = {cid}
    mentioned.update(m.author_id or 0 for story in copy.conversations for m in story.messages)
    mentioned.update(c.created_by_id or 0 for c in challenges)
    mentioned.update(g.created_by_id or 0 for g in goals)
    mentioned.update(s.created_by_id or 0 for s in copy.strengths)
    mentioned.update(a.created_by_id or 0 for a in agreements)
    mentioned.update(t.created_by_id or 0 for t in copy.agenda)
    mentioned.update(r.changed_by_id or 0 for r in revisions)
    mentioned.update(r.recorded_by_id or 0 for r in readings)
    mentioned.discard(0)
    people = session.exec(select(User.id, User.name).where(col(User.id).in_(mentioned))).all()
    copy.names = {uid: name for uid, name in people if uid is not None}
    earlier: dict[int, list[Before]] = defaultdict(list)
    for revision in revisions:
        earlier[revision.agreement_id].append(
            Before(
                what=revision.what,
                who=revision.who,
                who_name=revision.who_name,
                due_on=revision.due_on,
                status=revision.status,
                by=copy.name(revision.changed_by_id),
                at=revision.changed_at,
            )
        )
    copy.agreements = [AgreementStory(agreement=a, earlier=earlier[a.id or 0]) for a in agreements]
    return copy


def _conversations(session: Session, citizen_id: int) -> list[ConversationStory]:
    """Every thread of the citizen's (a deleted card's too: its messages are still kept)."""
    threads = session.exec(
        select(Thread, Agreement.what)
        .outerjoin(Agreement, col(Agreement.id) == col(Thread.agreement_id))
        .where(Thread.citizen_id == citizen_id)
        .order_by(col(Thread.id))
    ).all()
    ids = [thread.id for thread, _what in threads if thread.id is not None]
    messages = session.exec(
        select(Message).where(col(Message.thread_id).in_(ids)).order_by(col(Message.id))
    ).all()
    by_thread: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        by_thread[message.thread_id].append(message)
    return [ConversationStory(about=what, messages=by_thread[thread.id or 0]) for thread, what in threads]

"""Reading a board: everything it shows, the same for every viewer, at a known version.

The version is read first, in the same transaction, so what follows is at least that new.
Every change to a board raises its version (app.board.changes), so two reads at one version
show the same board."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import bindparam, or_
from sqlmodel import Session, col, select

from app import clock
from app.access.consent import ConsentState
from app.access.consent import state as consent_state
from app.board.agenda import AgendaItem, agenda_for
from app.catalogue.interventions import BY_KEY, InterventionType
from app.core.charts import Dated, Line, axis_chart
from app.core.db import column_rows
from app.core.i18n import Translator
from app.models import (
    Agreement,
    Board,
    CaseloadLink,
    Challenge,
    ChallengeStatus,
    Goal,
    Intervention,
    MeaningfulnessRating,
    Role,
    ScaleKind,
    ScaleReading,
    Strength,
    Thread,
    User,
)

TOP_CHALLENGES = 3


@dataclass(frozen=True, slots=True)
class Card:
    """An agreement as the board shows it: a plain, immutable copy of its row."""

    id: int
    citizen_id: int
    what: str
    who: str
    who_name: str
    due_on: date | None
    goal_id: int | None
    who_user_id: int | None
    status: str
    position: int
    accepted_by_citizen: bool
    accepted_by_consultant: bool
    on_agenda: bool
    shared: bool
    revision: int
    created_by_id: int | None
    updated_by_id: int | None
    created_at: datetime
    updated_at: datetime

    @property
    def agreed(self) -> bool:
        return self.accepted_by_citizen and self.accepted_by_consultant


@dataclass(frozen=True, slots=True)
class ThreadMark:
    """What a card says of its conversation: how many messages, and whose answer it waits for."""

    messages: int
    waiting_for: str | None


CARD_COLUMNS = [getattr(Agreement, name) for name in Card.__slots__]

# The statements every live update runs are built, and their cache keys made, once: building a
# statement anew costs SQLAlchemy about as much as running it.
_CARDS = (
    select(*CARD_COLUMNS)
    .where(Agreement.citizen_id == bindparam("citizen_id"), col(Agreement.deleted_at).is_(None))
    .order_by(col(Agreement.position), col(Agreement.id))
)
_THREADS = select(Thread.agreement_id, Thread.messages, Thread.waiting_for).where(
    Thread.citizen_id == bindparam("citizen_id")
)
# Where the citizen's general thread is kept among the cards' (no card has id 0).
GENERAL_THREAD = 0
_STAMP = select(Board.version, Board.updated_at).where(Board.citizen_id == bindparam("citizen_id"))
_GOALS = select(Goal).where(Goal.citizen_id == bindparam("citizen_id")).order_by(col(Goal.id))
_TODAY_READINGS = (
    select(ScaleReading)
    .join(Goal, Goal.id == ScaleReading.goal_id)  # type: ignore[arg-type]
    .where(Goal.citizen_id == bindparam("citizen_id"), ScaleReading.kind == ScaleKind.today)
    .order_by(col(ScaleReading.recorded_at), col(ScaleReading.id))
)
_PEOPLE = select(User).where(
    or_(
        col(User.id).in_(bindparam("ids", expanding=True)),
        col(User.id).in_(
            select(CaseloadLink.consultant_id).where(CaseloadLink.citizen_id == bindparam("citizen_id"))
        ),
    )
)


def read_cards(session: Session, citizen_id: int) -> list[Card]:
    """The citizen's cards in board order (deleted ones, kept for undo, left out)."""
    return [Card(*row) for row in column_rows(session, _CARDS, {"citizen_id": citizen_id})]


def board_stamp(*, session: Session, citizen_id: int) -> tuple[int, datetime | None]:
    """The board's version and when it last changed (0 and None: never)."""
    rows = column_rows(session, _STAMP, {"citizen_id": citizen_id})
    return (rows[0][0], rows[0][1]) if rows else (0, None)


def board_version(*, session: Session, citizen_id: int) -> int:
    return board_stamp(session=session, citizen_id=citizen_id)[0]


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
        """The latest ratings on a 0–10 scale, each dated, with a text alternative in the viewer's
        language that says every answer and its date."""
        if not self.ratings:
            return None
        shown = self.ratings[-last:]
        name = t.gettext(self.type.name) if self.type else self.intervention.kind
        values = "; ".join(
            t.gettext("%(date)s: %(value)s of 10", date=t.date(r.rated_at), value=t.number(r.value))
            for r in shown
        )
        title = t.gettext("How meaningful %(name)s felt, oldest first: %(values)s", name=name, values=values)
        points = [
            Dated(
                tick=t.skeleton(r.rated_at, "MMMd"),
                label=t.date(r.rated_at),
                value=r.value,
                text=t.number(r.value),
            )
            for r in shown
        ]
        ticks = [(v, t.number(v)) for v in (0, 5, 10)]
        return axis_chart([Line("chart-series-1", points)], title=title, maximum=10, ticks=ticks)

    def summary(self, t: Translator, last: int = 8) -> str:
        """The chart in one line: "Up from 3 to 8 since October"."""
        if not self.ratings:
            return ""
        shown = self.ratings[-last:]
        first, latest = shown[0], shown[-1]
        if len(shown) == 1:
            return t.gettext(
                "Rated %(value)s of 10 on %(date)s",
                value=t.number(latest.value),
                date=t.date(latest.rated_at),
            )
        same_year = clock.local(first.rated_at).year == clock.local(latest.rated_at).year
        month = t.date(first.rated_at, "LLLL" if same_year else "LLLL yyyy")
        values = {"first": t.number(first.value), "last": t.number(latest.value), "month": month}
        if latest.value > first.value:
            return t.gettext("Up from %(first)s to %(last)s since %(month)s", **values)
        if latest.value < first.value:
            return t.gettext("Down from %(first)s to %(last)s since %(month)s", **values)
        return t.gettext("Still %(last)s, as in %(month)s", **values)


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


@dataclass(frozen=True)
class BoardData:
    """Everything a board shows; the same for every viewer."""

    citizen: User
    version: int
    challenges: list[Challenge]
    goals: list[GoalView]
    strengths: list[Strength]
    agreements: list[Card]
    people: dict[int, User] = field(default_factory=dict)
    # Interventions with the citizen's meaningfulness ratings, oldest first.
    interventions: list[InterventionView] = field(default_factory=list)
    # When the board last changed (None: never).
    changed_at: datetime | None = None
    # What the citizen shares (shown to the consultant; told to the citizen when not shared).
    consent: ConsentState = field(default_factory=ConsentState)
    # Each card's conversation, by the card's id (cards without one are not there), and the
    # general thread's at GENERAL_THREAD.
    threads: dict[int, ThreadMark] = field(default_factory=dict)
    # The agenda for the next meeting (read for the meeting screen only).
    agenda: list[AgendaItem] = field(default_factory=list)

    @property
    def goal_titles(self) -> dict[int, str]:
        return {view.goal.id: view.goal.title for view in self.goals if view.goal.id is not None}


# What a board is read in; a live update reads only the parts the regions it redraws show. The
# agenda is read only for the meeting screen (MEETING_PARTS).
PARTS = frozenset(
    {"challenges", "goals", "goal_titles", "strengths", "agreements", "interventions", "consent", "threads"}
)
MEETING_PARTS = PARTS | {"agenda"}
REGION_PARTS: dict[str, frozenset[str]] = {
    "challenges": frozenset({"challenges"}),
    "goals": frozenset({"goals"}),
    "strengths": frozenset({"strengths"}),
    "interventions": frozenset({"interventions"}),
    "consent": frozenset({"consent"}),
    "agenda": frozenset({"agenda"}),
    # Cards name their goal, and the form for a new card offers the goals: titles are enough.
    "columns": frozenset({"agreements", "goal_titles", "threads"}),
    "talk": frozenset({"threads"}),
    "new_agreement": frozenset({"goal_titles"}),
    "undo": frozenset(),
    "presence": frozenset(),
}


def parts_for(regions: Iterable[str]) -> frozenset[str]:
    wanted: set[str] = set()
    for region in regions:
        wanted |= REGION_PARTS.get(region, PARTS)
    return frozenset(wanted)


class BoardGone(LookupError):
    """The citizen whose board was asked for is not there (erased meanwhile)."""


def load_board(*, session: Session, citizen_id: int, parts: frozenset[str] = PARTS) -> BoardData:
    """The board at its current version; only `parts` of it are read (the rest stay empty).
    The people it names (the citizen, who made a card, the consultants) are always read."""
    cid = citizen_id
    version, changed_at = board_stamp(session=session, citizen_id=cid)
    challenges = (
        session.exec(
            select(Challenge)
            .where(Challenge.citizen_id == cid, Challenge.status == ChallengeStatus.active)
            .order_by(col(Challenge.position), col(Challenge.id))
            .limit(TOP_CHALLENGES)
        ).all()
        if "challenges" in parts
        else []
    )
    strengths = (
        session.exec(select(Strength).where(Strength.citizen_id == cid).order_by(col(Strength.id))).all()
        if "strengths" in parts
        else []
    )
    cards = read_cards(session, cid) if "agreements" in parts else []
    interventions = (
        intervention_views(session=session, citizen_ids=[cid])[cid] if "interventions" in parts else []
    )
    goals: list[GoalView] = []
    if "goals" in parts:
        goals = _goals(session, cid, readings=True)
    elif "goal_titles" in parts:
        goals = _goals(session, cid, readings=False)
    people = _people(session, cid, cards)
    citizen = people.get(cid)
    if citizen is None or citizen.role != Role.citizen:
        raise BoardGone(cid)
    return BoardData(
        citizen=citizen,
        version=version,
        changed_at=changed_at,
        challenges=list(challenges),
        goals=goals,
        strengths=list(strengths),
        agreements=cards,
        people=people,
        interventions=interventions,
        consent=consent_state(session=session, citizen_id=cid) if "consent" in parts else ConsentState(),
        threads=_threads(session, cid) if "threads" in parts else {},
        agenda=agenda_for(session=session, citizen_id=cid) if "agenda" in parts else [],
    )


def _threads(session: Session, citizen_id: int) -> dict[int, ThreadMark]:
    rows = column_rows(session, _THREADS, {"citizen_id": citizen_id})
    return {aid or GENERAL_THREAD: ThreadMark(messages, waiting) for aid, messages, waiting in rows}


def _goals(session: Session, cid: int, *, readings: bool) -> list[GoalView]:
    goals = session.exec(_GOALS, params={"citizen_id": cid}).all()
    if not readings:
        return [GoalView(goal=g) for g in goals]
    found = session.exec(_TODAY_READINGS, params={"citizen_id": cid}).all()
    by_goal: dict[int, list[ScaleReading]] = defaultdict(list)
    for reading in found:
        by_goal[reading.goal_id].append(reading)
    return [GoalView(goal=g, readings=by_goal[g.id or 0]) for g in goals]


def _people(session: Session, citizen_id: int, cards: list[Card]) -> dict[int, User]:
    """The names a board mentions: who made or changed a card, who it names, the consultants."""
    ids = {citizen_id}
    for card in cards:
        ids.update(i for i in (card.created_by_id, card.updated_by_id, card.who_user_id) if i)
    users = session.exec(_PEOPLE, params={"ids": sorted(ids), "citizen_id": citizen_id}).all()
    return {user.id: user for user in users if user.id is not None}

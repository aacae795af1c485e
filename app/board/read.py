"""Reading a board: everything it shows, the same for every viewer, at a known version.

A read is made of parts. After a change only the parts that kind of change can alter need
reading again (`reread`): moving a card re-reads the cards and the people they name, not the
goals, strengths and interventions beside them."""

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, or_
from sqlmodel import Session, col, select

from app.core.row_cache import database_of
from app.models import (
    Agreement,
    Board,
    CaseloadLink,
    Challenge,
    ChallengeStatus,
    Goal,
    ScaleKind,
    ScaleReading,
    Strength,
    User,
)
from app.plan.overview import TOP_CHALLENGES, GoalView, InterventionView, intervention_views

PARTS = frozenset({"challenges", "goals", "strengths", "agreements", "interventions"})
# What each kind of change (the `kind` given to `board_changed`) can alter. A goal's title shows
# on the cards that serve it, and removing a goal unlinks them. Unknown kinds re-read everything.
KIND_PARTS: dict[str, frozenset[str]] = {
    "agreement": frozenset({"agreements"}),
    "challenge": frozenset({"challenges"}),
    "goal": frozenset({"goals", "agreements"}),
    "reading": frozenset({"goals"}),
    "strength": frozenset({"strengths"}),
    "intervention": frozenset({"interventions"}),
    "rating": frozenset({"interventions"}),
}


@dataclass(frozen=True, slots=True)
class Card:
    """An agreement as the board shows it: a plain, immutable copy of its row (shared by every
    view of the board in this process; far lighter than the ORM row it is read from)."""

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


CARD_COLUMNS = [Agreement.__table__.c[name] for name in Card.__slots__]  # type: ignore[attr-defined]
CARDS_OF_CITIZEN = (
    select(*CARD_COLUMNS)
    .where(
        Agreement.__table__.c.citizen_id == bindparam("citizen_id"),  # type: ignore[attr-defined]
        Agreement.__table__.c.deleted_at.is_(None),  # type: ignore[attr-defined]
    )
    .order_by(Agreement.__table__.c.position, Agreement.__table__.c.id)  # type: ignore[attr-defined]
)


def read_cards(session: Session, citizen_id: int) -> list[Card]:
    rows = session.connection().execute(CARDS_OF_CITIZEN, {"citizen_id": citizen_id})
    return [Card(*row) for row in rows]


def board_version(*, session: Session, citizen_id: int) -> int:
    return board_stamp(session=session, citizen_id=citizen_id)[0]


def board_stamp(*, session: Session, citizen_id: int) -> tuple[int, datetime | None]:
    """The board's version and when it last changed (0 and None: never)."""
    row = session.exec(select(Board.version, Board.updated_at).where(Board.citizen_id == citizen_id)).first()
    return (row[0], row[1]) if row else (0, None)


@dataclass(frozen=True)
class BoardData:
    """Everything a board shows, read in a few queries; the same for every viewer."""

    citizen: User
    version: int
    challenges: list[Challenge]
    goals: list[GoalView]
    strengths: list[Strength]
    agreements: list[Card]
    people: dict[int, User] = field(default_factory=dict)
    # Interventions with the citizen's meaningfulness ratings, oldest first.
    interventions: list[InterventionView] = field(default_factory=list)
    # When the board last changed, at this version or later (None: not known, or never).
    changed_at: datetime | None = None
    # Which database it was read from: what is drawn from it is kept under this too (tests run
    # several databases in one process, where the same citizen id means different people).
    database: str = ""

    @property
    def goal_titles(self) -> dict[int, str]:
        return {view.goal.id: view.goal.title for view in self.goals if view.goal.id is not None}


def load_board(*, session: Session, citizen: User) -> BoardData:
    # The version is read first: what follows is at least that new, never older.
    assert citizen.id is not None
    version, changed_at = board_stamp(session=session, citizen_id=citizen.id)
    return BoardData(
        citizen=citizen,
        version=version,
        changed_at=changed_at,
        database=database_of(session.get_bind()),
        **_read(session, citizen.id, PARTS),
    )


def moved(
    data: BoardData,
    *,
    version: int,
    placed: Iterable[tuple[int, str, int]],
    card_id: int,
    by: int | None,
    at: datetime,
) -> BoardData | None:
    """`data` after a card move that put the cards where `placed` says (the moved card `card_id`
    by `by` at `at`), as `version`. None when that cannot be known from here: a card it names
    is not on this copy, or the mover is not among the board's people."""
    where = {card_id: (status, position) for card_id, status, position in placed}
    known = {c.id for c in data.agreements}
    if not where.keys() <= known or card_id not in where or (by is not None and by not in data.people):
        return None
    cards = []
    for card in data.agreements:
        place = where.get(card.id)
        if place is None:
            cards.append(card)
        elif card.id == card_id:
            cards.append(
                dataclasses.replace(card, status=place[0], position=place[1], updated_at=at, updated_by_id=by)
            )
        else:
            cards.append(dataclasses.replace(card, status=place[0], position=place[1]))
    cards.sort(key=lambda c: (c.position, c.id))
    return dataclasses.replace(data, version=version, changed_at=at, agreements=cards)


def reread(
    *,
    session: Session,
    data: BoardData,
    version: int,
    kinds: Iterable[str],
    changed_at: datetime | None = None,
) -> BoardData | None:
    """`data` after changes of these `kinds`, as `version`: only the parts they can alter are
    read again. None when one of them could alter anything (then read the whole board).
    `changed_at`: when the change was made, if the caller knows."""
    parts: set[str] = set()
    for kind in kinds:
        if kind not in KIND_PARTS:
            return None
        parts |= KIND_PARTS[kind]
    if not parts or data.citizen.id is None:
        return None
    if changed_at is None:
        # Read now, it may belong to a later version: at worst a later time, never an earlier one.
        changed_at = board_stamp(session=session, citizen_id=data.citizen.id)[1]
    return dataclasses.replace(
        data,
        version=version,
        changed_at=changed_at,
        **_read(session, data.citizen.id, frozenset(parts), known=data.people),
    )


def _read(
    session: Session, cid: int, parts: frozenset[str], known: dict[int, User] | None = None
) -> dict[str, Any]:
    """The parts asked for. `known`: the people the board named before; only when a card now
    names someone else are they read again (who the consultants are changes only with a change
    of kind "board", which reads everything)."""
    read: dict[str, Any] = {}
    if "challenges" in parts:
        read["challenges"] = list(
            session.exec(
                select(Challenge)
                .where(Challenge.citizen_id == cid, Challenge.status == ChallengeStatus.active)
                .order_by(col(Challenge.position), col(Challenge.id))
                .limit(TOP_CHALLENGES)
            ).all()
        )
    if "goals" in parts:
        read["goals"] = _goals(session, cid)
    if "strengths" in parts:
        read["strengths"] = list(
            session.exec(select(Strength).where(Strength.citizen_id == cid).order_by(col(Strength.id))).all()
        )
    if "agreements" in parts:
        agreements = read_cards(session, cid)
        read["agreements"] = agreements
        named = _named(cid, agreements)
        if known is None or not named <= known.keys():
            read["people"] = _people(session=session, citizen_id=cid, named=named)
    if "interventions" in parts:
        read["interventions"] = intervention_views(session=session, citizen_ids=[cid])[cid]
    return read


def _goals(session: Session, cid: int) -> list[GoalView]:
    goals = session.exec(select(Goal).where(Goal.citizen_id == cid).order_by(col(Goal.id))).all()
    readings = session.exec(
        select(ScaleReading)
        .join(Goal, Goal.id == ScaleReading.goal_id)  # type: ignore[arg-type]
        .where(Goal.citizen_id == cid, ScaleReading.kind == ScaleKind.today)
        .order_by(col(ScaleReading.recorded_at), col(ScaleReading.id))
    ).all()
    by_goal: dict[int, list[ScaleReading]] = defaultdict(list)
    for reading in readings:
        by_goal[reading.goal_id].append(reading)
    return [GoalView(goal=g, readings=by_goal[g.id or 0]) for g in goals]


def _named(citizen_id: int, agreements: list[Card]) -> set[int]:
    ids = {citizen_id}
    for agreement in agreements:
        ids.update(i for i in (agreement.created_by_id, agreement.updated_by_id, agreement.who_user_id) if i)
    return ids


def _people(*, session: Session, citizen_id: int, named: set[int]) -> dict[int, User]:
    """The names a board mentions: who made or changed a card, who it names, the consultants."""
    ids = named
    consultants = select(CaseloadLink.consultant_id).where(CaseloadLink.citizen_id == citizen_id)
    users = session.exec(select(User).where(or_(col(User.id).in_(ids), col(User.id).in_(consultants)))).all()
    return {user.id: user for user in users if user.id is not None}

"""Agreements: who does what by when. Proposed by either side, agreed when both accept; once
agreed the wording changes only as a new version, kept in the history. Moves and deletes can be
undone for a while, because the server keeps the state before them."""

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, insert, update
from sqlmodel import Session, col, delete, select

from app.access.rules import NotVisible
from app.board.cache import cache_for
from app.board.read import BoardData, Card, moved, read_cards
from app.board.view import board_changed, claim_version, publish
from app.catalogue import N_
from app.core.driver import Prepared
from app.core.i18n import Translator
from app.models import (
    Actor,
    Agreement,
    AgreementRevision,
    AgreementStatus,
    BoardUndo,
    Goal,
    Role,
    User,
)
from app.models.agreement import WHAT_MAX, WHO_NAME_MAX
from app.models.base import utcnow

STATUS_NAMES: dict[str, str] = {
    AgreementStatus.todo: N_("To do"),
    AgreementStatus.doing: N_("In progress"),
    AgreementStatus.done: N_("Done"),
    AgreementStatus.dropped: N_("Dropped"),
}
ACTOR_NAMES: dict[str, str] = {
    Actor.citizen: N_("The citizen"),
    Actor.consultant: N_("The consultant"),
    Actor.network: N_("Someone in the network"),
    Actor.mentor: N_("Mentor"),
    Actor.employer: N_("Employer"),
    Actor.other: N_("Someone else"),
}
# Named people: whoever is not the citizen or the consultant needs a name.
NAMED_ACTORS = (Actor.network,)
# The undo button shows for a while on the page; the server honours it a little longer.
UNDO_SECONDS = 30
UNDO_KEEP = timedelta(minutes=10)
PURGE_DELETED_AFTER = timedelta(days=1)
LATEST_DUE = timedelta(days=5 * 366)


class EditConflict(Exception):
    """Someone else changed the wording since the form was opened."""

    def __init__(self, current: Agreement) -> None:
        super().__init__(f"agreement {current.id} is at revision {current.revision}")
        self.current = current


class UndoGone(Exception):
    """Too late, or the card has changed since: undoing now would overwrite someone's work."""


@dataclass
class AgreementForm:
    what: str = ""
    who: str = Actor.citizen.value
    who_name: str = ""
    due_on: str = ""
    goal_id: str = ""
    # Only the citizen's form offers it; see `propose`.
    shared: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, agreement: "Agreement | Card") -> "AgreementForm":
        return cls(
            what=agreement.what,
            who=agreement.who,
            who_name=agreement.who_name,
            due_on=agreement.due_on.isoformat() if agreement.due_on else "",
            goal_id=str(agreement.goal_id or ""),
        )


@dataclass(frozen=True)
class Wording:
    what: str
    who: Actor
    who_name: str
    due_on: date | None
    goal_id: int | None


def side(user: User) -> str:
    return "citizen" if user.role == Role.citizen else "consultant"


def get_agreement(*, session: Session, citizen: User, agreement_id: int) -> Agreement:
    """The citizen's agreement, or NotVisible (404) when it belongs to anyone else."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.citizen_id != citizen.id or agreement.deleted_at is not None:
        raise NotVisible(agreement_id)
    return agreement


def validate(
    *,
    session: Session,
    citizen: User,
    form: AgreementForm,
    t: Translator,
    current: Agreement | None = None,
) -> Wording | None:
    """Checks the form; on errors, fills `form.errors` (in the user's language) and returns None."""
    errors = form.errors
    errors.clear()
    what = form.what.strip()
    form.what = what
    if not what:
        errors["what"] = t.gettext("Write what is agreed.")
    elif len(what) > WHAT_MAX:
        errors["what"] = t.gettext("Please keep it under %(n)s characters.", n=WHAT_MAX)
    try:
        who = Actor(form.who)
    except ValueError:
        who = Actor.citizen
        errors["who"] = t.gettext("Choose who does it.")
    who_name = form.who_name.strip()
    form.who_name = who_name
    if who in NAMED_ACTORS and not who_name:
        errors["who_name"] = t.gettext("Write the person's name.")
    elif len(who_name) > WHO_NAME_MAX:
        errors["who_name"] = t.gettext("Please keep it under %(n)s characters.", n=WHO_NAME_MAX)
    due_on = None
    if form.due_on.strip():
        try:
            due_on = date.fromisoformat(form.due_on.strip())
        except ValueError:
            errors["due_on"] = t.gettext("Write the date like this: 2026-12-31.")
        else:
            unchanged = current is not None and current.due_on == due_on
            if due_on < date.today() and not unchanged:
                errors["due_on"] = t.gettext("Choose today or a later date.")
            elif due_on > date.today() + LATEST_DUE:
                errors["due_on"] = t.gettext("Choose a date within the next five years.")
    goal_id = None
    if form.goal_id.strip():
        goal = session.get(Goal, int(form.goal_id)) if form.goal_id.strip().isdigit() else None
        if goal is None or goal.citizen_id != citizen.id:
            errors["goal_id"] = t.gettext("Choose one of the goals in the list.")
        else:
            goal_id = goal.id
    if errors:
        return None
    return Wording(what=what, who=who, who_name=who_name, due_on=due_on, goal_id=goal_id)


def propose(
    *, session: Session, citizen: User, actor: User, wording: Wording, shared: bool = False
) -> Agreement:
    """A new card in "to do", accepted by the side that proposed it. Only the citizen can make
    it "shared with my network"; from anyone else `shared` is ignored."""
    assert citizen.id is not None
    last = session.exec(
        select(Agreement.position)
        .where(
            Agreement.citizen_id == citizen.id,
            Agreement.status == AgreementStatus.todo,
            col(Agreement.deleted_at).is_(None),
        )
        .order_by(col(Agreement.position).desc())
    ).first()
    agreement = Agreement(
        citizen_id=citizen.id,
        what=wording.what,
        who=wording.who,
        who_name=wording.who_name,
        due_on=wording.due_on,
        goal_id=wording.goal_id,
        position=(last + 1) if last is not None else 0,
        accepted_by_citizen=side(actor) == "citizen",
        accepted_by_consultant=side(actor) == "consultant",
        created_by_id=actor.id,
        updated_by_id=actor.id,
        shared=shared and actor.id == citizen.id,
    )
    session.add(agreement)
    session.flush()
    _changed(session, agreement, actor, "created")
    return agreement


class NotTheCitizen(Exception):
    """Only the citizen decides what their network may see."""


def set_shared(*, session: Session, citizen: User, actor: User, agreement: Agreement, shared: bool) -> None:
    """ "Shared with my network" or "between me and my consultant". Only the citizen may change
    it. Not a change of wording: no new version, and the card stays agreed."""
    if actor.id != citizen.id or agreement.citizen_id != citizen.id:
        raise NotTheCitizen(agreement.id)
    if agreement.shared == shared:
        return
    agreement.shared = shared
    _touch(agreement, actor)
    session.add(agreement)
    _changed(session, agreement, actor, "shared" if shared else "unshared")


def accept(*, session: Session, citizen: User, actor: User, agreement: Agreement) -> None:
    if side(actor) == "citizen":
        agreement.accepted_by_citizen = True
    else:
        agreement.accepted_by_consultant = True
    _touch(agreement, actor)
    session.add(agreement)
    _changed(session, agreement, actor, "accepted")


def edit(
    *, session: Session, citizen: User, actor: User, agreement: Agreement, wording: Wording, revision: int
) -> bool:
    """Saves a new version of the wording. The previous one goes into the history, and the other
    side must accept the new one. Raises EditConflict if the form started from an old version.
    Returns False when nothing changed."""
    if revision != agreement.revision:
        raise EditConflict(agreement)
    if wording == _wording(agreement):
        return False
    session.add(
        AgreementRevision(
            agreement_id=agreement.id or 0,
            revision=agreement.revision,
            what=agreement.what,
            who=agreement.who,
            who_name=agreement.who_name,
            due_on=agreement.due_on,
            status=agreement.status,
            changed_by_id=actor.id,
        )
    )
    agreement.what = wording.what
    agreement.who = wording.who
    agreement.who_name = wording.who_name
    agreement.due_on = wording.due_on
    agreement.goal_id = wording.goal_id
    agreement.revision += 1
    agreement.accepted_by_citizen = side(actor) == "citizen"
    agreement.accepted_by_consultant = side(actor) == "consultant"
    _touch(agreement, actor)
    session.add(agreement)
    _changed(session, agreement, actor, "edited")
    return True


def history(*, session: Session, agreement: Agreement | Card) -> list[AgreementRevision]:
    """Earlier versions, newest first."""
    return list(
        session.exec(
            select(AgreementRevision)
            .where(AgreementRevision.agreement_id == agreement.id)
            .order_by(col(AgreementRevision.revision).desc(), col(AgreementRevision.id).desc())
        ).all()
    )


class ImpossibleMove(Exception):
    """Neither a column, nor up or down, nor a place in a column."""


@dataclass(frozen=True)
class UndoOffer:
    """What the board needs to offer taking a move back (the row itself is written directly)."""

    id: int
    action: str


@dataclass(frozen=True)
class Moved:
    card: Card
    # How to take it back; None when the card was already there (nothing changed).
    undo: UndoOffer | None
    # The board's version the move made (0: nothing changed).
    version: int = 0


def move(
    *,
    session: Session,
    citizen: User,
    actor: User,
    agreement_id: int,
    to: str = "",
    status: str = "",
    position: str = "",
    view: str = "",
) -> Moved:
    """Moves a card: `to` a column (last in it), "up" or "down" in its column; or to `status`
    at `position` (a drag). Both columns it touches are numbered 0, 1, 2, … again.

    The board's most frequent change, so it is made in few statements: the new version first
    (which holds the board's write lock, so the cards are what no one else is changing), the
    cards' new places in one statement, the undo record, one commit. The cards come from this
    process's copy of the board when it is at the version just before (else they are read), and
    the copy is brought up to date from what was written, without reading it again.
    `view`: the open view of the board the move was made from (its answer shows the move)."""
    assert citizen.id is not None and actor.id is not None
    claim = claim_version(session=session, citizen_id=citizen.id)
    cards = _cards_before(session, citizen.id, claim.version)
    card = next((c for c in cards if c.id == agreement_id), None)
    if card is None:
        session.rollback()
        raise NotVisible(agreement_id)
    target = move_target(card, to, status, position)
    if target is None:
        session.rollback()
        raise ImpossibleMove(agreement_id)
    changed = _new_places(cards, card, *target)
    after = changed[card.id]
    if after == (card.status, card.position):
        session.rollback()
        return Moved(card=card, undo=None)
    # Every card whose place changed, in one statement; only the moved one counts as touched.
    rows = []
    for other in cards:
        if other.id in changed:
            mine = other.id == card.id
            rows.append(
                {
                    "card": other.id,
                    "status": changed[other.id][0],
                    "position": changed[other.id][1],
                    "at": claim.at if mine else other.updated_at,
                    "by": actor.id if mine else other.updated_by_id,
                }
            )
    MOVE_CARDS.executemany(session, rows)
    row = _undo_record(citizen, actor, card.id, "move", (card.status, card.position), after, at=claim.at)
    undo = UndoOffer(id=ADD_UNDO.execute(session, row), action="move")
    placed = tuple((i, column, index) for i, (column, index) in changed.items())
    card_id = card.id

    def patch(data: BoardData) -> BoardData | None:
        people = data.people if actor.id in data.people else {**data.people, actor.id or 0: actor}
        return moved(
            dataclasses.replace(data, people=people),
            version=claim.version,
            placed=placed,
            card_id=card_id,
            by=actor.id,
            at=claim.at,
        )

    publish(
        session=session,
        change=claim,
        kind="agreement",
        action="moved",
        item_id=card.id,
        actor_id=actor.id,
        placed=placed,
        patch=patch,
        view=view,
    )
    card = dataclasses.replace(
        card, status=after[0], position=after[1], updated_at=claim.at, updated_by_id=actor.id
    )
    return Moved(card=card, undo=undo, version=claim.version)


def _cards_before(session: Session, citizen_id: int, version: int) -> list[Card]:
    """The board's cards as they were at `version` - 1, which the caller's claim of `version`
    holds still: every change of a card raises the version, so this process's copy at exactly
    that version is what is stored (read when there is no such copy)."""
    bind = session.get_bind()
    copy = cache_for(bind).fresh(citizen_id, version - 1) if isinstance(bind, Engine) else None
    if copy is not None and copy.version == version - 1:
        return copy.agreements
    return read_cards(session, citizen_id)


def move_target(card: Card, to: str, status: str, position: str) -> tuple[str, int] | None:
    """Where a move asks the card to go: (column, position), or None when that is no move."""
    if to in ("up", "down"):
        return card.status, max(0, card.position + (-1 if to == "up" else 1))
    if to in STATUS_NAMES:
        return to, END
    if status in STATUS_NAMES and position.strip().isdigit():
        return status, min(int(position), END)
    return None


def _new_places(cards: list[Card], card: Card, status: str, position: int) -> dict[int, tuple[str, int]]:
    """Where `card` goes, put at `position` in the column for `status`, and every other card
    whose column or place that changes: both columns it touches are numbered 0, 1, 2, … again."""
    column = [c for c in cards if c.status == status and c.id != card.id]
    column.insert(max(0, min(position, len(column))), card)
    places = {c.id: (status, index) for index, c in enumerate(column)}
    if card.status != status:
        left = [c for c in cards if c.status == card.status and c.id != card.id]
        places.update({c.id: (card.status, index) for index, c in enumerate(left)})
    before = {c.id: (c.status, c.position) for c in cards}
    return {i: place for i, place in places.items() if i == card.id or place != before[i]}


def _move_others(session: Session, card_id: int, places: dict[int, tuple[str, int]]) -> None:
    others = [{"card": i, "status": s, "position": p} for i, (s, p) in places.items() if i != card_id]
    if others:
        session.connection().execute(PLACE_CARD, others)


_agreements = Agreement.__table__  # type: ignore[attr-defined]
_undos = BoardUndo.__table__  # type: ignore[attr-defined]
# A position past the end of any column: the card goes last.
END = 100_000
PLACE_CARD = (
    update(_agreements)
    .where(_agreements.c.id == bindparam("card"))
    .values(status=bindparam("status"), position=bindparam("position"))
)
MOVE_CARDS = Prepared(
    update(_agreements)
    .where(_agreements.c.id == bindparam("card"))
    .values(
        status=bindparam("status"),
        position=bindparam("position"),
        updated_at=bindparam("at"),
        updated_by_id=bindparam("by"),
    )
)
ADD_UNDO = Prepared(insert(_undos).returning(_undos.c.id))


def remove(*, session: Session, citizen: User, actor: User, agreement: Agreement) -> BoardUndo:
    """Hides the card at once and keeps it for a day, so the delete can be undone."""
    before = (agreement.status, agreement.position)
    agreement.deleted_at = utcnow()
    _touch(agreement, actor)
    session.add(agreement)
    _renumber(session, agreement.citizen_id, agreement.status)
    undo = _undo(session, citizen, actor, agreement, "delete", before)
    _purge(session, citizen)
    _changed(session, agreement, actor, "deleted")
    return undo


def find_undo(*, session: Session, citizen: User, actor: User, undo_id: int) -> BoardUndo | None:
    undo = session.get(BoardUndo, undo_id)
    if undo is None or undo.citizen_id != citizen.id or undo.user_id != actor.id:
        return None
    if utcnow() - undo.created_at > UNDO_KEEP:
        return None
    return undo


def undo(*, session: Session, citizen: User, actor: User, undo_id: int) -> Agreement:
    """Puts the card back where it was. Raises UndoGone when it is too late or it changed since."""
    record = find_undo(session=session, citizen=citizen, actor=actor, undo_id=undo_id)
    agreement = session.get(Agreement, record.agreement_id) if record else None
    if record is None or agreement is None or agreement.citizen_id != citizen.id:
        raise UndoGone()
    if record.action == "delete":
        if agreement.deleted_at is None:
            raise UndoGone()
        agreement.deleted_at = None
        action = "restored"
    else:
        if agreement.deleted_at is not None or (agreement.status, agreement.position) != (
            record.after_status,
            record.after_position,
        ):
            raise UndoGone()
        action = "moved"
    session.add(agreement)
    session.flush()
    _place(session, agreement, AgreementStatus(record.before_status), record.before_position)
    _touch(agreement, actor)
    session.delete(record)
    _changed(session, agreement, actor, action)
    return agreement


# -- helpers -----------------------------------------------------------------------------------


def _wording(agreement: Agreement) -> Wording:
    return Wording(
        what=agreement.what,
        who=Actor(agreement.who),
        who_name=agreement.who_name,
        due_on=agreement.due_on,
        goal_id=agreement.goal_id,
    )


def _touch(agreement: Agreement, actor: User) -> None:
    agreement.updated_at = utcnow()
    agreement.updated_by_id = actor.id


def _column(session: Session, citizen_id: int, status: str) -> list[Agreement]:
    return list(
        session.exec(
            select(Agreement)
            .where(
                Agreement.citizen_id == citizen_id,
                Agreement.status == status,
                col(Agreement.deleted_at).is_(None),
            )
            .order_by(col(Agreement.position), col(Agreement.id))
        ).all()
    )


def _place(session: Session, agreement: Agreement, status: AgreementStatus, position: int) -> None:
    """Puts the card at `position` in the column for `status`, by the same rule as a move."""
    assert agreement.id is not None
    session.flush()
    cards = read_cards(session, agreement.citizen_id)
    card = next(c for c in cards if c.id == agreement.id)
    places = _new_places(cards, card, status, position)
    _move_others(session, agreement.id, places)
    agreement.status, agreement.position = AgreementStatus(places[agreement.id][0]), places[agreement.id][1]


def _renumber(session: Session, citizen_id: int, status: str) -> None:
    session.flush()
    for index, card in enumerate(_column(session, citizen_id, status)):
        if card.position != index:
            card.position = index
            session.add(card)


def _undo(
    session: Session, citizen: User, actor: User, agreement: Agreement, action: str, before: tuple[str, int]
) -> BoardUndo:
    assert agreement.id is not None
    record = BoardUndo(
        **_undo_record(citizen, actor, agreement.id, action, before, (agreement.status, agreement.position))
    )
    session.add(record)
    session.flush()
    return record


def _undo_record(
    citizen: User,
    actor: User,
    agreement_id: int,
    action: str,
    before: tuple[str, int],
    after: tuple[str, int],
    at: datetime | None = None,
) -> dict[str, Any]:
    """The columns of a `BoardUndo` row. A move inserts it as it is: building the model first
    cost a card move about a tenth of its time in the service."""
    assert citizen.id is not None and actor.id is not None
    return {
        "citizen_id": citizen.id,
        "user_id": actor.id,
        "agreement_id": agreement_id,
        "action": action,
        "before_status": before[0],
        "before_position": before[1],
        "after_status": after[0],
        "after_position": after[1],
        "created_at": at or utcnow(),
    }


def _purge(session: Session, citizen: User) -> None:
    """Deleted cards and old undo records go for good after a while (data minimisation)."""
    now = utcnow()
    session.exec(
        delete(BoardUndo).where(
            col(BoardUndo.citizen_id) == citizen.id, col(BoardUndo.created_at) < now - UNDO_KEEP
        )
    )
    session.exec(
        delete(Agreement).where(
            col(Agreement.citizen_id) == citizen.id,
            col(Agreement.deleted_at) < now - PURGE_DELETED_AFTER,
        )
    )


def _changed(session: Session, agreement: Agreement, actor: User, action: str) -> None:
    """Commits the change together with the board's new version, then publishes it."""
    board_changed(
        session=session,
        citizen_id=agreement.citizen_id,
        kind="agreement",
        action=action,
        item_id=agreement.id,
        actor_id=actor.id,
    )

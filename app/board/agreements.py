"""Agreements: who does what by when. Proposed by either side, agreed when both accept; once
agreed the wording changes only as a new version, kept in the history. Moves and deletes can be
undone for a while, because the server keeps the state before them."""

import dataclasses
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, delete, select

from app import clock
from app.access.rules import NotVisible
from app.board.changes import BoardChange, board_change
from app.board.read import Card, read_cards
from app.catalogue import N_
from app.catalogue.sensitive import Mention, mentions
from app.core.i18n import Translator
from app.core.numbers import whole
from app.core.wording import check
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
# The citizen reads their own board in the second person ("Who: You"), in the form's list too.
CITIZEN_ACTOR_NAMES: dict[str, str] = {
    **ACTOR_NAMES,
    Actor.citizen: N_("You"),
    Actor.consultant: N_("Your consultant"),
    Actor.network: N_("Someone in your network"),
}
# Named people: whoever is not the citizen or the consultant needs a name.
NAMED_ACTORS = (Actor.network,)
# The undo button shows for a while on the page; the server honours it a little longer.
UNDO_SECONDS = 30
UNDO_KEEP = timedelta(minutes=10)
PURGE_DELETED_AFTER = timedelta(days=1)
LATEST_DUE = timedelta(days=5 * 366)
# A position past the end of any column: the card goes last.
END = 100_000


class EditConflict(Exception):
    """Someone else changed the wording since the form was opened."""

    def __init__(self, current: Agreement) -> None:
        super().__init__(f"agreement {current.id} is at revision {current.revision}")
        self.current = current


class MoveConflict(Exception):
    """The card is no longer where the person saw it: someone else moved it meanwhile."""

    def __init__(self, current: Card) -> None:
        super().__init__(f"agreement {current.id} is now in {current.status} at {current.position}")
        self.current = current


class Unchanged(Exception):
    """The change asks for what is already there: nothing is written, the version stays."""


class AskFirst(Exception):
    """The card's words mention something sensitive (health, addiction, debt, …) and the citizen
    has not yet been asked, about these words, whether her network should read them."""

    def __init__(self, current: Agreement, found: list[Mention]) -> None:
        super().__init__(f"agreement {current.id} mentions {[m.topic for m in found]}")
        self.current = current
        self.found = found


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
    # Too long is said, with the text kept, the same way as in every other field (wording.check).
    what_checked = check(form.what, limit=WHAT_MAX, t=t, empty_message=N_("Write what is agreed."))
    form.what = what_checked.text
    if what_checked.error:
        errors["what"] = what_checked.error
    try:
        who = Actor(form.who)
    except ValueError:
        who = Actor.citizen
        errors["who"] = t.gettext("Choose who does it.")
    name_checked = check(
        form.who_name,
        limit=WHO_NAME_MAX,
        t=t,
        empty_message=N_("Write the person's name."),
        required=who in NAMED_ACTORS,
    )
    form.who_name = who_name = name_checked.text
    if name_checked.error:
        errors["who_name"] = name_checked.error
    due_on = None
    if form.due_on.strip():
        try:
            due_on = date.fromisoformat(form.due_on.strip())
        except ValueError:
            errors["due_on"] = t.gettext("Write the date like this: 2026-12-31.")
        else:
            unchanged = current is not None and current.due_on == due_on
            if due_on < clock.today() and not unchanged:
                errors["due_on"] = t.gettext("Choose today or a later date.")
            elif due_on > clock.today() + LATEST_DUE:
                errors["due_on"] = t.gettext("Choose a date within the next five years.")
    goal_id = None
    if form.goal_id.strip():
        number = whole(form.goal_id)
        goal = session.get(Goal, number) if number is not None else None
        if goal is None or goal.citizen_id != citizen.id:
            errors["goal_id"] = t.gettext("Choose one of the goals in the list.")
        else:
            goal_id = goal.id
    if errors:
        return None
    return Wording(what=what_checked.text, who=who, who_name=who_name, due_on=due_on, goal_id=goal_id)


def propose(
    *,
    session: Session,
    citizen: User,
    actor: User,
    wording: Wording,
    shared: bool = False,
    asked: bool = False,
) -> Agreement:
    """A new card in "to do", accepted by the side that proposed it. Only the citizen can make
    it "shared with my network"; from anyone else `shared` is ignored. A card about health, the
    psychologist, addiction treatment, debt or a criminal record stays private unless the
    citizen was asked about its words and said share (`asked`)."""
    assert citizen.id is not None
    if shared and not asked and sensitive(what=wording.what, who_name=wording.who_name):
        shared = False
    with _change(session, citizen, actor, "created") as change:
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
            created_at=change.at,
            updated_at=change.at,
            shared=shared and actor.id == citizen.id,
        )
        session.add(agreement)
        session.flush()
        change.item_id = agreement.id
    return agreement


class NotTheCitizen(Exception):
    """Only the citizen decides what their network may see."""


def sensitive(*, what: str, who_name: str = "") -> list[Mention]:
    """What in a card's words the citizen is asked about before her network may read them."""
    return mentions(what, who_name)


def newly_sensitive(*, agreement: "Agreement | Card", wording: Wording) -> list[Mention]:
    """What a new wording of a card shared with the network mentions that the old one did not:
    the network would read it, so whoever writes it is asked first."""
    if not agreement.shared:
        return []
    before = {m.topic for m in sensitive(what=agreement.what, who_name=agreement.who_name)}
    return [m for m in sensitive(what=wording.what, who_name=wording.who_name) if m.topic not in before]


def set_shared(
    *,
    session: Session,
    citizen: User,
    actor: User,
    agreement_id: int,
    shared: bool,
    asked_at: int | None = None,
) -> Agreement:
    """ "Shared with my network" or "between me and my consultant". Only the citizen may change
    it. Not a change of wording: no new version, and the card stays agreed. A card whose words
    are sensitive is shared only when the citizen was asked about these very words (`asked_at`:
    the wording's version she confirmed); otherwise AskFirst, checked under the board's lock."""
    if actor.id != citizen.id:
        raise NotTheCitizen(agreement_id)
    action = "shared" if shared else "unshared"
    try:
        with _change(session, citizen, actor, action, agreement_id) as change:
            agreement = _current(session, citizen, agreement_id)
            if agreement.shared == shared:
                raise Unchanged()
            found = sensitive(what=agreement.what, who_name=agreement.who_name)
            if shared and found and asked_at != agreement.revision:
                raise AskFirst(agreement, found)
            _write(session, agreement, change, values={"shared": shared})
    except Unchanged:
        pass
    return _current(session, citizen, agreement_id)


def accept(
    *, session: Session, citizen: User, actor: User, agreement_id: int, revision: int | None = None
) -> Agreement:
    """Accepts the wording at `revision` (the one the person read; None: whatever it is now).
    Raises EditConflict when the wording changed since: nobody accepts what they did not see."""
    column = "accepted_by_citizen" if side(actor) == "citizen" else "accepted_by_consultant"
    try:
        with _change(session, citizen, actor, "accepted", agreement_id) as change:
            agreement = _current(session, citizen, agreement_id)
            seen = agreement.revision if revision is None else revision
            if getattr(agreement, column):
                raise Unchanged()
            _write(session, agreement, change, values={column: True}, revision=seen)
    except Unchanged:
        pass
    return _current(session, citizen, agreement_id)


def edit(
    *, session: Session, citizen: User, actor: User, agreement_id: int, wording: Wording, revision: int
) -> bool:
    """Saves a new version of the wording over `revision`, the one the form was opened on. The
    previous one goes into the history, and the other side must accept the new one. Raises
    EditConflict when someone else saved a version since. Returns False when nothing changed."""
    try:
        with _change(session, citizen, actor, "edited", agreement_id) as change:
            agreement = _current(session, citizen, agreement_id)
            if wording == _wording(agreement) and revision == agreement.revision:
                raise Unchanged()
            session.add(
                AgreementRevision(
                    agreement_id=agreement_id,
                    revision=agreement.revision,
                    what=agreement.what,
                    who=agreement.who,
                    who_name=agreement.who_name,
                    due_on=agreement.due_on,
                    status=agreement.status,
                    changed_by_id=actor.id,
                )
            )
            values = {
                "what": wording.what,
                "who": wording.who,
                "who_name": wording.who_name,
                "due_on": wording.due_on,
                "goal_id": wording.goal_id,
                "revision": revision + 1,
                "accepted_by_citizen": side(actor) == "citizen",
                "accepted_by_consultant": side(actor) == "consultant",
            }
            _write(session, agreement, change, values=values, revision=revision)
    except Unchanged:
        return False
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
class Moved:
    card: Card
    # The undo record that takes it back; None when the card was already there.
    undo: BoardUndo | None


def move(
    *,
    session: Session,
    citizen: User,
    actor: User,
    agreement_id: int,
    to: str = "",
    status: str = "",
    position: str = "",
    seen: tuple[str, int] | None = None,
) -> Moved:
    """Moves a card: `to` a column (last in it), "up" or "down" in its column; or to `status`
    at `position` (a drag). Both columns it touches are numbered 0, 1, 2, … again. `seen`: the
    column and place the person saw the card at; when it has moved since, MoveConflict."""
    try:
        with _change(session, citizen, actor, "moved", agreement_id) as change:
            cards = read_cards(session, citizen.id or 0)
            card = next((c for c in cards if c.id == agreement_id), None)
            if card is None:
                raise NotVisible(agreement_id)
            if seen is not None and (card.status, card.position) != seen:
                raise MoveConflict(card)
            target = move_target(card, to, status, position)
            if target is None:
                raise ImpossibleMove(agreement_id)
            places = _new_places(cards, card, *target)
            if places[card.id] == (card.status, card.position):
                raise Unchanged()
            _place_cards(session, cards, places, card.id, change)
            undo = _undo_record(session, citizen, actor, card.id, "move", card, places[card.id])
    except Unchanged:
        assert card is not None
        return Moved(card=card, undo=None)
    new_status, new_position = places[card.id]
    moved = dataclasses.replace(
        card, status=new_status, position=new_position, updated_at=change.at, updated_by_id=actor.id
    )
    return Moved(card=moved, undo=undo)


def move_target(card: Card, to: str, status: str, position: str) -> tuple[str, int] | None:
    """Where a move asks the card to go: (column, position), or None when that is no move."""
    if to in ("up", "down"):
        return card.status, max(0, card.position + (-1 if to == "up" else 1))
    if to in STATUS_NAMES:
        return to, END
    place = whole(position)
    if status in STATUS_NAMES and place is not None:
        return status, min(place, END)
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


def remove(*, session: Session, citizen: User, actor: User, agreement_id: int) -> BoardUndo:
    """Hides the card at once and keeps it for a day, so the delete can be undone."""
    with _change(session, citizen, actor, "deleted", agreement_id) as change:
        cards = read_cards(session, citizen.id or 0)
        card = next((c for c in cards if c.id == agreement_id), None)
        if card is None:
            raise NotVisible(agreement_id)
        left = [c for c in cards if c.status == card.status and c.id != card.id]
        places = {c.id: (c.status, index) for index, c in enumerate(left) if c.position != index}
        _place_cards(session, cards, places, None, change)
        agreement = _current(session, citizen, agreement_id)
        _write(session, agreement, change, values={"deleted_at": change.at})
        undo = _undo_record(session, citizen, actor, card.id, "delete", card, (card.status, card.position))
        _purge(session, citizen, change.at)
    return undo


def find_undo(*, session: Session, citizen: User, actor: User, undo_id: int) -> BoardUndo | None:
    undo = session.get(BoardUndo, undo_id)
    if undo is None or undo.citizen_id != citizen.id or undo.user_id != actor.id:
        return None
    if utcnow() - undo.created_at > UNDO_KEEP:
        return None
    return undo


def undo(*, session: Session, citizen: User, actor: User, undo_id: int) -> Card:
    """Puts the card back where it was. Raises UndoGone when it is too late or it changed since."""
    record = find_undo(session=session, citizen=citizen, actor=actor, undo_id=undo_id)
    if record is None:
        raise UndoGone()
    action = "restored" if record.action == "delete" else "moved"
    with _change(session, citizen, actor, action, record.agreement_id) as change:
        agreement = session.get(Agreement, record.agreement_id, populate_existing=True)
        if agreement is None or agreement.citizen_id != citizen.id:
            raise UndoGone()
        if record.action == "delete":
            if agreement.deleted_at is None:
                raise UndoGone()
            _write(session, agreement, change, values={"deleted_at": None})
        elif agreement.deleted_at is not None or (agreement.status, agreement.position) != (
            record.after_status,
            record.after_position,
        ):
            raise UndoGone()
        cards = read_cards(session, citizen.id or 0)
        card = next(c for c in cards if c.id == agreement.id)
        places = _new_places(cards, card, record.before_status, record.before_position)
        _place_cards(session, cards, places, card.id, change)
        session.delete(record)
    return next(c for c in read_cards(session, citizen.id or 0) if c.id == record.agreement_id)


# -- helpers -----------------------------------------------------------------------------------


def _change(
    session: Session, citizen: User, actor: User, action: str, agreement_id: int | None = None
) -> AbstractContextManager[BoardChange]:
    assert citizen.id is not None
    return board_change(
        session,
        citizen_id=citizen.id,
        kind="agreement",
        action=action,
        actor_id=actor.id,
        item_id=agreement_id,
    )


def _current(session: Session, citizen: User, agreement_id: int) -> Agreement:
    """The card as stored now (inside a board change: as no one else can change it meanwhile)."""
    agreement = session.get(Agreement, agreement_id, populate_existing=True)
    if agreement is None or agreement.citizen_id != citizen.id or agreement.deleted_at is not None:
        raise NotVisible(agreement_id)
    return agreement


def _write(
    session: Session,
    agreement: Agreement,
    change: BoardChange,
    *,
    values: Mapping[str, object],
    revision: int | None = None,
) -> None:
    """UPDATE … WHERE id = :id [AND revision = :seen]: zero rows is someone else's change."""
    condition = [col(Agreement.id) == agreement.id]
    if revision is not None:
        condition.append(col(Agreement.revision) == revision)
    written = session.execute(
        update(Agreement)
        .where(*condition)
        .values(**values, updated_at=change.at, updated_by_id=change.actor_id)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:  # type: ignore[attr-defined]
        raise EditConflict(agreement)


def _place_cards(
    session: Session,
    cards: list[Card],
    places: dict[int, tuple[str, int]],
    moved_id: int | None,
    change: BoardChange,
) -> None:
    """Every card whose place changed, each only where it was read to be; only the moved one
    counts as touched by this person."""
    before = {c.id: c for c in cards}
    for card_id, (status, position) in places.items():
        card = before[card_id]
        if (card.status, card.position) == (status, position):
            continue
        params = {
            "card_id": card_id,
            "read_status": card.status,
            "read_position": card.position,
            "new_status": status,
            "new_position": position,
        }
        if card_id == moved_id:
            params.update(at=change.at, actor_id=change.actor_id)
        statement = _PLACE_MOVED if card_id == moved_id else _PLACE
        written = session.execute(statement, params)
        if written.rowcount != 1:  # type: ignore[attr-defined]
            raise MoveConflict(card)


# Every move runs these: built (and their cache keys made) once.
_PLACE = (
    update(Agreement)
    .where(
        col(Agreement.id) == bindparam("card_id"),
        col(Agreement.status) == bindparam("read_status"),
        col(Agreement.position) == bindparam("read_position"),
    )
    .values(status=bindparam("new_status"), position=bindparam("new_position"))
    .execution_options(synchronize_session=False)
)
_PLACE_MOVED = _PLACE.values(updated_at=bindparam("at"), updated_by_id=bindparam("actor_id"))


def _wording(agreement: Agreement) -> Wording:
    return Wording(
        what=agreement.what,
        who=Actor(agreement.who),
        who_name=agreement.who_name,
        due_on=agreement.due_on,
        goal_id=agreement.goal_id,
    )


def _undo_record(
    session: Session,
    citizen: User,
    actor: User,
    agreement_id: int,
    action: str,
    before: Card,
    after: tuple[str, int],
) -> BoardUndo:
    assert citizen.id is not None and actor.id is not None
    record = BoardUndo(
        citizen_id=citizen.id,
        user_id=actor.id,
        agreement_id=agreement_id,
        action=action,
        before_status=before.status,
        before_position=before.position,
        after_status=after[0],
        after_position=after[1],
    )
    session.add(record)
    session.flush()
    return record


def _purge(session: Session, citizen: User, now: datetime) -> None:
    """Deleted cards and old undo records go for good after a while (data minimisation)."""
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

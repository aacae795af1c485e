"""The one answer to "may this user see this citizen?", asked by every page and again by every
live stream before each event it sends.

What anyone but the citizen sees rests on the citizen's consent (`app.access.consent`): the
consultant sees the plan only with consent (a), a network member the shared cards only with
consent (b). A closed staff account sees nothing."""

from typing import Protocol

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.access import audit, consent
from app.core.db import column_rows
from app.core.refusals import NotVisible
from app.models import Agreement, CaseloadLink, ConsentScope, NetworkLink, Role, User

# Where a session keeps whom it let in to which citizen, by which rule (see `still_visible`).
LET_IN = "tavle_let_in"


class Rule(Protocol):
    def __call__(self, *, session: Session, user: User, citizen_id: int) -> bool: ...


__all__ = [
    "NotVisible",
    "can_open_board",
    "can_see_citizen",
    "consultants_of",
    "in_caseload",
    "may_take_part",
    "still_visible",
    "visible_board",
    "visible_citizen",
    "visible_in_caseload",
    "visible_thread",
]


def can_see_citizen(*, session: Session, user: User, citizen_id: int) -> bool:
    """The citizen's plan: the citizen, and their consultants while the citizen consents (a)."""
    if user.role == Role.citizen:
        return user.id == citizen_id
    if user.role == Role.consultant:
        return _linked(session, user, citizen_id, consenting=ConsentScope.consultant)
    return False


def can_open_board(*, session: Session, user: User, citizen_id: int) -> bool:
    """The board: as the plan, and also a member of the citizen's network while the citizen
    consents (b) (read-only, the cards shared with the network only)."""
    if user.role == Role.network:
        return _linked(session, user, citizen_id, consenting=ConsentScope.network)
    return can_see_citizen(session=session, user=user, citizen_id=citizen_id)


def may_take_part(*, session: Session, user: User, citizen_id: int, agreement: Agreement | None) -> bool:
    """A conversation (`agreement` None: the citizen's general thread): the citizen and their
    consultants, as the plan; on an agreement's thread also the network member the card names,
    while the citizen shares that card and consents (b). A card deleted or of another citizen
    has no thread anyone reaches."""
    if agreement is not None and (agreement.citizen_id != citizen_id or agreement.deleted_at is not None):
        return False
    if user.role == Role.network:
        return (
            agreement is not None
            and agreement.shared
            and agreement.who_user_id == user.id
            and can_open_board(session=session, user=user, citizen_id=citizen_id)
        )
    return can_see_citizen(session=session, user=user, citizen_id=citizen_id)


def in_caseload(*, session: Session, user: User, citizen_id: int) -> bool:
    """The citizen is in this (open) consultant's caseload, whatever the citizen consents to:
    enough for the name, the consent state and the invitation, never for the plan."""
    return user.role == Role.consultant and user.active and _linked(session, user, citizen_id)


# Asked before every page and every live event: built (and keyed) once. The link and the
# consent it rests on are one statement: one round trip, and one moment they are both true.
_IN_CASELOAD = select(CaseloadLink.citizen_id).where(
    CaseloadLink.consultant_id == bindparam("user_id"), CaseloadLink.citizen_id == bindparam("citizen_id")
)
_IN_NETWORK = select(NetworkLink.citizen_id).where(
    NetworkLink.member_id == bindparam("user_id"), NetworkLink.citizen_id == bindparam("citizen_id")
)
_IN_CASELOAD_CONSENTED = _IN_CASELOAD.where(consent.GIVEN)
_IN_NETWORK_CONSENTED = _IN_NETWORK.where(consent.GIVEN)


def _linked(session: Session, user: User, citizen_id: int, consenting: ConsentScope | None = None) -> bool:
    """In the consultant's caseload, or in the citizen's network; with `consenting`, only while
    the citizen's latest answer for that scope is yes."""
    if not user.active:
        return False
    consultant = user.role == Role.consultant
    if consenting is None:
        query = _IN_CASELOAD if consultant else _IN_NETWORK
    else:
        query = _IN_CASELOAD_CONSENTED if consultant else _IN_NETWORK_CONSENTED
    params = {"user_id": user.id, "citizen_id": citizen_id, "scope": consenting}
    return bool(column_rows(session, query, params))


def citizen_row(*, session: Session, citizen_id: int) -> User | None:
    user = session.get(User, citizen_id)
    return user if user is not None and user.role == Role.citizen else None


def visible_citizen(*, session: Session, user: User, citizen_id: int) -> User:
    """The citizen, if `user` may see them; otherwise NotVisible (answered 404). Every access by
    someone other than the citizen is written to the audit trail the citizen can read."""
    if not can_see_citizen(session=session, user=user, citizen_id=citizen_id):
        raise NotVisible(citizen_id)
    return _let_in(session, user, citizen_id, can_see_citizen)


def visible_board(*, session: Session, user: User, citizen_id: int) -> User:
    """The citizen whose board `user` may open (see `can_open_board`), audited likewise. Every
    other citizen route keeps using `visible_citizen`."""
    if not can_open_board(session=session, user=user, citizen_id=citizen_id):
        raise NotVisible(citizen_id)
    return _let_in(session, user, citizen_id, can_open_board)


def visible_thread(*, session: Session, user: User, citizen_id: int, agreement: Agreement | None) -> User:
    """The citizen whose conversation `user` may take part in (see `may_take_part`), audited
    like the board. The write path asks the card's part again under the board's lock."""
    if not may_take_part(session=session, user=user, citizen_id=citizen_id, agreement=agreement):
        raise NotVisible(citizen_id)
    return _let_in(session, user, citizen_id, can_open_board)


def visible_in_caseload(*, session: Session, user: User, citizen_id: int, audited: bool = True) -> User:
    """The citizen in this consultant's caseload, consent or not (their name, their invitation),
    audited like any other access; otherwise NotVisible. `audited=False`: the service that
    follows writes what happened in words of its own (a closed case), so the citizen does not
    read it twice, once as "changed something in your plan"."""
    if not in_caseload(session=session, user=user, citizen_id=citizen_id):
        raise NotVisible(citizen_id)
    if not audited:
        citizen = citizen_row(session=session, citizen_id=citizen_id)
        if citizen is None:
            raise NotVisible(citizen_id)
        return citizen
    return _let_in(session, user, citizen_id, in_caseload)


def _let_in(session: Session, user: User, citizen_id: int, rule: Rule) -> User:
    citizen = citizen_row(session=session, citizen_id=citizen_id)
    if citizen is None:
        raise NotVisible(citizen_id)
    if user.id != citizen_id:
        audit.record_access(session=session, actor=user, citizen_id=citizen_id)
        # Asked again by the write path, once it holds the board's lock (`still_visible`).
        session.info.setdefault(LET_IN, {})[citizen_id] = (user.id, rule)
    return citizen


def still_visible(*, session: Session, citizen_id: int) -> None:
    """The rule that let this request's user in to the citizen, asked again now: the board's
    write path calls it once it holds the board's lock, so a change authorised before the
    citizen withdrew consent (or the consultant was removed, or their account closed) and
    written after it is refused (NotVisible, the change rolled back) instead of landing. Nothing
    to ask when nobody but the citizen was let in by this session."""
    let_in: dict[int, tuple[int, Rule]] = session.info.get(LET_IN, {})
    if citizen_id not in let_in:
        return
    user_id, rule = let_in[citizen_id]
    with session.no_autoflush:
        # Read afresh: the account may have been closed since the request began.
        user = session.exec(
            select(User).where(User.id == user_id).execution_options(populate_existing=True)
        ).first()
        if user is None or not rule(session=session, user=user, citizen_id=citizen_id):
            raise NotVisible(citizen_id)


def caseload(*, session: Session, consultant: User) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(CaseloadLink, CaseloadLink.citizen_id == User.id)  # type: ignore[arg-type]
            .where(CaseloadLink.consultant_id == consultant.id)
            .order_by(User.name)
        ).all()
    )


def consultants_of(*, session: Session, citizen_id: int) -> list[User]:
    """The citizen's consultants (closed accounts included: the page says they are closed)."""
    return list(
        session.exec(
            select(User)
            .join(CaseloadLink, CaseloadLink.consultant_id == User.id)  # type: ignore[arg-type]
            .where(CaseloadLink.citizen_id == citizen_id)
            .order_by(User.name)
        ).all()
    )

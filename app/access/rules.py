"""The one answer to "may this user see this citizen?"."""

from sqlmodel import Session, select

from app.access import audit
from app.core.memo import Missing
from app.core.row_cache import reader, session_caches
from app.models import CaseloadLink, NetworkLink, Role, User


class NotVisible(Exception):
    """Raised when a user asks for a citizen they may not see. Answered as 404, never 403,
    so that someone probing ids cannot even learn which ones exist."""


def can_see_citizen(*, session: Session, user: User, citizen_id: int) -> bool:
    if user.role == Role.citizen:
        return user.id == citizen_id
    if user.role == Role.consultant:
        return _linked(session, user, citizen_id)
    return False


def _linked(session: Session, user: User, citizen_id: int) -> bool:
    """In the consultant's caseload, or in the citizen's network (from the process's copy)."""
    assert user.id is not None
    return session_caches(session).access.get_or_make(
        (user.id, str(user.role), citizen_id), lambda: _link_exists(session, user, citizen_id)
    )


def _link_exists(session: Session, user: User, citizen_id: int) -> bool:
    if user.role == Role.consultant:
        query = select(CaseloadLink.citizen_id).where(
            CaseloadLink.consultant_id == user.id, CaseloadLink.citizen_id == citizen_id
        )
    else:
        query = select(NetworkLink.citizen_id).where(
            NetworkLink.member_id == user.id, NetworkLink.citizen_id == citizen_id
        )
    return session.exec(query).first() is not None


def citizen_row(*, session: Session, citizen_id: int) -> User | None:
    """The citizen's user row: the process's shared, read-only copy."""
    caches = session_caches(session)
    found = caches.users.get(citizen_id)
    if not isinstance(found, Missing):
        return found if found.role == Role.citizen else None
    generation = caches.users.generation
    with reader(session) as own:
        user = own.get(User, citizen_id)
    if user is None:
        return None
    caches.share_user(user, generation)
    return user if user.role == Role.citizen else None


def visible_citizen(*, session: Session, user: User, citizen_id: int) -> User:
    """The citizen, if `user` may see them; otherwise NotVisible (answered 404). Every access by
    someone other than the citizen is written to the audit trail the citizen can read."""
    if not can_see_citizen(session=session, user=user, citizen_id=citizen_id):
        raise NotVisible(citizen_id)
    return _let_in(session, user, citizen_id)


def _let_in(session: Session, user: User, citizen_id: int) -> User:
    citizen = citizen_row(session=session, citizen_id=citizen_id)
    if citizen is None:
        raise NotVisible(citizen_id)
    if user.id != citizen_id:
        audit.record_access(session=session, actor=user, citizen_id=citizen_id)
    return citizen


def visible_board(*, session: Session, user: User, citizen_id: int) -> User:
    """The citizen whose board `user` may open: as `visible_citizen`, and also for a member of
    the citizen's network, who may open the board (read-only, shared cards only) and nothing
    else of the citizen's. Every other citizen route keeps using `visible_citizen`."""
    if user.role == Role.network:
        if not _linked(session, user, citizen_id):
            raise NotVisible(citizen_id)
        return _let_in(session, user, citizen_id)
    return visible_citizen(session=session, user=user, citizen_id=citizen_id)


def caseload(*, session: Session, consultant: User) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(CaseloadLink, CaseloadLink.citizen_id == User.id)  # type: ignore[arg-type]
            .where(CaseloadLink.consultant_id == consultant.id)
            .order_by(User.name)
        ).all()
    )

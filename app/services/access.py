"""The one answer to "may this user see this citizen?"."""

from sqlmodel import Session, select

from app.models import CaseloadLink, NetworkLink, Role, User
from app.services import audit


class NotVisible(Exception):
    """Raised when a user asks for a citizen they may not see. Answered as 404, never 403,
    so that someone probing ids cannot even learn which ones exist."""


def can_see_citizen(*, session: Session, user: User, citizen_id: int) -> bool:
    if user.role == Role.citizen:
        return user.id == citizen_id
    if user.role == Role.consultant:
        link = session.exec(
            select(CaseloadLink).where(
                CaseloadLink.consultant_id == user.id, CaseloadLink.citizen_id == citizen_id
            )
        ).first()
        return link is not None
    return False


def visible_citizen(*, session: Session, user: User, citizen_id: int) -> User:
    """The citizen, if `user` may see them; otherwise NotVisible (answered 404). Every access by
    someone other than the citizen is written to the audit trail the citizen can read."""
    if not can_see_citizen(session=session, user=user, citizen_id=citizen_id):
        raise NotVisible(citizen_id)
    citizen = session.get(User, citizen_id)
    if citizen is None or citizen.role != Role.citizen:
        raise NotVisible(citizen_id)
    if user.id != citizen_id:
        audit.record(session=session, actor=user, citizen_id=citizen_id)
    return citizen


def visible_board(*, session: Session, user: User, citizen_id: int) -> User:
    """The citizen whose board `user` may open: as `visible_citizen`, and also for a member of
    the citizen's network, who may open the board (read-only, shared cards only) and nothing
    else of the citizen's. Every other citizen route keeps using `visible_citizen`."""
    if user.role == Role.network and user.id is not None:
        if session.get(NetworkLink, (citizen_id, user.id)) is None:
            raise NotVisible(citizen_id)
        citizen = session.get(User, citizen_id)
        if citizen is None or citizen.role != Role.citizen:
            raise NotVisible(citizen_id)
        audit.record(session=session, actor=user, citizen_id=citizen_id)
        return citizen
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

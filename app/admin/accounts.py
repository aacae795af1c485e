"""Account administration: staff accounts and caseload links. Admins manage people, never plans."""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app.access import audit
from app.access.changes import access_changed
from app.catalogue import N_
from app.core.db import lock_person
from app.core.security import hash_secret
from app.core.wording import cleaned, problem
from app.identity.passwords import one_time_password
from app.live.unit_of_work import unit_of_work
from app.models import AuthSession, CaseloadLink, Role, User
from app.models.base import utcnow

NAME_MAX = 120
EMAIL_MAX = 254
PASSWORD_MIN = 10
STAFF_ROLES = (Role.consultant, Role.manager, Role.admin)


class AccountError(ValueError):
    """Carries field -> untranslated message; the route translates it for the viewer."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class StaffInput:
    name: str
    email: str
    role: str
    password: str


def all_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.role), col(User.name))).all())


def consultants_by_citizen(*, session: Session) -> dict[int, list[User]]:
    """Each citizen's consultants, by name: what the accounts page lists (names, never plans)."""
    rows = session.exec(
        select(CaseloadLink.citizen_id, User)
        .join(User, col(User.id) == col(CaseloadLink.consultant_id))
        .order_by(col(User.name))
    ).all()
    found: dict[int, list[User]] = {}
    for citizen_id, consultant in rows:
        found.setdefault(citizen_id, []).append(consultant)
    return found


def create_staff(*, session: Session, data: StaffInput, must_change: bool = False) -> User:
    """`must_change`: the password was chosen for them; they choose their own at first sign-in."""
    errors: dict[str, str] = {}
    name, email = cleaned(data.name), data.email.strip().lower()
    if wrong := problem(name):
        errors["name"] = wrong
    elif not name:
        errors["name"] = N_("Write a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = N_("The name is too long.")
    if not email or "@" not in email or len(email) > EMAIL_MAX:
        errors["email"] = N_("Write a valid email address, like name@example.dk.")
    if data.role not in {r.value for r in STAFF_ROLES}:
        errors["role"] = N_("Choose a role.")
    if len(data.password) < PASSWORD_MIN:
        errors["password"] = N_("The password must have at least 10 characters.")
    if errors:
        raise AccountError(errors)
    user = User(
        name=name,
        email=email,
        role=Role(data.role),
        password_hash=hash_secret(data.password),
        password_must_change=must_change,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AccountError({"email": N_("Someone already uses that email address.")}) from None
    return user


def _consultant(session: Session, consultant_id: int, field: str = "consultant") -> User:
    consultant = session.get(User, consultant_id)
    if consultant is None or consultant.role != Role.consultant:
        raise AccountError({field: N_("Choose a consultant.")})
    return consultant


def _citizen(session: Session, citizen_id: int) -> User:
    citizen = session.get(User, citizen_id)
    if citizen is None or citizen.role != Role.citizen:
        raise AccountError({"citizen": N_("Choose a citizen.")})
    return citizen


def _told(session: Session, by: User, citizen_id: int, what: str, about: User) -> None:
    """An entry in the citizen's own trail: who changed who has access to their plan."""
    audit.add(
        session=session,
        actor=by,
        citizen_id=citizen_id,
        action="access",
        target=what,
        subject_name=about.name,
    )


def assign(*, session: Session, consultant_id: int, citizen_id: int, by: User | None = None) -> None:
    consultant = _consultant(session, consultant_id)
    _citizen(session, citizen_id)
    if not consultant.active:
        # A closed account sees nothing; the citizen would be left with no one to talk to.
        raise AccountError({"consultant": N_("That consultant's account is closed. Choose an open one.")})
    if session.get(CaseloadLink, (consultant_id, citizen_id)) is None:
        with unit_of_work(session) as work:
            session.add(CaseloadLink(consultant_id=consultant_id, citizen_id=citizen_id))
            _told(session, by or consultant, citizen_id, "access:caseload:added", consultant)
            # The board names its consultants; the consultant's caseload lists the citizen.
            access_changed(work, boards=[citizen_id], caseloads=[consultant_id])


def unassign(*, session: Session, consultant_id: int, citizen_id: int, by: User) -> bool:
    """The consultant no longer works with the citizen: their open views of the citizen end at
    once. Returns False when they did not."""
    consultant = _consultant(session, consultant_id)
    _citizen(session, citizen_id)
    link = session.get(CaseloadLink, (consultant_id, citizen_id))
    if link is None:
        return False
    with unit_of_work(session) as work:
        session.delete(link)
        _told(session, by, citizen_id, "access:caseload:removed", consultant)
        access_changed(work, boards=[citizen_id], caseloads=[consultant_id])
    return True


def transfer(*, session: Session, from_id: int, to_id: int, by: User) -> int:
    """Every citizen of one consultant (who leaves, say) goes to another, so each keeps one
    contact person. One unit of work; returns how many citizens moved."""
    leaving = _consultant(session, from_id, "from")
    taking = _consultant(session, to_id, "to")
    if from_id == to_id:
        raise AccountError({"to": N_("Choose another consultant to take over.")})
    if not taking.active:
        raise AccountError({"to": N_("That consultant's account is closed. Choose an open one.")})
    links = session.exec(select(CaseloadLink).where(CaseloadLink.consultant_id == from_id)).all()
    citizens = [link.citizen_id for link in links]
    if not citizens:
        raise AccountError({"from": N_("That consultant has no citizens to move.")})
    with unit_of_work(session) as work:
        for link in links:
            session.delete(link)
            _told(session, by, link.citizen_id, "access:caseload:removed", leaving)
            if session.get(CaseloadLink, (to_id, link.citizen_id)) is None:
                session.add(CaseloadLink(consultant_id=to_id, citizen_id=link.citizen_id))
                _told(session, by, link.citizen_id, "access:caseload:added", taking)
        access_changed(work, boards=citizens, caseloads=[from_id, to_id])
    return len(citizens)


def set_active(*, session: Session, user_id: int, active: bool, by: User) -> User:
    """Closes (or opens again) a staff account. Closing ends every session and open view of it
    at once, in every process, and sign-in is refused until it is opened again; nothing else
    changes, so opening it again restores what it had. The citizens it worked with see it."""
    if user_id == by.id:
        raise AccountError({"account": N_("You cannot close your own account.")})
    # Read under the account's own lock: two clicks at once close it (and tell it) once.
    lock_person(session, user_id)
    user = session.get(User, user_id, populate_existing=True)
    if user is None or user.role not in STAFF_ROLES:
        session.rollback()
        raise AccountError({"account": N_("Choose a staff account.")})
    if user.active == active:
        session.commit()
        return user
    citizens = list(
        session.exec(select(CaseloadLink.citizen_id).where(CaseloadLink.consultant_id == user_id)).all()
    )
    what = "access:staff:opened" if active else "access:staff:closed"
    with unit_of_work(session) as work:
        user.deactivated_at = None if active else utcnow()
        session.add(user)
        if not active:
            session.exec(delete(AuthSession).where(col(AuthSession.user_id) == user_id))
        audit.add(
            session=session, actor=by, citizen_id=None, action="access", target=what, subject_name=user.name
        )
        for citizen_id in citizens:
            _told(session, by, citizen_id, what, user)
        access_changed(work, people=[user_id], caseloads=[user_id], boards=citizens)
    return user


def create_first_admin(*, session: Session, email: str, name: str) -> tuple[User, str]:
    """An administrator with a one-time password, to be changed at the first sign-in
    (`python -m app create-admin`). Returns the account and the password, shown once."""
    password = one_time_password()
    user = create_staff(
        session=session,
        data=StaffInput(name=name, email=email, role=Role.admin.value, password=password),
        must_change=True,
    )
    return user, password

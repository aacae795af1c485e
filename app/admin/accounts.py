"""Account administration: staff accounts and caseload links. Admins manage people, never plans."""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.access.changes import access_changed
from app.catalogue import N_
from app.core.security import hash_secret
from app.live.unit_of_work import unit_of_work
from app.models import CaseloadLink, Role, User

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


def create_staff(*, session: Session, data: StaffInput) -> User:
    errors: dict[str, str] = {}
    name, email = data.name.strip(), data.email.strip().lower()
    if not name:
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
    user = User(name=name, email=email, role=Role(data.role), password_hash=hash_secret(data.password))
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AccountError({"email": N_("Someone already uses that email address.")}) from None
    return user


def assign(*, session: Session, consultant_id: int, citizen_id: int) -> None:
    consultant = session.get(User, consultant_id)
    citizen = session.get(User, citizen_id)
    if consultant is None or consultant.role != Role.consultant:
        raise AccountError({"consultant": N_("Choose a consultant.")})
    if citizen is None or citizen.role != Role.citizen:
        raise AccountError({"citizen": N_("Choose a citizen.")})
    if session.get(CaseloadLink, (consultant_id, citizen_id)) is None:
        with unit_of_work(session) as work:
            session.add(CaseloadLink(consultant_id=consultant_id, citizen_id=citizen_id))
            # The board names its consultants; the consultant's caseload lists the citizen.
            access_changed(work, boards=[citizen_id], caseloads=[consultant_id])

"""The citizen's right to be erased: asked for on the privacy page, carried out or refused (with
a reason the citizen reads) by an administrator; and the retention rule, which erases a citizen
whose case was closed longer ago than the retention period."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.access import audit
from app.caseload.service import add_months
from app.catalogue import N_
from app.core.db import lock_person
from app.core.wording import cleaned, problem
from app.models import ErasureRequest, ErasureStatus, Role, User
from app.models.base import utcnow
from app.models.erasure import REASON_MAX
from app.privacy.service import erase_citizen


class ErasureError(ValueError):
    """Carries field -> untranslated message; the route translates it for the viewer."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def latest(*, session: Session, citizen_id: int) -> ErasureRequest | None:
    return session.exec(
        select(ErasureRequest)
        .where(ErasureRequest.citizen_id == citizen_id)
        .order_by(col(ErasureRequest.requested_at).desc(), col(ErasureRequest.id).desc())
    ).first()


def ask(*, session: Session, citizen: User) -> ErasureRequest:
    """The citizen asks to be erased. Asking again while a request waits changes nothing, also
    twice at once (a double tap): the look for a waiting request and the new one are one step."""
    assert citizen.id is not None
    lock_person(session, citizen.id)
    waiting = latest(session=session, citizen_id=citizen.id)
    if waiting is not None and waiting.status == ErasureStatus.waiting:
        return waiting
    request = ErasureRequest(citizen_id=citizen.id)
    session.add(request)
    audit.add(
        session=session, actor=citizen, citizen_id=citizen.id, action="erasure", target="erasure:requested"
    )
    session.commit()
    return request


@dataclass(frozen=True)
class Waiting:
    request: ErasureRequest
    citizen: User


def queue(*, session: Session) -> list[Waiting]:
    """The administrators' queue: waiting requests, oldest first."""
    rows = session.exec(
        select(ErasureRequest, User)
        .join(User, col(User.id) == col(ErasureRequest.citizen_id))
        .where(ErasureRequest.status == ErasureStatus.waiting)
        .order_by(col(ErasureRequest.requested_at), col(ErasureRequest.id))
    ).all()
    return [Waiting(request=request, citizen=citizen) for request, citizen in rows]


def waiting_request(*, session: Session, request_id: int) -> Waiting | None:
    request = session.get(ErasureRequest, request_id)
    if request is None or request.status != ErasureStatus.waiting:
        return None
    citizen = session.get(User, request.citizen_id)
    return Waiting(request=request, citizen=citizen) if citizen is not None else None


def refuse(*, session: Session, waiting: Waiting, by: User, reason: str) -> None:
    """Refused, with the reason in the administrator's words: the citizen reads it."""
    reason = cleaned(reason, multiline=True)
    if wrong := problem(reason):
        raise ErasureError({"reason": wrong})
    if not reason:
        raise ErasureError({"reason": N_("Write why, so the citizen can read it.")})
    if len(reason) > REASON_MAX:
        raise ErasureError({"reason": N_("Write it shorter. Use at most 1000 characters.")})
    request = waiting.request
    request.status = ErasureStatus.refused
    request.reason = reason
    request.decided_at = utcnow()
    request.decided_by_id = by.id
    session.add(request)
    audit.add(
        session=session, actor=by, citizen_id=request.citizen_id, action="erasure", target="erasure:refused"
    )
    session.commit()


# -- retention --------------------------------------------------------------------------------


def erase_on(closed_at: datetime, months: int) -> datetime:
    """When a case closed at `closed_at` is erased under a retention period of `months`."""
    return add_months(closed_at, months)


@dataclass(frozen=True)
class Due:
    citizen_id: int
    case_closed_at: datetime


def due(*, session: Session, months: int, now: datetime | None = None) -> list[Due]:
    """The citizens whose case closed at least `months` months ago, oldest first."""
    cutoff = add_months(now or utcnow(), -months)
    rows = session.exec(
        select(User.id, User.case_closed_at)
        .where(
            User.role == Role.citizen,
            col(User.case_closed_at).is_not(None),
            col(User.case_closed_at) <= cutoff,
        )
        .order_by(col(User.case_closed_at), col(User.id))
    ).all()
    return [Due(citizen_id=cid, case_closed_at=closed) for cid, closed in rows if cid is not None and closed]


def apply_retention(
    *, session: Session, months: int, dry_run: bool, now: datetime | None = None
) -> list[Due]:
    """Erases every citizen `due` (one erasure each, like an administrator's); with `dry_run`
    only says who would go. Returns them."""
    found = due(session=session, months=months, now=now)
    if dry_run:
        return found
    for item in found:
        citizen = session.get(User, item.citizen_id)
        if citizen is not None:
            erase_citizen(session=session, citizen=citizen, by=None)
    return found

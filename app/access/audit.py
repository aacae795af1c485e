"""The audit trail: every read and change of a citizen's data by anyone but the citizen.

Routes do not have to remember it: `access.visible_citizen` records an entry whenever someone
other than the citizen is let in, naming the request (method and route template) that asked.

A change is recorded in the change's own transaction (and, should the request end without
committing, on its own when the request's session closes: `settle`). Reads of the same page by
the same person within a minute are one entry: a meeting screen that redraws the board fifty
times is one look, and the list the citizen reads stays readable."""

from collections.abc import MutableMapping
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import event, insert
from sqlmodel import Session, col, select

from app.core.driver import Prepared
from app.core.memo import Missing
from app.core.row_cache import session_caches
from app.models import AuditEntry, User
from app.models.base import utcnow

PENDING = "tavle_audit"

# Set per request by the security middleware; copied into the threadpool with the context.
current_scope: ContextVar[MutableMapping[str, Any] | None] = ContextVar("tavle_request_scope", default=None)


def describe_request() -> tuple[str, str]:
    """(action, target) for the request being served, e.g. ("read", "GET /citizens/{citizen_id}")."""
    scope = current_scope.get()
    if scope is None:
        return "read", ""
    method = scope.get("method", "GET")
    route = scope.get("route")
    path = getattr(route, "path", None) or scope.get("path", "")
    action = "read" if method in ("GET", "HEAD") else "change"
    return action, f"{method} {path}"[:300]


def record(
    *,
    session: Session,
    actor: User | None,
    citizen_id: int | None,
    action: str | None = None,
    target: str | None = None,
) -> None:
    described_action, described_target = describe_request()
    row = _row(actor, citizen_id, action or described_action, described_target if target is None else target)
    ADD_ENTRY.execute(session, row)
    session.commit()


def record_access(*, session: Session, actor: User, citizen_id: int) -> None:
    """Someone other than the citizen was let in to the citizen's data by this request."""
    action, target = describe_request()
    if action != "read":
        # Written by the change's own commit (`_carry`), or on its own by `settle`.
        session.info[PENDING] = _row(actor, citizen_id, action, target)
        return
    recent = session_caches(session).audited
    key = (actor.id, citizen_id, target)
    if not isinstance(recent.get(key), Missing):
        return
    generation = recent.generation
    ADD_ENTRY.execute(session, _row(actor, citizen_id, action, target))
    session.commit()
    recent.put(key, True, generation)


def settle(session: Session) -> None:
    """At the end of a request: a change's entry that no commit carried is written on its own."""
    if session.info.get(PENDING) is None:
        return
    session.rollback()
    session.commit()


# A plain insert (not an ORM row): a consultant's every change writes one, and the ORM's flush
# cost more than the change itself.
ADD_ENTRY = Prepared(insert(AuditEntry.__table__))  # type: ignore[attr-defined]
CARRIED = "tavle_audit_carried"


@event.listens_for(Session, "before_commit")
def _carry(session: Session) -> None:
    row = session.info.get(PENDING)
    if row is not None and not session.info.get(CARRIED):
        ADD_ENTRY.execute(session, row)
        session.info[CARRIED] = True


@event.listens_for(Session, "after_commit")
def _carried(session: Session) -> None:
    if session.info.pop(CARRIED, False):
        session.info.pop(PENDING, None)


@event.listens_for(Session, "after_rollback")
def _thrown_out(session: Session) -> None:
    # The entry went with the rollback: it is still to be written.
    session.info.pop(CARRIED, None)


def _row(actor: User | None, citizen_id: int | None, action: str, target: str) -> dict[str, Any]:
    return {
        "actor_id": actor.id if actor else None,
        "actor_name": actor.name if actor else "",
        "actor_role": str(actor.role) if actor else "system",
        "citizen_id": citizen_id,
        "action": action,
        "target": target,
        "at": utcnow(),
    }


def entries_for(*, session: Session, citizen_id: int, limit: int = 200) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.citizen_id == citizen_id)
            .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
            .limit(limit)
        ).all()
    )


def looked_since(*, session: Session, citizen_id: int, since: datetime) -> int:
    return len(
        session.exec(
            select(AuditEntry.id).where(AuditEntry.citizen_id == citizen_id, AuditEntry.at >= since)
        ).all()
    )

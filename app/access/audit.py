"""The audit trail: every read and change of a citizen's data by anyone but the citizen.

Routes do not have to remember it: `access.visible_citizen` records an entry whenever someone
other than the citizen is let in, naming the request (method and route template) that asked.

Each entry is written when the person is let in, before anything they change. Reads of the
same page by the same person within a minute are one entry: a meeting screen that redraws the
board fifty times is one look, and the list the citizen reads stays readable."""

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.core.request_scope import current_scope
from app.models import AuditEntry, User
from app.models.base import utcnow

SAME_LOOK = timedelta(minutes=1)
LIVE_SUFFIX = "/events"


def describe_request() -> tuple[str, str]:
    """(action, target) for the request being served, e.g. ("read", "GET /citizens/{citizen_id}");
    a live stream is named as its page ("/citizens/{citizen_id}/board/events" as ".../board")."""
    scope = current_scope.get()
    if scope is None:
        return "read", ""
    method = scope.get("method", "GET")
    route = scope.get("route")
    path = getattr(route, "path", None) or scope.get("path", "")
    # A page's live stream is the same look as the page that opens it: one entry, not two.
    path = path.removesuffix(LIVE_SUFFIX)
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
    session.add(AuditEntry(**row))
    session.commit()


def add(
    *,
    session: Session,
    actor: User | None,
    citizen_id: int | None,
    action: str,
    target: str,
    subject_name: str = "",
) -> None:
    """An entry written with the change it tells of, in the same transaction (a unit of work
    commits it): "consent", "access" (who may see the plan changed) or "erasure"."""
    session.add(AuditEntry(**_row(actor, citizen_id, action, target), subject_name=subject_name[:120]))


def record_access(*, session: Session, actor: User, citizen_id: int) -> None:
    """Someone other than the citizen was let in to the citizen's data by this request. Reads of
    the same page by the same person within a minute are one entry."""
    action, target = describe_request()
    if action == "read":
        recent = session.exec(
            select(AuditEntry.id).where(
                AuditEntry.actor_id == actor.id,
                AuditEntry.citizen_id == citizen_id,
                AuditEntry.target == target,
                AuditEntry.action == "read",
                col(AuditEntry.at) > utcnow() - SAME_LOOK,
            )
        ).first()
        if recent is not None:
            return
    session.add(AuditEntry(**_row(actor, citizen_id, action, target)))
    session.commit()


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

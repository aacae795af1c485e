"""The audit trail: every read and change of a citizen's data by anyone but the citizen.

Routes do not have to remember it: `access.visible_citizen` records an entry whenever someone
other than the citizen is let in, naming the request (method and route template) that asked."""

from collections.abc import MutableMapping
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.models import AuditEntry, User

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
    session.add(
        AuditEntry(
            actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "",
            actor_role=str(actor.role) if actor else "system",
            citizen_id=citizen_id,
            action=action or described_action,
            target=target if target is not None else described_target,
        )
    )
    session.commit()


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

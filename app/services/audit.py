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

from sqlalchemy import event, inspect
from sqlmodel import Session, col, select

from app.memo import Missing
from app.models import AuditEntry, User
from app.services.row_cache import session_caches

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
    session.add(
        _entry(actor, citizen_id, action or described_action, described_target if target is None else target)
    )
    session.commit()


def record_access(*, session: Session, actor: User, citizen_id: int) -> None:
    """Someone other than the citizen was let in to the citizen's data by this request."""
    action, target = describe_request()
    entry = _entry(actor, citizen_id, action, target)
    if action != "read":
        session.add(entry)
        session.info[PENDING] = entry
        return
    recent = session_caches(session).audited
    key = (actor.id, citizen_id, target)
    if not isinstance(recent.get(key), Missing):
        return
    generation = recent.generation
    session.add(entry)
    session.commit()
    recent.put(key, True, generation)


def settle(session: Session) -> None:
    """At the end of a request: a change's entry that no commit carried is written on its own."""
    entry: AuditEntry | None = session.info.pop(PENDING, None)
    if entry is None:
        return
    session.rollback()
    session.add(_entry_like(entry))
    session.commit()


@event.listens_for(Session, "after_commit")
def _carried(session: Session) -> None:
    entry = session.info.get(PENDING)
    # Written by this commit, unless a rollback in between had thrown it out.
    if entry is not None and inspect(entry).has_identity:
        del session.info[PENDING]


def _entry(actor: User | None, citizen_id: int | None, action: str, target: str) -> AuditEntry:
    return AuditEntry(
        actor_id=actor.id if actor else None,
        actor_name=actor.name if actor else "",
        actor_role=str(actor.role) if actor else "system",
        citizen_id=citizen_id,
        action=action,
        target=target,
    )


def _entry_like(entry: AuditEntry) -> AuditEntry:
    """A new row saying the same (the rollback threw the first one out of the session)."""
    return AuditEntry.model_validate(entry.model_dump(exclude={"id"}))


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

"""The citizen's rights: everything Tavle holds about them (export), and erasure.

Both walk the schema instead of listing tables by hand, so a table added later is exported and
erased without anyone remembering to: a row belongs to the citizen when it has the citizen's id in
a `citizen_id` column, or points (by foreign key) to a row that belongs to them."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, or_, select
from sqlmodel import Session, SQLModel, col

from app import clock
from app.access import audit
from app.access.rules import consultants_of
from app.board.changes import board_change
from app.live.hub import ACCESS, Event, person_channel
from app.models import AuditEntry, LoginThrottle, User
from app.network.service import Member, network_members

USER_TABLE = "app_user"
# Secrets and security bookkeeping are not "data about the citizen" and never leave the server.
SECRET_COLUMN_PARTS = ("hash", "digest", "token", "secret", "public_key", "challenge")
NOT_EXPORTED = {"auth_session", "login_throttle"}


@dataclass(frozen=True)
class WhoHasAccess:
    """The people who could see the citizen's plan, or part of it, if the citizen consents."""

    consultants: list[User]
    members: list[Member]


def who_has_access(*, session: Session, citizen_id: int) -> WhoHasAccess:
    return WhoHasAccess(
        consultants=consultants_of(session=session, citizen_id=citizen_id),
        members=network_members(session=session, citizen_id=citizen_id),
    )


def _tables() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name != USER_TABLE]


def _owned_rows(session: Session, citizen_id: int) -> dict[str, list[dict[str, Any]]]:
    """Rows per table that belong to the citizen, parents before children."""
    owned: dict[str, list[dict[str, Any]]] = {}
    owned_keys: dict[str, set[Any]] = {USER_TABLE: {citizen_id}}
    for table in _tables():
        conditions = []
        if "citizen_id" in table.c:
            conditions.append(table.c.citizen_id == citizen_id)
        if "user_id" in table.c:
            conditions.append(table.c.user_id == citizen_id)
        for fk in table.foreign_keys:
            parent = fk.column.table.name
            if parent != USER_TABLE and owned_keys.get(parent):
                conditions.append(fk.parent.in_(owned_keys[parent]))
        if not conditions:
            continue
        rows = [dict(r._mapping) for r in session.execute(select(table).where(or_(*conditions)))]
        if not rows:
            continue
        owned[table.name] = rows
        pk = list(table.primary_key.columns)
        if len(pk) == 1:
            owned_keys[table.name] = {row[pk[0].name] for row in rows}
    return owned


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: _plain(value)
        for key, value in row.items()
        if not any(part in key for part in SECRET_COLUMN_PARTS)
    }


def export_citizen(*, session: Session, citizen: User) -> dict[str, Any]:
    """Everything about the citizen, table by table, as plain JSON-ready data."""
    assert citizen.id is not None
    rows = _owned_rows(session, citizen.id)
    person = _public({c.name: getattr(citizen, c.name) for c in User.__table__.columns})  # type: ignore[attr-defined]
    return {
        "format": "tavle-export/1",
        "exported_at": clock.local(clock.now()).isoformat(),
        "citizen": person,
        "tables": {
            name: [_public(row) for row in table_rows]
            for name, table_rows in rows.items()
            if name not in NOT_EXPORTED
        },
    }


def erase_citizen(*, session: Session, citizen: User, by: User | None) -> None:
    """Deletes every row about the citizen in every table, then the citizen. What stays is one
    audit entry that says an erasure happened and who did it (`by`; None: the retention rule),
    without the person's data."""
    citizen_id = citizen.id
    assert citizen_id is not None
    actor_id = by.id if by is not None else None
    # A board change like any other (its last): every open view checks again, finds nothing
    # and ends, in every process. Network members and consultants lose it the same way.
    with board_change(session, citizen_id=citizen_id, kind="board", actor_id=actor_id) as change:
        owned = _owned_rows(session, citizen_id)
        by_name = {t.name: t for t in _tables()}
        for name in reversed(list(owned)):
            table = by_name[name]
            pk = list(table.primary_key.columns)
            for row in owned[name]:
                session.execute(delete(table).where(*(c == row[c.name] for c in pk)))
        _forget_sign_in(session, citizen)
        session.execute(delete(AuditEntry).where(col(AuditEntry.citizen_id) == citizen_id))
        session.delete(citizen)
        change.publish(Event(channel=person_channel(citizen_id), version=0, kind=ACCESS))
    target = "citizen erased" if by is not None else "citizen erased: retention period over"
    audit.record(session=session, actor=by, citizen_id=None, action="erase", target=target)


def _forget_sign_in(session: Session, citizen: User) -> None:
    keys: Iterable[str] = [f"code:{citizen.invitation_digest}"] if citizen.invitation_digest else []
    for key in keys:
        throttle = session.get(LoginThrottle, key)
        if throttle is not None:
            session.delete(throttle)

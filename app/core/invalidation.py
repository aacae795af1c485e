"""Keeps the row caches (`app.core.row_cache`) true: every commit that changes a cached
table drops the copies it touched.

It listens to every ORM session, so no service has to remember: rows added, changed or deleted
through the ORM name their keys; a bulk UPDATE or DELETE through a session drops the whole
table's copies. With PostgreSQL the same changes are NOTIFYed inside the transaction, so other
processes drop theirs the moment it commits. (Writes that bypass the ORM session, such as raw
SQL on a bare connection, are caught only by the caches' age limit.)"""

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from app.core.row_cache import SEEN, SESSIONS, TABLES, USERS, Changes, caches_for
from app.live import hub_for
from app.models import AuthSession, BoardSeen, CaseloadLink, NetworkLink, User

PENDING = "tavle_changes"


class SharedUserChanged(Exception):
    """A shared, read-only copy of a user was put into a session (load the row to change it)."""


def _key(instance: object, deleted: bool) -> tuple[str, Any] | None:
    if isinstance(instance, AuthSession):
        return SESSIONS, instance.token_digest
    if isinstance(instance, User):
        # A deleted person takes their sessions, access and looks with them.
        return USERS, None if deleted else instance.id
    if isinstance(instance, BoardSeen):
        return SEEN, (instance.user_id, instance.citizen_id)
    if isinstance(instance, CaseloadLink | NetworkLink):
        return type(instance).__tablename__, None
    return None


def _note(session: Session, table: str, key: Any) -> dict[str, set[Any] | None]:
    """Adds to what the session's transaction changed; returns the change alone."""
    pending: Changes = session.info.setdefault(PENDING, {})
    if key is None or pending.get(table, set()) is None:
        pending[table] = None
        return {table: None}
    keys = pending.setdefault(table, set())
    assert keys is not None
    keys.add(key)
    return {table: {key}}


def _share(session: Session, changes: Changes) -> None:
    bind = session.get_bind()
    hub = hub_for(bind if isinstance(bind, Engine) else getattr(bind, "engine", None))
    if hub is not None:
        hub.share_invalidation(session, changes)


def _merge(into: Changes, changes: Changes) -> None:
    for table, keys in changes.items():
        if keys is None or into.get(table, set()) is None:
            into[table] = None
        else:
            current = into.setdefault(table, set())
            assert current is not None
            current.update(keys)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    changes: Changes = {}
    for instances, deleted in ((session.new, False), (session.dirty, False), (session.deleted, True)):
        for instance in instances:
            found = _key(instance, deleted)
            if found is not None:
                _merge(changes, _note(session, *found))
    if changes:
        _share(session, changes)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in TABLES:
        _share(state.session, _note(state.session, table, None))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    changes = session.info.pop(PENDING, None)
    if changes:
        caches_for(session.get_bind()).apply(changes)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


@event.listens_for(Session, "before_attach")
def _refuse_shared(session: Session, instance: object) -> None:
    caches = caches_for(session.get_bind())
    if isinstance(instance, User) and caches.is_shared(instance):
        # It may have been changed already: no one else gets it again.
        caches.users.drop([instance.id or 0])
        raise SharedUserChanged(instance.id)

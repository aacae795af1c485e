"""Statements run on the driver's cursor (app.core.driver) store exactly what SQLAlchemy would, in the
session's transaction, on both databases."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, func, insert, select, text, update
from sqlmodel import Session, col

from app.core.db import _SerialisedWriter, make_engine
from app.core.driver import Prepared
from app.models import AuditEntry, Board
from tests import factories

_entries = AuditEntry.__table__  # type: ignore[attr-defined]


def _entry(citizen_id: int, target: str) -> dict[str, object]:
    at = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)
    return {
        "actor_id": None,
        "actor_name": "Æble “Ø” Å",
        "actor_role": "system",
        "citizen_id": citizen_id,
        "action": "change",
        "target": target,
        "at": at,
    }


def test_an_insert_stores_what_sqlalchemy_stores(db: Session) -> None:
    citizen = factories.citizen(db)
    assert citizen.id is not None
    db.connection().execute(insert(_entries), _entry(citizen.id, "core"))
    Prepared(insert(_entries)).execute(db, _entry(citizen.id, "driver"))
    db.commit()
    # As stored, not as read back: SQLite keeps a timestamp as text, and its format must match.
    rows = db.connection().execute(
        text(
            "SELECT target, actor_name, actor_role, action, citizen_id, CAST(at AS TEXT) "
            "FROM audit_entry WHERE target IN ('core', 'driver') ORDER BY target"
        )
    )
    core, driver = (tuple(row[1:]) for row in rows)
    assert driver == core
    loaded = db.exec(select(AuditEntry).where(col(AuditEntry.target) == "driver")).one()[0]
    assert loaded.at == datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)


def test_an_update_returns_its_value_and_keeps_constants_of_the_statement(db: Session) -> None:
    citizen = factories.citizen(db)
    db.connection().execute(update(Board).where(col(Board.citizen_id) == citizen.id).values(version=7))
    db.commit()
    raise_version = Prepared(
        update(Board)
        .where(col(Board.citizen_id) == bindparam("board"))
        .values(version=col(Board.version) + 2, updated_at=bindparam("now"))
        .returning(col(Board.version))
    )
    assert raise_version.execute(db, {"board": citizen.id, "now": datetime.now(UTC)}) == 9
    assert raise_version.execute(db, {"board": -1, "now": datetime.now(UTC)}) is None
    db.rollback()
    assert db.exec(select(Board.version).where(col(Board.citizen_id) == citizen.id)).one()[0] == 7


def test_many_rows_in_one_call_and_none_for_no_rows(db: Session) -> None:
    citizen = factories.citizen(db)
    assert citizen.id is not None
    add = Prepared(insert(_entries))
    add.executemany(db, [_entry(citizen.id, f"many {n}") for n in range(3)])
    add.executemany(db, [])
    db.commit()
    count = select(func.count()).select_from(_entries).where(_entries.c.target.like("many %"))
    assert db.connection().execute(count).scalar() == 3


def test_a_column_left_to_a_default_made_in_python_is_refused(db: Session) -> None:
    """Board.version has a default SQLAlchemy makes in Python: the driver would not make it."""
    citizen = factories.citizen(db)
    with pytest.raises(ValueError, match="default made in Python"):
        Prepared(insert(Board)).execute(db, {"citizen_id": citizen.id, "updated_at": datetime.now(UTC)})
    db.rollback()


def test_a_write_takes_the_sqlite_write_lock_until_the_commit(tmp_path: Path) -> None:
    """Like every write through SQLAlchemy (app.core.db): the next writer waits for the commit."""
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    tally = Table("tally", MetaData(), Column("n", Integer))
    tally.create(engine)
    with Session(engine) as session:
        Prepared(insert(tally)).execute(session, {"n": 1})
        dbapi = session.connection().connection.dbapi_connection
        assert isinstance(dbapi, _SerialisedWriter) and dbapi.holds_write_lock
        assert dbapi.write_lock.locked()
        session.commit()
        assert not dbapi.write_lock.locked()
    with Session(engine) as session:
        assert session.connection().execute(select(tally.c.n)).scalars().all() == [1]
    engine.dispose()

"""Sessions: how long they last without use, and how seldom their use is written down."""

from datetime import timedelta

from sqlmodel import Session, select

from app.core.config import Settings
from app.identity.sessions import touch_every
from app.models import AuthSession
from app.models.base import utcnow
from tests import factories
from tests.conftest import Client


def _record(db: Session, user_id: int | None) -> AuthSession:
    db.expire_all()
    record = db.exec(select(AuthSession).where(AuthSession.user_id == user_id)).one()
    return record


def _set_last_seen(db: Session, user_id: int | None, ago: timedelta) -> None:
    record = _record(db, user_id)
    record.last_seen_at = utcnow() - ago
    db.add(record)
    db.commit()  # drops the process's copy, as any change to a session does


def test_a_session_unused_for_longer_than_the_idle_limit_has_ended(
    client: Client, db: Session, settings: Settings
) -> None:
    citizen = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    board = f"/citizens/{citizen.id}/board"
    _set_last_seen(db, citizen.id, timedelta(minutes=settings.session_idle_minutes - 1))
    assert client.get(board).status_code == 200
    _set_last_seen(db, citizen.id, timedelta(minutes=settings.session_idle_minutes + 1))
    answer = client.get(board, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_use_is_written_down_only_once_per_touch_interval(
    client: Client, db: Session, settings: Settings
) -> None:
    assert touch_every(settings) == timedelta(minutes=5)  # a 24th of the default two hours
    citizen = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    board = f"/citizens/{citizen.id}/board"
    _set_last_seen(db, citizen.id, timedelta(minutes=4))
    written = _record(db, citizen.id).last_seen_at
    assert client.get(board).status_code == 200
    assert _record(db, citizen.id).last_seen_at == written
    _set_last_seen(db, citizen.id, timedelta(minutes=6))
    assert client.get(board).status_code == 200
    assert utcnow() - _record(db, citizen.id).last_seen_at < timedelta(seconds=30)

"""Double taps: the same change posted from several threads let go by one barrier, against a
live server, on SQLite and PostgreSQL. Each look-then-write about one person runs under that
person's own lock (app.core.db.lock_person), so the change is made, and told in the citizen's
trail, once: a consent, a request to be erased, a closed case, a closed account."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, select

from app.models import AuditEntry, ConsentRecord, ErasureRequest, Role, User
from tests import factories
from tests.board.test_concurrent_changes import at_once
from tests.live import LiveServer, Visitor

TAPS = 6


@pytest.fixture
def anna(db: Session) -> User:
    mette = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    return factories.citizen(db, mette, name="Anna Jensen", code="ANNA")


@pytest.fixture
def browsers(live_server: LiveServer) -> Iterator[list[Visitor]]:
    made = [Visitor(live_server) for _ in range(TAPS)]
    yield made
    for browser in made:
        browser.close()


def _all_at_once(browsers: list[Visitor], url: str, data: dict[str, str] | None = None) -> None:
    answers = at_once(*((browser, url, data or {}) for browser in browsers))
    assert [a.status_code for a in answers] == [303] * len(browsers), [a.text[:200] for a in answers]


def _told(db: Session, target: str) -> int:
    db.expire_all()
    return len(db.exec(select(AuditEntry).where(AuditEntry.target == target)).all())


def test_a_consent_withdrawn_many_times_at_once_is_withdrawn_once(
    db: Session, anna: User, browsers: list[Visitor]
) -> None:
    for browser in browsers:
        browser.sign_in_citizen("ANNA")
    _all_at_once(browsers, f"/citizens/{anna.id}/consent/consultant", {"given": "no"})
    answers = db.exec(
        select(ConsentRecord.given).where(ConsentRecord.citizen_id == anna.id).order_by(col(ConsentRecord.id))
    ).all()
    # The two yeses the citizen gave at the start, then one no.
    assert list(answers) == [True, True, False]
    assert _told(db, "consent:consultant:no") == 1


def test_erasure_asked_many_times_at_once_is_one_request(
    db: Session, anna: User, browsers: list[Visitor]
) -> None:
    for browser in browsers:
        browser.sign_in_citizen("ANNA")
    _all_at_once(browsers, f"/citizens/{anna.id}/erasure")
    assert len(db.exec(select(ErasureRequest).where(ErasureRequest.citizen_id == anna.id)).all()) == 1
    assert _told(db, "erasure:requested") == 1


def test_a_case_closed_many_times_at_once_is_closed_once(
    db: Session, anna: User, browsers: list[Visitor]
) -> None:
    for browser in browsers:
        browser.sign_in_staff("mette@example.dk")
    _all_at_once(browsers, f"/citizens/{anna.id}/case/close")
    assert _told(db, "case:closed") == 1


def test_an_account_closed_many_times_at_once_is_closed_once(
    db: Session, anna: User, browsers: list[Visitor]
) -> None:
    mette = db.exec(select(User).where(User.email == "mette@example.dk")).one()
    factories.staff(db, Role.admin, "admin@example.dk")
    for browser in browsers:
        browser.sign_in_staff("admin@example.dk")
    _all_at_once(browsers, f"/admin/staff/{mette.id}/close")
    # Told once to the citizen, once in the administrators' own trail.
    assert _told(db, "access:staff:closed") == 2
    db.expire_all()
    trail = db.exec(select(AuditEntry).where(AuditEntry.citizen_id == anna.id)).all()
    assert [e.target for e in trail if e.action == "access"] == ["access:staff:closed"]

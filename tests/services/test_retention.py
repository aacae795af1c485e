"""Retention: a citizen whose case was closed is erased when the retention period is over, by
`python -m app retention`; `--dry-run` shows who would go and erases nothing."""

from datetime import UTC, datetime

from sqlmodel import Session, select

from app.models import AuditEntry, User
from app.privacy import erasure
from tests import factories
from tests.test_commands import run_command

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_months_are_counted_on_the_calendar() -> None:
    assert erasure.erase_on(datetime(2026, 3, 31, 9, 0, tzinfo=UTC), 1) == datetime(
        2026, 4, 30, 9, 0, tzinfo=UTC
    )
    assert erasure.erase_on(datetime(2025, 12, 4, tzinfo=UTC), 12) == datetime(2026, 12, 4, tzinfo=UTC)
    assert erasure.erase_on(datetime(2024, 2, 29, tzinfo=UTC), 12) == datetime(2025, 2, 28, tzinfo=UTC)


def _closed(db: Session, name: str, when: datetime | None) -> User:
    person = factories.citizen(db, name=name)
    factories.challenge(db, person, title=f"Udfordring for {name}")
    person.case_closed_at = when
    db.add(person)
    db.commit()
    return person


def test_only_cases_closed_longer_ago_than_the_period_go_and_a_dry_run_erases_nothing(db: Session) -> None:
    old = _closed(db, "Gammel Sag", datetime(2025, 11, 30, tzinfo=UTC))
    exact = _closed(db, "Præcis Et År", datetime(2025, 12, 4, 12, 0, tzinfo=UTC))
    recent = _closed(db, "Ny Sag", datetime(2026, 1, 5, tzinfo=UTC))
    open_case = _closed(db, "Åben Sag", None)
    ids = [p.id for p in (old, exact, recent, open_case)]
    preview = erasure.apply_retention(session=db, months=12, dry_run=True, now=NOW)
    assert [d.citizen_id for d in preview] == ids[:2]
    db.expunge_all()
    assert all(db.get(User, i) is not None for i in ids)

    done = erasure.apply_retention(session=db, months=12, dry_run=False, now=NOW)
    assert [d.citizen_id for d in done] == ids[:2]
    db.expunge_all()
    assert [db.get(User, i) is not None for i in ids] == [False, False, True, True]
    trail = db.exec(select(AuditEntry).where(AuditEntry.action == "erase")).all()
    assert [(e.actor_role, e.target) for e in trail] == [
        ("system", "citizen erased: retention period over")
    ] * 2
    assert erasure.apply_retention(session=db, months=12, dry_run=False, now=NOW) == []


def test_the_retention_commands(database_url: str, db: Session) -> None:
    gone = _closed(db, "Lukket Lise", datetime(2020, 1, 1, tzinfo=UTC))
    kept = _closed(db, "Åben Ole", None)
    gone_id, kept_id = gone.id, kept.id
    dry = run_command(database_url, "retention", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"would erase citizen {gone_id} (case closed 2020-01-01)" in dry.stdout
    assert "Lukket Lise" not in dry.stdout
    assert "1 citizen would be erased: case closed 12 months ago or more." in dry.stdout
    db.expunge_all()
    assert db.get(User, gone_id) is not None

    real = run_command(database_url, "retention")
    assert real.returncode == 0, real.stderr
    assert f"erased citizen {gone_id}" in real.stdout
    assert "1 citizen erased" in real.stdout
    db.expunge_all()
    assert db.get(User, gone_id) is None and db.get(User, kept_id) is not None
    assert "0 citizens would be erased" in run_command(database_url, "retention", "--dry-run").stdout

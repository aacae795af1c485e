"""`python -m app notify --once`, as cron runs it: a round in a process of its own, on the real
clock, sends what is due to the real SMTP server the test started."""

from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from app import clock
from app.models import Channel, Meeting, NoticeSettings
from tests import factories
from tests.notice_services import Inbox
from tests.notices.conftest import confirmed
from tests.test_commands import run_command


def test_notify_once_sends_what_is_due(database_url: str, db: Session, inbox: Inbox) -> None:
    anna = factories.citizen(db, factories.consultant(db), locale="en")
    confirmed(db, anna, Channel.email, "anna@example.dk")
    assert anna.id is not None
    # Whatever the time of day the test runs at: no quiet hours for her.
    db.add(NoticeSettings(user_id=anna.id, quiet=False))
    db.add(Meeting(citizen_id=anna.id, at=clock.now() + timedelta(hours=3)))
    db.commit()
    smtp = {"TAVLE_SMTP_HOST": "127.0.0.1", "TAVLE_SMTP_PORT": str(inbox.port), "TAVLE_SMTP_TLS": "none"}

    done = run_command(database_url, "notify", "--once", env=smtp)

    assert done.returncode == 0, done.stderr
    assert "1 new notice; 1 sent" in done.stdout
    [mail] = inbox.to("anna@example.dk")
    assert str(mail.message["Subject"]).startswith("Reminder: you have a meeting")
    again = run_command(database_url, "notify", "--once", env=smtp)
    assert "0 new notices; 0 sent" in again.stdout
    assert len(inbox.to("anna@example.dk")) == 1


def test_vapid_keys_prints_a_key_pair() -> None:
    done = run_command("sqlite:///:memory:", "vapid-keys")
    assert done.returncode == 0
    assert done.stdout.startswith("TAVLE_VAPID_PRIVATE_KEY=")


def test_vapid_keys_keep_makes_the_pair_once_outside_git(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'tavle.db'}"
    first = run_command(database, "vapid-keys", "--keep")
    again = run_command(database, "vapid-keys", "--keep")
    assert first.returncode == again.returncode == 0, first.stderr
    kept = tmp_path / "vapid_private_key"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert first.stdout == again.stdout  # the same public key: made once, then kept
    assert f"kept in {kept}" in first.stdout

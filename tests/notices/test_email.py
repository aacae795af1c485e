"""A meeting tomorrow sends the citizen an e-mail that arrives at a real SMTP server, in her
language, with nothing from her plan in it; nothing is sent in her quiet hours, the notice comes
when they end; what fell due while no sender ran is sent, unless it is stale by then."""

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.models import Channel, Meeting, NoticeSettings, NoticeState
from tests import factories
from tests.conftest import FrozenClock
from tests.notice_services import Inbox
from tests.notices.conftest import PUBLIC_URL, citizen_with_email, confirmed, copenhagen, notices_of, notify

SECRET = "HEMMELIG-PLAN"


def test_a_meeting_tomorrow_sends_anna_an_email_in_danish_without_her_plan(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    mette = factories.consultant(db, name="Mette Hansen")
    anna = factories.citizen(db, mette, name="Anna Jensen", locale="da")
    factories.agreement(db, anna, what=f"Ringe til lægen {SECRET}")
    confirmed(db, anna, Channel.email, "anna@example.dk")
    assert anna.id is not None
    db.add(Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 3, 10, 0), note=f"Tal om {SECRET}"))
    db.commit()

    done = notify(engine, notify_settings)

    assert done.report.sent == 1, done
    [mail] = inbox.to("anna@example.dk")
    assert mail.message["Subject"] == "Påmindelse: Du har et møde i morgen kl. 10.00"
    assert mail.message["From"] == "tavle@kommune.example"
    assert mail.message["Content-Language"] == "da"
    assert f"Åbn Tavle: {PUBLIC_URL}/citizens/{anna.id}/meetings" in mail.text
    everything = mail.message.as_string() + mail.text
    assert SECRET not in everything
    assert "Ringe til lægen" not in everything and "Anna" not in everything
    # Sent exactly once: the next rounds find the same meeting and add nothing.
    frozen_clock.advance(timedelta(minutes=1))
    again = notify(engine, notify_settings)
    assert again.found == 0 and again.report.sent == 0
    assert len(inbox.to("anna@example.dk")) == 1


def test_english_for_a_citizen_who_reads_english(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 9, 30))
    sara = citizen_with_email(db, "sara@example.dk", locale="en", name="Sara Ahmed")
    assert sara.id is not None
    db.add(Meeting(citizen_id=sara.id, at=copenhagen(2026, 3, 2, 10, 15)))
    db.commit()

    notify(engine, notify_settings)

    [mail] = inbox.to("sara@example.dk")
    assert mail.message["Subject"] == "Reminder: you have a meeting today at 10:15"
    assert f"Open Tavle: {PUBLIC_URL}/citizens/{sara.id}/meetings" in mail.text


def test_nothing_in_quiet_hours_the_notice_comes_when_they_end(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    # Monday 21:30: Tuesday's 21:15 meeting is within a day, but Anna's quiet hours (the
    # default, 21:00-08:00) have begun.
    frozen_clock.set(copenhagen(2026, 3, 2, 21, 30))
    anna = citizen_with_email(db)
    assert anna.id is not None
    db.add(Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 3, 21, 15)))
    db.commit()

    first = notify(engine, notify_settings)
    assert first.found == 1 and first.report.postponed == 1 and first.report.sent == 0
    frozen_clock.set(copenhagen(2026, 3, 3, 7, 59))
    assert notify(engine, notify_settings).report.sent == 0
    assert inbox.to("anna@example.dk") == []

    frozen_clock.set(copenhagen(2026, 3, 3, 8, 0))
    assert notify(engine, notify_settings).report.sent == 1
    [mail] = inbox.to("anna@example.dk")
    assert mail.message["Subject"] == "Påmindelse: Du har et møde i dag kl. 21.15"


def test_quiet_hours_are_the_citizens_own(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 22, 0))
    anna = citizen_with_email(db)
    assert anna.id is not None
    db.add(Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 3, 12, 0)))
    db.add(NoticeSettings(user_id=anna.id, quiet=False))
    db.commit()

    assert notify(engine, notify_settings).report.sent == 1
    assert len(inbox.to("anna@example.dk")) == 1


def test_after_a_restart_what_fell_due_is_sent_unless_it_is_stale(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    # Sunday 22:30: Monday's 08:30 meeting is within a day; quiet hours hold the reminder.
    frozen_clock.set(copenhagen(2026, 3, 1, 22, 30))
    anna = citizen_with_email(db)
    assert anna.id is not None
    db.add(Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 2, 8, 30)))
    db.commit()
    assert notify(engine, notify_settings).report.postponed == 1

    # No sender runs all night. At 08:05 the day-ahead reminder is stale (the meeting is within
    # the hour); the hour-ahead one fell due at 07:30, in quiet hours, and goes now.
    frozen_clock.set(copenhagen(2026, 3, 2, 8, 5))
    done = notify(engine, notify_settings)

    assert done.report.sent == 1 and done.report.dropped == 1, done
    [mail] = inbox.to("anna@example.dk")
    assert mail.message["Subject"] == "Påmindelse: Du har et møde i dag kl. 08.30"
    states = {n.kind: n.state for n in notices_of(db, anna)}
    assert states == {"meeting_day": NoticeState.dropped, "meeting_hour": NoticeState.sent}


def test_a_moved_meeting_is_not_reminded_at_its_old_time(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 22, 0))
    anna = citizen_with_email(db)
    assert anna.id is not None
    meeting = Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 3, 12, 0))
    db.add(meeting)
    db.commit()
    notify(engine, notify_settings)  # postponed: quiet hours
    meeting.at = copenhagen(2026, 3, 10, 12, 0)
    db.add(meeting)
    db.commit()

    frozen_clock.set(copenhagen(2026, 3, 3, 8, 0))
    done = notify(engine, notify_settings)

    assert done.report.sent == 0 and done.report.dropped == 1
    assert inbox.to("anna@example.dk") == []


def test_no_notice_for_a_citizen_without_a_channel(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    anna = factories.citizen(db, factories.consultant(db), locale="da")
    assert anna.id is not None
    db.add(Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 3, 10, 0)))
    db.commit()

    assert notify(engine, notify_settings).found == 0
    assert inbox.received == [] and notices_of(db, anna) == []

"""`message_waiting`, the call the conversation makes: one notice per person and thread gathers
every message written before it goes out; at most one notice per thread per half hour; a thread
read in Tavle is not announced; staff get it in Tavle's own list, never outside."""

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.models import NoticeKind, NoticeState, User
from app.notices.outbox import message_read, message_waiting
from tests import factories
from tests.conftest import FrozenClock
from tests.notice_services import Inbox
from tests.notices.conftest import citizen_with_email, copenhagen, notices_of, notify


def _write(db: Session, to: User, thread: str, citizen: User) -> bool:
    assert to.id is not None
    added = message_waiting(
        session=db,
        recipient_id=to.id,
        thread=thread,
        link=f"/citizens/{citizen.id}/board",
        citizen_id=citizen.id,
    )
    db.commit()
    return added


def test_messages_in_one_thread_make_one_notice_until_it_is_sent(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    anna = citizen_with_email(db)

    assert _write(db, anna, "agreement:7", anna)
    assert not _write(db, anna, "agreement:7", anna)
    assert _write(db, anna, "agreement:8", anna)
    assert len(notices_of(db, anna)) == 2

    done = notify(engine, notify_settings)

    assert done.report.sent == 2
    mails = inbox.to("anna@example.dk")
    assert [m.message["Subject"] for m in mails] == ["Du har en ny besked i Tavle"] * 2

    # Ten minutes later a new message in thread 7 waits until half an hour after the last notice.
    frozen_clock.advance(timedelta(minutes=10))
    assert _write(db, anna, "agreement:7", anna)
    assert not _write(db, anna, "agreement:7", anna)
    held = notify(engine, notify_settings)
    assert held.report.sent == 0 and held.report.postponed == 1
    frozen_clock.advance(timedelta(minutes=19, seconds=59))
    assert notify(engine, notify_settings).report.sent == 0
    frozen_clock.advance(timedelta(seconds=1))
    assert notify(engine, notify_settings).report.sent == 1
    assert len(inbox.to("anna@example.dk")) == 3


def test_a_thread_read_in_tavle_is_not_announced(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 22, 0))  # quiet hours: the notice waits
    anna = citizen_with_email(db)
    assert anna.id is not None
    _write(db, anna, "agreement:7", anna)
    notify(engine, notify_settings)

    message_read(session=db, recipient_id=anna.id, thread="agreement:7")
    db.commit()
    frozen_clock.set(copenhagen(2026, 3, 3, 8, 0))

    assert notify(engine, notify_settings).report.sent == 0
    assert inbox.received == []
    [notice] = notices_of(db, anna)
    assert notice.state == NoticeState.dropped
    # The next message starts a notice of its own.
    assert _write(db, anna, "agreement:7", anna)


def test_staff_get_messages_in_their_list_and_never_outside(
    db: Session, engine: Engine, notify_settings: Settings, inbox: Inbox, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    mette = factories.consultant(db, email="mette@kommune.example")
    anna = factories.citizen(db, mette)
    assert mette.id is not None

    assert _write(db, mette, "agreement:7", anna)
    assert not _write(db, mette, "agreement:7", anna)
    notify(engine, notify_settings)

    [notice] = notices_of(db, mette)
    assert notice.kind == NoticeKind.message and notice.state == NoticeState.listed
    assert notice.read_at is None and inbox.received == []
    message_read(session=db, recipient_id=mette.id, thread="agreement:7")
    db.commit()
    [notice] = notices_of(db, mette)
    assert notice.read_at is not None
    assert _write(db, mette, "agreement:7", anna)

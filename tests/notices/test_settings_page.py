"""My notices (`/notices`) through the app, as a phone would send the forms: Anna types her
e-mail address, gets a code at a real SMTP server, types it back, and only then gets reminders;
bad input is answered in her language with what she typed kept; the phone's push subscription
is kept and used; staff get their list and the digest choice, and nobody reaches another's."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.config import Settings
from app.core.idempotency import new_key
from app.main import create_app
from app.models import Channel, Meeting, Notice, NoticeAddress, NoticeKind, NoticeSettings, NoticeState, User
from tests import factories
from tests.conftest import Client, FrozenClock
from tests.notice_services import Inbox, push_service
from tests.notices.conftest import PUBLIC_URL, VAPID, copenhagen, notify

CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def phone(db: Session, notify_settings: Settings) -> Iterator[Client]:  # noqa: ARG001
    """A client of an app that can send e-mail (to the test's SMTP server) and push."""
    with Client(create_app(notify_settings), base_url=PUBLIC_URL) as client:
        yield client


def _anna(db: Session, client: Client, locale: str = "da") -> User:
    anna = factories.citizen(db, factories.consultant(db), name="Anna Jensen", code="ANNA", locale=locale)
    client.sign_in_citizen("ANNA")
    return anna


def _code_in(inbox: Inbox, address: str) -> str:
    found = CODE.search(inbox.to(address)[-1].text)
    assert found is not None
    return found.group(1)


def test_everything_is_off_until_anna_chooses(db: Session, phone: Client) -> None:
    _anna(db, phone)
    page = phone.get("/notices")
    assert page.status_code == 200
    assert "Notifikationer på denne telefon er slået fra." in page.text
    assert "Send mig en kode" in page.text
    assert 'value="21:00"' in page.text and 'value="08:00"' in page.text
    assert f'data-key="{VAPID.public}"' in page.text


def test_an_address_gets_nothing_but_its_code_until_the_code_comes_back(
    db: Session,
    engine: Engine,
    phone: Client,
    notify_settings: Settings,
    inbox: Inbox,
    frozen_clock: FrozenClock,
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    anna = _anna(db, phone)
    assert anna.id is not None
    db.add(Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 3, 10, 0)))
    db.commit()

    sent = phone.post_form("/notices/email/address", {"address": " Anna@Example.DK "})
    assert sent.status_code == 303 and sent.headers["location"] == "/notices?saved=code-email#email"
    [mail] = inbox.to("Anna@example.dk")
    assert mail.message["Subject"] == "Din kode til Tavle"
    assert notify(engine, notify_settings).found == 0  # not confirmed: no reminder

    wrong = phone.post_form(
        "/notices/email/code",
        {"code": "000000" if _code_in(inbox, "Anna@example.dk") != "000000" else "111111"},
    )
    assert wrong.status_code == 400
    assert "Koden er ikke rigtig." in wrong.text
    confirmed = phone.post_form("/notices/email/code", {"code": _code_in(inbox, "Anna@example.dk")})
    assert confirmed.status_code == 303
    assert "Din mail er nu godkendt." in phone.get(confirmed.headers["location"]).text

    assert notify(engine, notify_settings).report.sent == 1
    assert (
        inbox.to("Anna@example.dk")[-1].message["Subject"] == "Påmindelse: Du har et møde i morgen kl. 10.00"
    )


@pytest.mark.parametrize(
    ("form", "field", "typed", "message"),
    [
        ("/notices/email/address", "address", "anna at example", "Skriv en e-mailadresse"),
        ("/notices/email/address", "address", "x" * 500, "Skriv en e-mailadresse"),
        ("/notices/email/code", "code", "123456", "Bed om en kode først."),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    db: Session, phone: Client, form: str, field: str, typed: str, message: str
) -> None:
    _anna(db, phone)
    answer = phone.post_form(form, {field: typed})
    assert answer.status_code == 400
    assert message in answer.text
    assert f'value="{typed[:200]}"' in answer.text or field == "code"


def test_quiet_hours_bad_times_keep_what_was_typed_and_good_ones_are_saved(
    db: Session, phone: Client
) -> None:
    anna = _anna(db, phone, locale="en")
    bad = phone.post_form("/notices/quiet", {"quiet": "yes", "quiet_from": "25.00", "quiet_until": "22"})
    assert bad.status_code == 400
    assert "Write a time like 21:00." in bad.text and 'value="25.00"' in bad.text and 'value="22"' in bad.text
    same = phone.post_form("/notices/quiet", {"quiet": "yes", "quiet_from": "22", "quiet_until": "22.00"})
    assert same.status_code == 400 and "must end at another time" in same.text

    good = phone.post_form("/notices/quiet", {"quiet": "yes", "quiet_from": "22.30", "quiet_until": "7"})
    assert good.status_code == 303
    db.expire_all()
    row = db.get(NoticeSettings, anna.id)
    assert (
        row is not None
        and row.quiet
        and str(row.quiet_from) == "22:30:00"
        and str(row.quiet_until) == "07:00:00"
    )
    off = phone.post_form("/notices/quiet", {"quiet_from": "", "quiet_until": ""})
    assert off.status_code == 303
    db.expire_all()
    row = db.get(NoticeSettings, anna.id)
    assert row is not None and not row.quiet


def test_a_form_sent_twice_sends_one_code(db: Session, phone: Client, inbox: Inbox) -> None:
    _anna(db, phone)
    form = {"address": "anna@example.dk", "idempotency_key": new_key()}
    first = phone.post_form("/notices/email/address", form)
    again = phone.post_form("/notices/email/address", form)
    assert first.status_code == again.status_code == 303
    assert len(inbox.to("anna@example.dk")) == 1


def test_the_phones_subscription_is_kept_and_gets_the_reminder(
    db: Session, engine: Engine, phone: Client, notify_settings: Settings, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    anna = _anna(db, phone)
    assert anna.id is not None
    db.add(Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 3, 10, 0)))
    db.commit()
    with push_service(server_key=VAPID.public) as service:
        browser = service.browser()
        bad = phone.post_form(
            "/notices/push", {"endpoint": "javascript:alert(1)", "p256dh": "x", "auth": "y"}
        )
        assert bad.status_code == 400 and "kunne ikke slå notifikationer til" in bad.text
        on = phone.post_form(
            "/notices/push", {"endpoint": browser.endpoint, "p256dh": browser.p256dh, "auth": browser.auth}
        )
        assert on.status_code == 303
        assert "Du får besked på 1 telefon" in phone.get("/notices").text

        assert notify(engine, notify_settings).report.sent == 1
        [push] = service.delivered
        assert push.payload["body"] == "Påmindelse: Du har et møde i morgen kl. 10.00"

    assert phone.post_form("/notices/push/remove").status_code == 303
    assert "Notifikationer på denne telefon er slået fra." in phone.get("/notices").text


def test_a_channel_this_server_does_not_offer_is_not_there(db: Session, phone: Client) -> None:
    _anna(db, phone)
    assert "SMS" not in phone.get("/notices").text
    assert phone.post_form("/notices/sms/address", {"address": "12345678"}).status_code == 404
    assert phone.post_form("/notices/fax/address", {"address": "12345678"}).status_code == 404


def test_staff_see_their_own_list_and_choose_the_digest(db: Session, phone: Client) -> None:
    mette = factories.consultant(db, name="Mette Hansen")
    other = factories.consultant(db, name="Ole Olsen")
    anna = factories.citizen(db, mette, name="Anna Jensen")
    bo = factories.citizen(db, other, name="Bo Berg")
    for staff, citizen in ((mette, anna), (other, bo)):
        assert staff.id is not None and citizen.id is not None
        db.add(
            Notice(
                user_id=staff.id,
                citizen_id=citizen.id,
                kind=NoticeKind.decline,
                key=f"decline:test:{citizen.id}:{staff.id}",
                link=f"/citizens/{citizen.id}",
                state=NoticeState.listed,
                due_at=copenhagen(2026, 3, 2, 9, 0),
            )
        )
    db.commit()
    phone.sign_in_staff(mette)

    page = phone.get("/notices")
    assert "Anna Jensen sagde nej tak til et forslag" in page.text
    assert "Bo Berg" not in page.text
    assert phone.post_form("/notices/digest", {"on": "yes"}).status_code == 303
    db.expire_all()
    row = db.get(NoticeSettings, mette.id)
    assert row is not None and row.digest
    assert phone.post_form("/notices/read").status_code == 303
    db.expire_all()
    assert all(n.read_at is not None for n in db.exec(select(Notice).where(Notice.user_id == mette.id)))
    assert all(n.read_at is None for n in db.exec(select(Notice).where(Notice.user_id == other.id)))
    # Channels are not staff's to set, and the digest is not a citizen's.
    assert phone.post_form("/notices/email/address", {"address": "m@example.dk"}).status_code == 404
    assert db.exec(select(NoticeAddress)).all() == []


def test_a_citizen_cannot_reach_staff_forms(db: Session, phone: Client) -> None:
    _anna(db, phone)
    assert phone.post_form("/notices/digest", {"on": "yes"}).status_code == 404
    assert phone.post_form("/notices/read").status_code == 404
    assert db.exec(select(NoticeSettings)).all() == []
    assert Channel.email  # the enum the forms name

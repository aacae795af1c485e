"""SMS through the one small adapter: Tavle POSTs JSON to the gateway named in the settings, with
the token; the test starts that gateway. A number gets its code first, and notices only once the
code has been typed back; a gateway that fails means the notice is tried again."""

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.core.i18n import translator
from app.models import Channel, Meeting, NoticeState
from app.notices import preferences
from tests import factories
from tests.conftest import FrozenClock
from tests.notice_services import SmsGateway, sms_gateway
from tests.notices.conftest import PUBLIC_URL, confirmed, copenhagen, notices_of, notify

TOKEN = "gateway-token-123"


def _with_gateway(settings: Settings, gateway: SmsGateway) -> Settings:
    return settings.model_copy(update={"sms_url": gateway.url, "sms_token": TOKEN, "sms_sender": "Tavle"})


def test_a_number_confirmed_with_its_code_gets_the_reminder_by_sms(
    db: Session, engine: Engine, notify_settings: Settings, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    t = translator("da")
    with sms_gateway() as gateway:
        settings = _with_gateway(notify_settings, gateway)
        anna = factories.citizen(db, factories.consultant(db), name="Anna Jensen", locale="da")
        assert anna.id is not None
        error = preferences.start_address(
            session=db, settings=settings, user=anna, channel=Channel.sms, raw="12 34 56 78", t=t
        )
        assert error is None
        [code] = gateway.sent
        assert code.body["to"] == "+4512345678" and code.authorization == f"Bearer {TOKEN}"
        db.add(Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 3, 10, 0)))
        db.commit()
        # Not confirmed yet: nothing but the code goes to the number.
        assert notify(engine, settings).found == 0

        typed = "".join(ch for ch in code.body["text"] if ch.isdigit())
        refused = preferences.confirm_address(session=db, user=anna, channel=Channel.sms, code=typed, t=t)
        assert refused is None
        done = notify(engine, settings)

        assert done.report.sent == 1, done
        reminder = gateway.sent[-1]
    assert reminder.body == {
        "to": "+4512345678",
        "text": f"Påmindelse: Du har et møde i morgen kl. 10.00: {PUBLIC_URL}/citizens/{anna.id}/meetings",
        "sender": "Tavle",
    }
    assert reminder.authorization == f"Bearer {TOKEN}"


def test_a_gateway_that_fails_is_tried_again(
    db: Session, engine: Engine, notify_settings: Settings, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    with sms_gateway() as gateway:
        settings = _with_gateway(notify_settings, gateway)
        anna = factories.citizen(db, factories.consultant(db), locale="da")
        assert anna.id is not None
        confirmed(db, anna, Channel.sms, "+4512345678")
        db.add(Meeting(citizen_id=anna.id, at=copenhagen(2026, 3, 3, 10, 0)))
        db.commit()
        gateway.status = 503

        assert notify(engine, settings).report.retried == 1
        [notice] = notices_of(db, anna)
        assert notice.state == NoticeState.pending and notice.error == "sms: HTTP 503"

        gateway.status = 200
        frozen_clock.set(copenhagen(2026, 3, 2, 10, 2))
        assert notify(engine, settings).report.sent == 1
    assert [n.state for n in notices_of(db, anna)] == [NoticeState.sent]
    assert len(gateway.sent) == 2  # the refused try, and the one that went through

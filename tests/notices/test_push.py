"""Web Push end to end: a push service started by the test accepts a notice only when its VAPID
signature (an ES256 JWT) checks against the key the phone subscribed with, and decrypts the
payload (aes128gcm) with the subscription's own keys, as a browser's push service would. The
payload names the kind and a link, never anything from the plan."""

import json
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.config import Settings
from app.models import Meeting, NoticeState, PushSubscription, User
from app.notices import channels, preferences
from app.notices.vapid import new_keys, vapid_keys
from tests import factories
from tests.conftest import FrozenClock
from tests.notice_services import Browser, PushService, push_service
from tests.notices.conftest import PUBLIC_URL, VAPID, copenhagen, notices_of, notify

SECRET = "HEMMELIG-PLAN"


def _subscribed(db: Session, settings: Settings, service: PushService, name: str = "Anna Jensen") -> User:
    citizen = factories.citizen(db, factories.consultant(db), name=name, locale="da")
    browser = service.browser()
    assert preferences.subscribe(
        session=db,
        settings=settings,
        user=citizen,
        endpoint=browser.endpoint,
        p256dh=browser.p256dh,
        auth=browser.auth,
    )
    return citizen


def _meeting_tomorrow(db: Session, citizen: User) -> None:
    assert citizen.id is not None
    db.add(Meeting(citizen_id=citizen.id, at=copenhagen(2026, 3, 3, 10, 0), note=f"Tal om {SECRET}"))
    db.commit()


def test_a_push_is_signed_encrypted_and_names_no_content(
    db: Session, engine: Engine, notify_settings: Settings, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    with push_service(server_key=VAPID.public) as service:
        anna = _subscribed(db, notify_settings, service)
        factories.agreement(db, anna, what=f"Ringe til lægen {SECRET}")
        _meeting_tomorrow(db, anna)

        done = notify(engine, notify_settings)

        assert done.report.sent == 1, (done, service.refused)
        assert service.refused == []
        [push] = service.delivered
    assert push.payload == {
        "title": "Tavle",
        "body": "Påmindelse: Du har et møde i morgen kl. 10.00",
        "url": f"{PUBLIC_URL}/citizens/{anna.id}/meetings",
        "tag": "meeting_day",
        "lang": "da",
    }
    assert push.claims["sub"] == "mailto:drift@kommune.example"
    # Kept by the push service no longer than the reminder holds (until an hour before).
    assert 0 < push.ttl <= int(timedelta(hours=12).total_seconds())
    text = json.dumps(push.payload, ensure_ascii=False)
    assert SECRET not in text and "Anna" not in text and "lægen" not in text
    [notice] = notices_of(db, anna)
    assert notice.state == NoticeState.sent and notice.channels == "push"


def test_a_push_signed_with_another_key_is_refused_and_tried_again(
    db: Session, engine: Engine, notify_settings: Settings, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    # The phone subscribed with another server's key: this server's signature does not count.
    with push_service(server_key=new_keys().public) as service:
        anna = _subscribed(db, notify_settings, service)
        _meeting_tomorrow(db, anna)

        done = notify(engine, notify_settings)

        assert done.report.sent == 0 and done.report.retried == 1
        assert service.delivered == [] and len(service.refused) == 1
    [notice] = notices_of(db, anna)
    assert notice.state == NoticeState.pending and notice.attempts == 1
    assert notice.error == "push: HTTP 401"


def test_a_payload_for_other_keys_cannot_be_read(notify_settings: Settings) -> None:
    """The push service holds only the phone's keys: a payload encrypted for one phone is
    refused by another (aes128gcm with the subscription's p256dh and auth)."""
    keys = vapid_keys(notify_settings)
    assert keys is not None
    with push_service(server_key=keys.public) as service:
        phone = service.browser()
        stranger = Browser(endpoint=phone.endpoint)
        target = channels.PushTarget(phone.endpoint, stranger.p256dh, stranger.auth)
        try:
            channels.send_push(settings=notify_settings, keys=keys, target=target, payload={"a": 1}, ttl=60)
        except channels.NotDelivered as refused:
            assert str(refused) == "push: HTTP 401"
        else:
            raise AssertionError("a payload for another phone's keys was accepted")
        assert service.delivered == []


def test_a_subscription_the_push_service_no_longer_knows_is_forgotten(
    db: Session, engine: Engine, notify_settings: Settings, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    with push_service(server_key=VAPID.public) as service:
        anna = _subscribed(db, notify_settings, service)
        _meeting_tomorrow(db, anna)
        service.gone.update(service.browsers)

        notify(engine, notify_settings)

    db.expire_all()
    assert db.exec(select(PushSubscription).where(PushSubscription.user_id == anna.id)).all() == []

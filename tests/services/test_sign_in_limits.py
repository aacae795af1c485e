"""Sign-in limits under a burst: attempts are counted in the database before any secret is
checked, so many wrong PINs sent at the same moment get no more checks than the limit allows.

Each test starts real threads, each with a session of its own (as requests have), and lets them
go at once with a barrier. The verifier is wrapped to count how many secrets were checked."""

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core import security
from app.core.config import Settings
from app.identity import attempts, pending, totp
from app.identity import sessions as auth
from app.models import LoginThrottle, TotpSecret
from app.models.base import utcnow
from tests import factories

BURST = 40


class Counter:
    """Wraps a checker (of a secret, a code) and counts its calls, from any thread."""

    def __init__(self, verify: Callable[..., Any]) -> None:
        self.verify = verify
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, *args: Any) -> Any:
        with self.lock:
            self.calls += 1
        return self.verify(*args)


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    counter = Counter(security.verify_secret)
    monkeypatch.setattr(auth, "verify_secret", counter)
    yield counter


def burst(engine: Engine, attempt: Callable[[Session, int], object], width: int = BURST) -> list[object]:
    """Runs `attempt` in `width` threads at once, each with its own session; returns what each
    returned or raised."""
    barrier = threading.Barrier(width)
    results: list[object] = [None] * width

    def run(index: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                results[index] = attempt(session, index)
            except Exception as exc:
                results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_forty_wrong_pins_at_once_check_at_most_the_limit(
    db: Session, engine: Engine, settings: Settings, verified: Counter
) -> None:
    factories.citizen(db, code="BURST-1")

    def wrong_pin(session: Session, _index: int) -> object:
        return auth.authenticate_citizen(
            session=session, settings=settings, code="BURST-1", pin="000000", address="198.51.100.1"
        )

    results = burst(engine, wrong_pin)
    print(f"secrets checked in a {BURST}-wide burst: {verified.calls}")
    assert verified.calls <= settings.login_max_attempts
    assert all(result is None or isinstance(result, auth.LoginLocked) for result in results), results
    assert (
        sum(isinstance(result, auth.LoginLocked) for result in results) >= BURST - settings.login_max_attempts
    )
    # Locked now, for the right PIN too, and without checking it.
    before = verified.calls
    with pytest.raises(auth.LoginLocked):
        auth.authenticate_citizen(
            session=db, settings=settings, code="BURST-1", pin=factories.PIN, address="198.51.100.2"
        )
    assert verified.calls == before


def test_forty_wrong_passwords_at_once_check_at_most_the_limit(
    db: Session, engine: Engine, settings: Settings, verified: Counter
) -> None:
    factories.consultant(db, email="burst@example.dk")

    def wrong_password(session: Session, _index: int) -> object:
        return auth.authenticate_staff(
            session=session,
            settings=settings,
            email="burst@example.dk",
            password="nope",
            address="198.51.100.3",
        )

    burst(engine, wrong_password)
    assert verified.calls <= settings.login_max_attempts


def test_invented_codes_from_one_address_stop_at_the_address_limit(
    db: Session, engine: Engine, settings: Settings, verified: Counter
) -> None:
    limited = settings.model_copy(update={"login_max_per_address": 20})

    def invented(session: Session, index: int) -> object:
        return auth.authenticate_citizen(
            session=session, settings=limited, code=f"MADE-UP-{index}", pin="000000", address="203.0.113.9"
        )

    results = burst(engine, invented, width=60)
    print(f"secrets checked for 60 invented codes from one address: {verified.calls}")
    assert verified.calls <= 20
    assert sum(isinstance(result, auth.LoginLocked) for result in results) >= 40
    # Another address is not held up by this one.
    assert (
        auth.authenticate_citizen(
            session=db, settings=limited, code="MADE-UP-X", pin="000000", address="203.0.113.10"
        )
        is None
    )


@pytest.mark.usefixtures("verified")
def test_a_right_pin_clears_the_count_and_gives_the_address_its_try_back(
    db: Session, settings: Settings
) -> None:
    person = factories.citizen(db, code="CLEAR-1")
    for _ in range(settings.login_max_attempts - 1):
        assert (
            auth.authenticate_citizen(
                session=db, settings=settings, code="CLEAR-1", pin="1", address="192.0.2.7"
            )
            is None
        )
    user = auth.authenticate_citizen(
        session=db, settings=settings, code="CLEAR-1", pin=factories.PIN, address="192.0.2.7"
    )
    assert user is not None and user.id == person.id
    db.expire_all()
    rows = {row.key: row.failures for row in db.exec(select(LoginThrottle)).all()}
    assert not any(key.startswith("code:") for key in rows)
    assert rows.get("ip:192.0.2.7") == settings.login_max_attempts - 1


def test_counts_older_than_a_day_are_forgotten_unless_paused(db: Session) -> None:
    now = utcnow()
    db.add_all(
        [
            LoginThrottle(key="ip:192.0.2.50", failures=3, updated_at=now - timedelta(days=2)),
            LoginThrottle(key="ip:192.0.2.51", failures=3, updated_at=now - timedelta(hours=2)),
            LoginThrottle(
                key="code:paused",
                failures=5,
                updated_at=now - timedelta(days=2),
                locked_until=now + timedelta(minutes=5),
            ),
        ]
    )
    db.commit()
    assert attempts.forget_old(db, now=now) == 1
    db.expire_all()
    assert {row.key for row in db.exec(select(LoginThrottle)).all()} == {"ip:192.0.2.51", "code:paused"}


def test_forty_wrong_authenticator_codes_at_once_check_at_most_the_limit(
    db: Session, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = factories.consultant(db, email="codes@example.dk")
    assert staff.id is not None
    secret = pyotp.random_base32()
    while pyotp.TOTP(secret).verify("000000", valid_window=2):  # the wrong code must be wrong
        secret = pyotp.random_base32()
    db.add(TotpSecret(user_id=staff.id, secret=secret, enabled_at=utcnow()))
    db.commit()
    half_way = pending.begin(session=db, purpose=totp.SECOND_STEP, user_id=staff.id, minutes=5, data={})
    checked = Counter(totp._accepted_step)
    monkeypatch.setattr(totp, "_accepted_step", checked)

    def wrong_code(session: Session, index: int) -> object:
        return totp.finish_second_step(
            session=session, settings=settings, token=half_way, code=f"{index:06d}"
        )

    results = burst(engine, wrong_code)
    assert checked.calls <= settings.login_max_attempts
    assert (
        sum(isinstance(result, auth.LoginLocked) for result in results) >= BURST - settings.login_max_attempts
    )

"""Forty wrong PINs for one code sent at the same moment to the real server: no more than the
limit are checked. Seen from outside by the answers: a checked wrong PIN is answered "not right"
(or, the one that reaches the limit, "too many tries"); one never checked only "too many tries"."""

import re
import threading

import httpx
from sqlmodel import Session, col, select

from app.core.config import Settings
from app.models import LoginThrottle
from tests import factories
from tests.live import served

BURST = 40
NOT_RIGHT = "Koden eller pinkoden er forkert"
PAUSED = "For mange forkerte forsøg"


def test_forty_wrong_pins_at_once_get_at_most_the_limit_checked(
    database_url: str, db: Session, settings: Settings
) -> None:
    factories.citizen(db, code="LIVE-BURST")
    answers: list[str] = []
    with served(database_url) as url:
        browsers = [httpx.Client(base_url=url, timeout=120) for _ in range(BURST)]
        tokens = []
        for browser in browsers:
            page = browser.get("/login").text
            found = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert found is not None
            tokens.append(found.group(1))
        barrier = threading.Barrier(BURST)
        lock = threading.Lock()

        def send(index: int) -> None:
            barrier.wait()
            answer = browsers[index].post(
                "/login/citizen", data={"code": "LIVE-BURST", "pin": "000000", "csrf_token": tokens[index]}
            )
            with lock:
                answers.append(f"{answer.status_code} {answer.text}")

        threads = [threading.Thread(target=send, args=(i,)) for i in range(BURST)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for browser in browsers:
            browser.close()
    assert len(answers) == BURST and all(a.startswith("400 ") for a in answers)
    not_right = sum(NOT_RIGHT in a for a in answers)
    paused = sum(PAUSED in a for a in answers)
    print(f"{BURST} at once: {not_right} answered 'not right', {paused} 'too many tries'")
    assert not_right + paused == BURST
    assert not_right <= settings.login_max_attempts - 1
    db.expire_all()
    row = db.exec(select(LoginThrottle).where(col(LoginThrottle.key).startswith("code:"))).one()
    # Counted before checking: at least the limit, and the pause set (once it is seen, later
    # attempts are refused on reading it, without being counted).
    assert row.failures >= settings.login_max_attempts and row.locked_until is not None

"""Trusted proxies are one setting (TAVLE_FORWARDED_ALLOW_IPS), used by `python -m app serve`:
the app takes the client's address from X-Forwarded-For only when the connection comes from a
trusted proxy. Seen where it matters: the per-address sign-in count is kept under that address.

Each test starts the real server as `make run` does, on the test's database, and stops it."""

import re
from pathlib import Path

import httpx
from sqlmodel import Session, select

from app.models import LoginThrottle
from tests.live import served

ROOT = Path(__file__).resolve().parents[2]
CLIENT = "203.0.113.50"


def wrong_sign_in(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as browser:
        page = browser.get("/login", headers={"X-Forwarded-For": CLIENT})
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        answer = browser.post(
            "/login/citizen",
            data={"code": "NOBODY-1", "pin": "123123", "csrf_token": token.group(1)},
            headers={"X-Forwarded-For": CLIENT},
        )
        assert answer.status_code == 400


def counted_addresses(db: Session) -> set[str]:
    db.expire_all()
    return {row.key for row in db.exec(select(LoginThrottle)).all() if row.key.startswith("ip:")}


def test_a_trusted_proxy_says_who_the_client_is(database_url: str, db: Session) -> None:
    with served(database_url, "127.0.0.1") as url:
        wrong_sign_in(url)
    assert counted_addresses(db) == {f"ip:{CLIENT}"}


def test_anyone_else_is_taken_at_their_own_address(database_url: str, db: Session) -> None:
    with served(database_url, "192.0.2.1") as url:
        wrong_sign_in(url)
    assert counted_addresses(db) == {"ip:127.0.0.1"}


def test_the_container_passes_the_same_setting_to_uvicorn() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '--forwarded-allow-ips \\"$TAVLE_FORWARDED_ALLOW_IPS\\"' in dockerfile
    assert "TAVLE_FORWARDED_ALLOW_IPS=127.0.0.1" in dockerfile

"""Trusted proxies are one setting (TAVLE_FORWARDED_ALLOW_IPS), used by `python -m app serve`:
the app takes the client's address from X-Forwarded-For only when the connection comes from a
trusted proxy. Seen where it matters: the per-address sign-in count is kept under that address.

Each test starts the real server as `make run` does, on the test's database, and stops it."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlmodel import Session, select

from app.models import LoginThrottle
from tests.browser.conftest import TEST_SECRET_KEY, free_port

ROOT = Path(__file__).resolve().parents[2]
CLIENT = "203.0.113.50"


@contextmanager
def served(database_url: str, forwarded_allow_ips: str) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "TAVLE_DATABASE_URL": database_url,
        "TAVLE_ENVIRONMENT": "test",
        "TAVLE_SEED_DEMO": "false",
        "TAVLE_MIGRATE_ON_START": "false",
        "TAVLE_SECRET_KEY": TEST_SECRET_KEY,
        "TAVLE_HOST": "127.0.0.1",
        "TAVLE_PORT": str(port),
        "TAVLE_FORWARDED_ALLOW_IPS": forwarded_allow_ips,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "the server exited during start-up"
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not answer within 30 s"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


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

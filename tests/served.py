"""The real server, started as `make run` starts it (`python -m app serve`), on a test's
database, for tests that need what only a real server does (uvicorn's proxy headers, real
connections and threads). Bounded: it must answer within 30 s, and it is stopped after."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.browser.conftest import TEST_SECRET_KEY, free_port

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def served(database_url: str, forwarded_allow_ips: str = "127.0.0.1") -> Iterator[str]:
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

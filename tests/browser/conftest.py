"""Browser tests: Debian's Chromium, driven by Playwright, against a live uvicorn on 127.0.0.1.

The server runs as a separate process, like `make run`, on the same throwaway database as the
test (SQLite and PostgreSQL alike), so tests arrange data directly and watch it in the browser."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import Engine

from tests import factories
from tests.databases import require_or_skip

ROOT = Path(__file__).resolve().parents[2]
TEST_SECRET_KEY = "browser-tests-" + "k" * 40
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "meeting": {"width": 1920, "height": 1080}}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        require_or_skip("Chromium is not installed (apt-get install chromium)")
    return {"executable_path": executable, "args": CHROMIUM_ARGS, "headless": True}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    def __init__(self, database_url: str, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "TAVLE_DATABASE_URL": database_url,
            "TAVLE_ENVIRONMENT": "test",
            "TAVLE_SEED_DEMO": "false",
            "TAVLE_MIGRATE_ON_START": "false",
            "TAVLE_PUBLIC_URL": self.url,
            # One key for every server process of the run (two on one database in some tests).
            "TAVLE_SECRET_KEY": TEST_SECRET_KEY,
            **(extra_env or {}),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--timeout-graceful-shutdown",
                "2",
            ],
            cwd=ROOT,
            env=env,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the live server exited during start-up")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the live server did not answer /healthz within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def live_server(database_url: str, engine: Engine) -> Iterator[LiveServer]:
    server = LiveServer(database_url)
    yield server
    server.stop()


@pytest.fixture
def new_context(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make(viewport: str = "phone", locale: str = "da-DK") -> BrowserContext:
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale=locale, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def sign_in_citizen(page: Page, code: str, pin: str = factories.PIN) -> None:
    page.goto("/login")
    page.locator("#code").fill(code)
    page.locator("#pin").fill(pin)
    page.locator("form[action='/login/citizen'] button[type=submit]").click()
    page.wait_for_url("**/citizens/*")


def sign_in_staff(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    page.goto("/login/staff")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form[action='/login/staff'] button[type=submit]").click()
    page.wait_for_url("**/caseload")

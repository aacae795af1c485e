"""Browser tests: Debian's Chromium, driven by Playwright, against a live uvicorn on 127.0.0.1.

The server runs as a separate process, like `make run`, on the same throwaway database as the
test (SQLite and PostgreSQL alike), so tests arrange data directly and watch it in the browser."""

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests import factories
from tests.databases import require_or_skip
from tests.live import LiveServer

__all__ = ["ROOT", "LiveServer"]

ROOT = Path(__file__).resolve().parents[2]
VIEWPORTS: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "meeting": {"width": 1920, "height": 1080},
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Assertions wait as long as actions do: on a loaded 2-core CI machine (two test workers, each
# with Chromium and a server) a live update can take longer than Playwright's default 5 s.
expect.set_options(timeout=10_000)
# Browser tests of pages, forms and layout run on SQLite only: every route they use is tested
# over HTTP on both databases too, and the markup does not depend on which one serves it. The
# tests that watch a change travel live between open views (the in-process hub on SQLite,
# NOTIFY on PostgreSQL) run on both.
ON_SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        require_or_skip("Chromium is not installed (apt-get install chromium)")
    return {"executable_path": executable, "args": CHROMIUM_ARGS, "headless": True}


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


def sign_in_citizen(
    page: Page,
    code: str,
    pin: str = factories.PIN,
    lands: str = "**/citizens/*",
    *,
    through_form: bool = False,
) -> None:
    """Code and PIN (citizens and network members); `lands`: where the sign-in leads (the
    consent questions at a citizen's first sign-in, /network for a member). The form is filled
    in where the sign-in is what a test is about (`through_form`); elsewhere the same form is
    sent over HTTP, in the page's own context (see `post_sign_in`)."""
    send_sign_in(page, "/login", "/login/citizen", {"code": code, "pin": pin}, through_form=through_form)
    page.wait_for_url(lands)


def sign_in_staff(
    page: Page, email: str, password: str = factories.PASSWORD, *, through_form: bool = False
) -> None:
    fields = {"email": email, "password": password}
    send_sign_in(page, "/login/staff", "/login/staff", fields, through_form=through_form)
    page.wait_for_url("**/caseload")


def send_sign_in(
    page: Page, form_path: str, action: str, fields: dict[str, str], *, through_form: bool
) -> None:
    """Fills in the form at `form_path` (each field's id is its name) and sends it, or sends the
    same fields over HTTP (`post_sign_in`)."""
    if not through_form:
        post_sign_in(page, form_path, action, fields)
        return
    page.goto(form_path)
    for name, value in fields.items():
        page.locator(f"#{name}").fill(value)
    page.locator(f"form[action='{action}'] button[type=submit]").click()


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def post_sign_in(page: Page, form_path: str, action: str, fields: dict[str, str]) -> None:
    """Sends a sign-in form as the browser would, through the page's context (its cookie jar,
    Origin and language): the server's own sign-in, without drawing and filling the form, which
    the sign-in tests do. Then the page goes where the sign-in leads."""
    request = page.context.request
    form = request.get(form_path)
    found = CSRF_FIELD.search(form.text())
    assert form.ok and found, f"no sign-in form at {form_path}"
    scheme, _, host = form.url.split("/")[:3]
    answer = request.post(
        action,
        form={"csrf_token": found.group(1), **fields},
        headers={"Origin": f"{scheme}//{host}", "Sec-Fetch-Site": "same-origin"},
        max_redirects=0,
    )
    assert answer.status == 303 and "/login" not in answer.headers["location"], (
        f"signing in at {action} was refused: {answer.status}"
    )
    page.goto(answer.headers["location"])

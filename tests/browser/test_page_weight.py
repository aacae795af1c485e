"""Light on the wire: a citizen's first visit to a full board (a browser with nothing cached)
transfers at most 64 KB, compressed, in all: HTML, CSS, JavaScript, icons, and what the service
worker fetches to keep for offline use. A size budget, measured in bytes, not a timing.

The budget was 60 KB until the board gained its help in plain words (about 850 bytes, kept in
the page so it reads offline), its own stream with reconnection and polling, and the outbox's
loader; the vendored htmx and Sortable are 33 KB of it."""

from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Request
from sqlmodel import Session

from app import clock
from app.models import AgreementStatus
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, VIEWPORTS, LiveServer, sign_in_citizen

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]

BUDGET_BYTES = 64 * 1024


def _full_board(db: Session) -> int:
    staff = factories.consultant(db, name="Mette Hansen")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE-1")
    for title in ("Komme op om morgenen", "Få styr på min gæld", "Tale med nye mennesker"):
        factories.challenge(db, citizen, title=title)
    for title in ("Arbejde 10 timer om ugen med dyr", "Have overblik over hvad jeg skylder"):
        factories.goal(db, citizen, title=title)
    factories.intervention(db, citizen)
    statuses = [AgreementStatus.todo] * 4 + [AgreementStatus.doing] * 3 + [AgreementStatus.done] * 3
    for n, status in enumerate(statuses):
        due = clock.today() + timedelta(days=n)
        factories.agreement(
            db, citizen, what=f"Aftale nummer {n + 1}: ringe til jobcentret", status=status, due_on=due
        )
    assert citizen.id is not None
    return citizen.id


def test_first_load_of_the_board_is_at_most_64_kb_compressed(
    db: Session, browser: Browser, new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    citizen_id = _full_board(db)
    signing_in = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(signing_in, "LISE-1")
    # A fresh browser (empty cache, no service worker yet) that carries only the session.
    fresh = browser.new_context(
        viewport={"width": VIEWPORTS["phone"]["width"], "height": VIEWPORTS["phone"]["height"]},
        locale="da-DK",
        base_url=live_server.url,
        storage_state=signing_in.context.storage_state(),
    )
    try:
        sizes: dict[str, int] = {}

        def count(request: Request) -> None:
            measured = request.sizes()
            # Bytes on the wire: compressed body and headers. Answers from the browser's own
            # cache count nothing (Chromium reports them as a negative body size).
            key = f"{request.resource_type} {request.url}"
            wire = measured["responseBodySize"] + measured["responseHeadersSize"]
            sizes[key] = sizes.get(key, 0) + max(0, wire)

        fresh.on("requestfinished", count)
        page = fresh.new_page()
        page.goto(f"/citizens/{citizen_id}/board")
        # Once the worker is active it has fetched everything it keeps.
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.locator("#column-todo").wait_for()

        assert any("/static/htmx.min.js" in key for key in sizes) and any("board" in key for key in sizes)
        # Chromium reports only the headers of the worker's own script: its compressed body is
        # measured here.
        worker = httpx.get(live_server.url + "/sw.js", headers={"Accept-Encoding": "gzip"})
        assert worker.headers["content-encoding"] == "gzip"
        sizes["worker body /sw.js"] = int(worker.headers["content-length"])
        total = sum(sizes.values())
        report = "\n".join(f"{size:>7} {key}" for key, size in sorted(sizes.items(), key=lambda i: -i[1]))
        assert total <= BUDGET_BYTES, f"{total} bytes > {BUDGET_BYTES}:\n{report}"
        # The page itself was compressed.
        document = page.evaluate("performance.getEntriesByType('navigation')[0].encodedBodySize")
        decoded = page.evaluate("performance.getEntriesByType('navigation')[0].decodedBodySize")
        assert document < decoded / 2
    finally:
        fresh.close()

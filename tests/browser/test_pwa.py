"""The installable app in a real browser: the service worker takes control, keeps the citizen's
last board for reading offline (with a notice saying how old it is), shows the offline page for
anything else, keeps no fragment or stream, and a new version takes over cleanly. Also: a live
event stream arrives uncompressed, event by event, even when the browser accepts gzip."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, BrowserType, Page, Route, expect
from sqlmodel import Session

from app.models import User
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, LiveServer, sign_in_citizen

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]

CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const url = new URL(request.url);
      urls.push(name + " " + url.pathname + url.search);
    }
  }
  return urls;
}"""


def _citizen(db: Session) -> User:
    citizen = factories.citizen(db, name="Lise Lund", code="LISE-1")
    factories.goal(db, citizen, title="Kunne cykle til praktik")
    factories.agreement(db, citizen, what="Ringe til lægen")
    return citizen


def _controlled_board(
    new_context: Callable[..., BrowserContext], citizen: User
) -> tuple[BrowserContext, Page]:
    """The citizen's board, opened once more after the worker took control, so it kept a copy."""
    context = new_context("phone", locale="da-DK")
    page = context.new_page()
    sign_in_citizen(page, "LISE-1")
    board = f"/citizens/{citizen.id}/board"
    page.goto(board)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    _wait_until_kept(page, board)
    # The offline page is fetched once the worker controls a page (not on the first visit).
    _wait_until_kept(page, "/offline")
    return context, page


def _wait_until_kept(page: Page, path: str, cache: str = "") -> None:
    """The worker stores the page after answering with it: wait for the copy before going offline."""
    page.wait_for_function(
        """async ([path, only]) => {
          for (const name of await caches.keys()) {
            if ((!only || name === only) && (await (await caches.open(name)).match(path))) return true;
          }
          return false;
        }""",
        arg=[path, cache],
    )


def test_chromium_finds_the_app_installable(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    # Chromium never offers to install from a private window, so this one has a real profile.
    context = browser_type.launch_persistent_context(
        tmp_path / "profile", base_url=live_server.url, **browser_type_launch_args
    )
    try:
        page = context.new_page()
        page.goto("/login")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        answer = context.new_cdp_session(page).send("Page.getInstallabilityErrors")
        assert answer["installabilityErrors"] == []
    finally:
        context.close()


def test_the_last_board_is_readable_offline_with_a_notice_of_when_it_was_last_updated(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = _citizen(db)
    context, page = _controlled_board(new_context, citizen)
    notice = page.locator("[data-offline-notice]")
    expect(notice).to_be_hidden()

    context.set_offline(True)
    page.reload()
    expect(page.locator("#column-todo")).to_contain_text("Ringe til lægen")
    expect(page.locator("#board-goals")).to_contain_text("Kunne cykle til praktik")
    expect(notice).to_be_visible()
    # The time the page was rendered, by the server, in Danish form (23.11.2026 09.55).
    expect(notice).to_have_text(re.compile(r"Offline – sidst opdateret \d{2}\.\d{2}\.\d{4} \d{2}\.\d{2}"))
    # The stylesheet came from the worker's cache too: the page is laid out, not bare HTML.
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).display") == "flex"

    # A page it never kept: the offline page, in the citizen's language.
    page.goto(f"/citizens/{citizen.id}/goals")
    expect(page.locator("h1")).to_have_text("Ingen forbindelse")
    expect(page.get_by_text("Du kan stadig læse din tavle")).to_be_visible()

    context.set_offline(False)
    page.goto(f"/citizens/{citizen.id}/board")
    expect(page.locator("#column-todo")).to_contain_text("Ringe til lægen")
    expect(notice).to_be_hidden()


def test_the_offline_page_follows_the_citizens_language(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = _citizen(db)
    context, page = _controlled_board(new_context, citizen)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_function(
        """async () => {
          for (const name of await caches.keys()) {
            const page = await (await caches.open(name)).match("/offline", { ignoreVary: true });
            if (page && page.headers.get("Content-Language") === "en") return true;
          }
          return false;
        }"""
    )
    context.set_offline(True)
    page.goto(f"/citizens/{citizen.id}/goals")
    expect(page.locator("h1")).to_have_text("No connection")


def test_the_worker_keeps_only_the_board_static_files_and_the_offline_page(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = _citizen(db)
    _context, page = _controlled_board(new_context, citizen)
    # The live stream is open, and an htmx request goes out: neither may end up in the cache.
    page.get_by_text("Ny aftale").click()
    page.get_by_label("Hvad er aftalt?").fill("Købe buskort")
    page.get_by_role("button", name="Foreslå aftalen").click()
    expect(page.locator("#column-todo")).to_contain_text("Købe buskort")
    page.goto(f"/citizens/{citizen.id}")
    page.goto(f"/citizens/{citizen.id}/board")
    urls = page.evaluate(CACHED_URLS)
    names = {url.split(" ")[0] for url in urls}
    assert len(names) == 1 and next(iter(names)).startswith("tavle-"), names
    paths = [url.split(" ")[1] for url in urls]
    assert "/offline" in paths and f"/citizens/{citizen.id}/board" in paths
    # The plan page was opened too: it is kept beside the board, for reading offline.
    kept = ("/offline", f"/citizens/{citizen.id}/board", f"/citizens/{citizen.id}")
    for path in paths:
        assert path in kept or re.fullmatch(r"/static/\S+\?v=\w+", path), path


def test_signing_out_forgets_the_kept_board(db: Session, new_context: Callable[..., BrowserContext]) -> None:
    citizen = _citizen(db)
    _context, page = _controlled_board(new_context, citizen)
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/login**")
    page.wait_for_function(
        "async () => !(await caches.keys()).length || !(await Promise.all((await caches.keys()).map("
        f"async (n) => (await caches.open(n)).match('/citizens/{citizen.id}/board')))).some(Boolean)"
    )


def test_a_new_version_takes_over_and_drops_the_old_files(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = _citizen(db)
    context, page = _controlled_board(new_context, citizen)
    old_caches = page.evaluate("caches.keys()")
    assert len(old_caches) == 1

    # A deploy: the same worker script with another version, as the server would send it.
    def next_version(route: Route) -> None:
        response = route.fetch()
        body = re.sub(r'const VERSION = "(\w+)";', 'const VERSION = "next-version";', response.text())
        route.fulfill(response=response, body=body)

    context.route("**/sw.js", next_version)
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_function(
        "caches.keys().then((names) => names.length === 1 && names[0] === 'tavle-next-version')"
    )
    # The open page is now controlled by the new worker, and works offline with the new cache.
    page.reload()
    _wait_until_kept(page, f"/citizens/{citizen.id}/board", "tavle-next-version")
    context.set_offline(True)
    page.reload()
    expect(page.locator("#column-todo")).to_contain_text("Ringe til lægen")
    expect(page.locator("[data-offline-notice]")).to_be_visible()


def test_an_event_stream_arrives_uncompressed_event_by_event(
    db: Session, new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    citizen = _citizen(db)
    context = new_context("phone", locale="da-DK")
    page = context.new_page()
    sign_in_citizen(page, "LISE-1")
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    with (
        httpx.Client(base_url=live_server.url, cookies=cookies, timeout=5) as client,
        client.stream(
            "GET",
            f"/citizens/{citizen.id}/board/events",
            headers={"Accept-Encoding": "gzip", "Accept": "text/event-stream"},
        ) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in stream.headers
        # The first event comes at once: a compressor would hold it back (the read times out).
        first = next(stream.iter_raw())
        assert first.startswith(b"retry: ")

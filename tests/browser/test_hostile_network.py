"""Live boards on hostile networks, in a real browser, through a small proxy the test starts in
front of a live server: a stream that is cut comes back and catches up; one that goes silent is
replaced; behind a proxy that buffers (so no stream ever gets through) the board polls
`?since=<version>` and still shows changes, and goes back to a stream once streams work."""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.models import Agreement, User
from tests import factories
from tests.browser.conftest import VIEWPORTS, sign_in_citizen
from tests.live import LiveServer, Visitor
from tests.proxy import Proxy

pytestmark = pytest.mark.browser

# Seconds between heartbeats on this test's server: a silent stream is given up after twice that.
BEAT = "1"


@pytest.fixture
def server(database_url: str, engine: Engine) -> Iterator[LiveServer]:  # noqa: ARG001
    """A server of its own with a short heartbeat; its own address is derived from the request
    (no public URL), so pages work through the proxy's address too."""
    live = LiveServer(database_url, {"TAVLE_PUBLIC_URL": "", "TAVLE_LIVE_HEARTBEAT_SECONDS": BEAT})
    yield live
    live.stop()


@pytest.fixture
def through(browser: Browser, server: LiveServer) -> Iterator[Callable[..., tuple[Proxy, Page]]]:
    """Anna's phone, on her board, through a proxy in front of the server."""
    opened: list[tuple[Proxy, BrowserContext]] = []

    def open_board(citizen: User, *, buffering: bool = False) -> tuple[Proxy, Page]:
        proxy = Proxy(server.port, buffering=buffering)
        context = browser.new_context(viewport=VIEWPORTS["phone"], locale="da-DK", base_url=proxy.url)
        context.set_default_timeout(10_000)
        opened.append((proxy, context))
        page = context.new_page()
        sign_in_citizen(page, "ANNA-1")
        page.goto(f"/citizens/{citizen.id}/board")
        return proxy, page

    yield open_board
    for proxy, context in opened:
        context.close()
        proxy.stop()


def _people(db: Session) -> tuple[User, Agreement]:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Anna Berg", code="ANNA-1")
    return citizen, factories.agreement(db, citizen, what="Ringe til lægen")


def _mette(server: LiveServer) -> Visitor:
    """Mette, on a good connection straight to the server."""
    mette = Visitor(server)
    mette.sign_in_staff("mette@example.dk")
    return mette


def _move(mette: Visitor, card: Agreement, to: str) -> None:
    answer = mette.post(f"/citizens/{card.citizen_id}/agreements/{card.id}/move", {"to": to})
    assert answer.status_code == 303, answer.text


def _live(page: Page, state: str, seconds: float = 10) -> None:
    expect(page.locator("#board")).to_have_attribute("data-live", state, timeout=seconds * 1000)


def test_a_stream_cut_without_an_event_comes_back_and_catches_up(
    db: Session, server: LiveServer, through: Callable[..., tuple[Proxy, Page]]
) -> None:
    citizen, card = _people(db)
    proxy, page = through(citizen)
    _live(page, "stream")
    mette = _mette(server)

    proxy.cut()
    _move(mette, card, "doing")
    expect(page.locator("#column-doing")).to_contain_text("Ringe til lægen", timeout=5_000)
    _live(page, "stream")

    # Cut again and again: it keeps coming back.
    for to in ("done", "todo"):
        proxy.cut()
        _move(mette, card, to)
        expect(page.locator(f"#column-{to}")).to_contain_text("Ringe til lægen", timeout=5_000)
    mette.close()


def test_a_stream_that_goes_silent_is_replaced(
    db: Session, server: LiveServer, through: Callable[..., tuple[Proxy, Page]]
) -> None:
    citizen, card = _people(db)
    proxy, page = through(citizen)
    _live(page, "stream")
    mette = _mette(server)

    # The connection still looks open, but nothing comes through it any more: no heartbeat
    # within twice the interval, so the page opens a new stream, which catches up.
    proxy.stall()
    _move(mette, card, "doing")
    expect(page.locator("#column-doing")).to_contain_text("Ringe til lægen", timeout=10_000)
    _live(page, "stream")
    mette.close()


def test_behind_a_buffering_proxy_the_board_polls_and_goes_back_to_a_stream(
    db: Session, server: LiveServer, through: Callable[..., tuple[Proxy, Page]]
) -> None:
    citizen, card = _people(db)
    proxy, page = through(citizen, buffering=True)
    # No stream gets through: after a few silent tries the page polls instead.
    _live(page, "polling", seconds=30)
    mette = _mette(server)

    _move(mette, card, "doing")
    expect(page.locator("#column-doing")).to_contain_text("Ringe til lægen", timeout=10_000)
    expect(page.locator("#board-live")).to_contain_text("Mette Hansen har flyttet")

    # The proxy stops buffering: the next try at a stream gets through, and polling ends.
    proxy.buffering = False
    _live(page, "stream", seconds=30)
    _move(mette, card, "done")
    expect(page.locator("#column-done")).to_contain_text("Ringe til lægen", timeout=10_000)
    mette.close()

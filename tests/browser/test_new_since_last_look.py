"""Issue 21, item 13: "New since you last looked" marks only what changed while the viewer was
away. A card Mette watched arrive live is not marked, then or after she comes back; a card Anna
added while Mette was away is."""

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from app.models import BoardSeen, User
from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser


def _propose(page: Page, what: str, button: str) -> None:
    page.locator("#agreement-new > summary").click()
    page.locator("#agreement-new textarea[name=what]").fill(what)
    page.get_by_role("button", name=button).click()


def _watched_until_moved(db: Session, staff: User, citizen: User, before: object) -> None:
    """The server has recorded that Mette's live view closed (it does so when the stream ends)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        db.expire_all()
        seen = db.get(BoardSeen, (staff.id, citizen.id))
        if seen is not None and seen.seen_at != before:
            return
        time.sleep(0.05)
    raise AssertionError("closing the board did not record that it was watched")


@pytest.mark.parametrize(
    ("citizen_locale", "staff_locale", "propose", "new_marker"),
    [
        ("da-DK", "en-GB", "Foreslå aftalen", "New since you last looked"),
        ("en-GB", "da-DK", "Propose the agreement", "Nyt siden du sidst kiggede"),
    ],
)
def test_only_what_changed_while_away_is_marked_new(
    db: Session,
    new_context: Callable[..., BrowserContext],
    citizen_locale: str,
    staff_locale: str,
    propose: str,
    new_marker: str,
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Anna Holm", code="ANNA-1")
    factories.agreement(db, citizen, what="Ringe til lægen")

    laptop = new_context("meeting", locale=staff_locale).new_page()
    sign_in_staff(laptop, "mette@example.dk")
    laptop.goto(f"/citizens/{citizen.id}/board")
    phone = new_context("phone", locale=citizen_locale).new_page()
    sign_in_citizen(phone, "ANNA-1")
    phone.goto(f"/citizens/{citizen.id}/board")
    expect(laptop.locator("#board-presence")).to_contain_text("Anna Holm")

    # Mette watches Anna's new card arrive: she saw it happen, so it is not "new since you last looked".
    _propose(phone, "Søge tre job", propose)
    watched = laptop.locator("li.board-card", has_text="Søge tre job")
    expect(watched).to_be_visible()
    expect(watched.locator(".board-marker")).to_have_count(0)

    # Mette leaves the board; Anna adds a card while she is away.
    db.expire_all()
    opened = db.get(BoardSeen, (staff.id, citizen.id))
    assert opened is not None
    laptop.goto("/caseload")
    _watched_until_moved(db, staff, citizen, opened.seen_at)
    _propose(phone, "Købe buskort", propose)
    expect(phone.locator("li.board-card", has_text="Købe buskort")).to_be_visible()

    # Back on the board: only the card added while she was away is marked.
    laptop.goto(f"/citizens/{citizen.id}/board")
    away = laptop.locator("li.board-card", has_text="Købe buskort")
    expect(away.locator(".board-marker")).to_contain_text(new_marker)
    expect(laptop.locator("li.board-card", has_text="Søge tre job").locator(".board-marker")).to_have_count(0)
    expect(
        laptop.locator("li.board-card", has_text="Ringe til lægen").locator(".board-marker")
    ).to_have_count(0)

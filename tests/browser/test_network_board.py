"""A network member on the citizen's board, live: the citizen (Danish phone), the consultant
(English laptop) and the citizen's sister (Danish phone) have the board open. A private card and
a shared card are made and changed; the sister sees the shared one appear and go, and the
private one never reaches her browser: not on the page, not in a live event, not announced."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser

# Everything the stream delivers to the page, as the page receives it (board.js tells).
RECORD_EVENTS = """
window.__tavleEvents = [];
document.addEventListener("tavle:live", (e) => {
  window.__tavleEvents.push(String((e.detail && e.detail.data) || ""));
});
"""


def _member(new_context: Callable[..., BrowserContext], code: str, citizen_id: int | None) -> Page:
    page = new_context("phone", locale="da-DK").new_page()
    page.add_init_script(RECORD_EVENTS)
    page.goto("/login")
    page.locator("#code").fill(code)
    page.locator("#pin").fill(factories.PIN)
    page.locator("form[action='/login/citizen'] button[type=submit]").click()
    page.wait_for_url("**/network")
    page.locator(f"#network-board-{citizen_id}").click()
    page.wait_for_url(f"**/citizens/{citizen_id}/board")
    return page


def _received(page: Page) -> str:
    return "\n".join(page.evaluate("window.__tavleEvents"))


def test_a_member_sees_shared_cards_appear_live_and_never_a_private_one(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette-net@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE-NET")
    factories.network_member(db, citizen, name="Louise Søster", code="LOUISE-NET")
    factories.challenge(db, citizen, title="Hemmelig udfordring")

    phone = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(phone, "LISE-NET")
    phone.goto(f"/citizens/{citizen.id}/board")
    laptop = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(laptop, "mette-net@example.dk")
    laptop.goto(f"/citizens/{citizen.id}/board")
    sister = _member(new_context, "LOUISE-NET", citizen.id)

    # All three streams are open once each sees the others.
    expect(sister.locator("#board-presence")).to_contain_text("Lise Lund")
    expect(sister.locator("#board-presence")).to_contain_text("Mette Hansen")
    expect(phone.locator("#board-presence")).to_contain_text("Louise Søster")
    expect(laptop.locator("#board-presence")).to_contain_text("Louise Søster")
    expect(sister.locator("#board-columns")).to_contain_text("Ingen aftaler her")
    expect(sister.locator("#agreement-new")).to_have_count(0)

    # The consultant proposes a card: private by default.
    laptop.locator("#agreement-new > summary").click()
    laptop.get_by_label("What is agreed?").fill("Privat aftale om gæld")
    laptop.get_by_role("button", name="Propose the agreement").click()
    expect(phone.locator("#column-todo")).to_contain_text("Privat aftale om gæld")

    # The citizen proposes a card and shares it with the network.
    phone.locator("#agreement-new > summary").click()
    phone.get_by_label("Hvad er aftalt?").fill("Gå tur med Louise søndag")
    phone.locator("#new-shared").check()
    phone.get_by_role("button", name="Foreslå aftalen").click()
    expect(laptop.locator("#column-todo")).to_contain_text("Gå tur med Louise søndag")
    expect(sister.locator("#column-todo")).to_contain_text("Gå tur med Louise søndag")
    expect(sister.locator("#board-live")).to_contain_text("Gå tur med Louise søndag")

    # The consultant moves the private card; the citizen accepts it. Both views follow.
    private_card = laptop.locator("li.board-card", has_text="Privat aftale om gæld")
    private_id = private_card.get_attribute("data-id")
    laptop.locator(f"#menu-{private_id}-summary").click()
    laptop.locator(f"#move-{private_id}-doing").click()
    expect(phone.locator("#column-doing")).to_contain_text("Privat aftale om gæld")
    phone.locator(f"#accept-{private_id}").click()
    expect(laptop.locator(f"#agreement-{private_id}")).to_contain_text("Agreed")

    # The citizen stops sharing the shared card: it leaves the sister's board live.
    shared_id = phone.locator("li.board-card", has_text="Gå tur med Louise søndag").get_attribute("data-id")
    phone.locator(f"#menu-{shared_id}-summary").click()
    phone.locator(f"#share-{shared_id}").click()
    expect(laptop.locator(f"#agreement-{shared_id}")).not_to_contain_text("Shared with the network")
    expect(sister.locator(f"#agreement-{shared_id}")).to_have_count(0)

    # Then shares it again: back it comes (once the phone's own button says so, not before).
    expect(phone.locator(f"#share-{shared_id}")).to_have_attribute("value", "yes")
    phone.locator(f"#share-{shared_id}").click()
    expect(laptop.locator(f"#agreement-{shared_id}")).to_contain_text("Shared with the network")
    expect(sister.locator(f"#agreement-{shared_id}")).to_contain_text("Gå tur med Louise søndag")

    # The sister's browser has never held the private card or the plan, in any event or on the page.
    received = _received(sister)
    assert "Gå tur med Louise søndag" in received, "the events were recorded"
    for secret in ("Privat aftale", "gæld", "Hemmelig udfordring"):
        assert secret not in received
        assert secret not in sister.content()
    # And she cannot change anything: no handles, no menus, no form.
    expect(sister.locator(".board-handle")).to_have_count(0)
    expect(sister.locator("details.board-menu")).to_have_count(0)

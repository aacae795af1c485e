"""Issue 21, item 12: two people move one card at nearly the same moment. The last move wins, and
the person whose move lost is told so: their card shows where it is now and who put it there,
and it is said aloud; a move made on a stale screen is refused the same way, naming the winner."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser


def _move(page: Page, card_id: int | None, to: str) -> None:
    if not page.locator(f"#menu-{card_id}").evaluate("menu => menu.open"):
        page.locator(f"#menu-{card_id}-summary").click()
    page.locator(f"#move-{card_id}-{to}").click()


@pytest.mark.parametrize(
    ("citizen_locale", "staff_locale", "after_you", "before_you"),
    [
        ("da-DK", "en-GB", "lige efter dig", "just before you"),
        ("en-GB", "da-DK", "just after your move", "lige før dig"),
    ],
)
def test_the_person_whose_move_lost_sees_where_the_card_is_and_why(
    db: Session,
    new_context: Callable[..., BrowserContext],
    citizen_locale: str,
    staff_locale: str,
    after_you: str,
    before_you: str,
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Anna Holm", code="ANNA-1")
    card = factories.agreement(db, citizen, what="Søge tre job")

    laptop = new_context("meeting", locale=staff_locale).new_page()
    sign_in_staff(laptop, "mette@example.dk")
    laptop.goto(f"/citizens/{citizen.id}/board")
    phone = new_context("phone", locale=citizen_locale).new_page()
    sign_in_citizen(phone, "ANNA-1")
    phone.goto(f"/citizens/{citizen.id}/board")
    expect(laptop.locator("#board-presence")).to_contain_text("Anna Holm")
    expect(phone.locator("#board-presence")).to_contain_text("Mette Hansen")

    # Anna moves the card to "in progress"; a moment later Mette moves it to "done". Last wins.
    _move(phone, card.id, "doing")
    expect(phone.locator("#column-doing")).to_contain_text("Søge tre job")
    expect(laptop.locator("#column-doing")).to_contain_text("Søge tre job")
    _move(laptop, card.id, "done")
    expect(laptop.locator("#column-done")).to_contain_text("Søge tre job")

    # Anna's move lost: her card, now in "done", says who moved it there just after her.
    why = phone.locator(f"#agreement-{card.id}-why")
    expect(why).to_contain_text("Mette Hansen")
    expect(why).to_contain_text(after_you)
    expect(phone.locator("#column-done")).to_contain_text("Søge tre job")
    expect(phone.locator("#board-live")).to_contain_text(after_you)
    expect(laptop.locator(f"#agreement-{card.id}-why")).to_have_count(0)

    # A screen that missed the live update (its stream cut) moves the card: refused, and told
    # who moved it where, on the card, which stays where the winner put it.
    laptop.route("**/board/events**", lambda route: route.abort())
    laptop.reload()
    _move(phone, card.id, "todo")
    expect(phone.locator("#column-todo")).to_contain_text("Søge tre job")
    _move(laptop, card.id, "doing")
    lost = laptop.locator(f"#agreement-{card.id}-why")
    expect(lost).to_contain_text("Anna Holm")
    expect(lost).to_contain_text(before_you)
    expect(laptop.locator("#column-todo")).to_contain_text("Søge tre job")
    expect(laptop.locator("#board-live")).to_contain_text(before_you)

"""The job centre's staff changes, in a real browser, on SQLite and PostgreSQL: an admin closes
a consultant's account while the consultant has a board open (it empties at once, and signing
in again is refused), and moves a leaving consultant's whole caseload to a colleague (the
caseload moves, live, and the citizens are told)."""

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from app.models import Role
from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff
from tests.browser.test_consent import WITHIN_MS

pytestmark = pytest.mark.browser


def _admin(new_context: Callable[..., BrowserContext], db: Session) -> Page:
    factories.staff(db, Role.admin, "admin-browser@example.dk", name="Adam Holm")
    page = new_context("meeting", locale="da-DK").new_page()
    page.goto("/login/staff")
    page.locator("#email").fill("admin-browser@example.dk")
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("form[action='/login/staff'] button[type=submit]").click()
    page.wait_for_url("**/admin")
    return page


def _stream_open(page: Page, selector: str) -> None:
    if selector == "#board":
        # The board's own script says when its stream has spoken.
        expect(page.locator("#board")).to_have_attribute("data-live", "stream")
        return
    page.wait_for_function(
        f"() => {{ const b = document.querySelector('{selector}'); const d = b && b['htmx-internal-data'];"
        " return d && d.sseEventSource && d.sseEventSource.readyState === 1; }"
    )


def test_a_closed_consultants_open_board_closes_and_their_sign_in_is_refused(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    mette = factories.consultant(db, name="Mette Hansen", email="mette-close@example.dk")
    citizen = factories.citizen(db, mette, name="Lise Lund", code="LISE-C")
    factories.agreement(db, citizen, what="Tale med lægen om søvn")
    laptop = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(laptop, "mette-close@example.dk")
    laptop.goto(f"/citizens/{citizen.id}/board")
    expect(laptop.locator("#board-columns")).to_contain_text("Tale med lægen om søvn")
    _stream_open(laptop, "#board")
    admin = _admin(new_context, db)

    admin.get_by_role("button", name="Luk kontoen for Mette Hansen").click()
    admin.wait_for_url("**/admin?done=closed**")
    closed = time.monotonic()
    expect(admin.get_by_role("status")).to_contain_text("Kontoen er lukket.")
    expect(laptop.locator("#board-columns")).to_have_count(0, timeout=WITHIN_MS)
    assert time.monotonic() - closed <= WITHIN_MS / 1000 + 0.2
    expect(laptop.locator("#main")).to_contain_text("You can no longer see this board.")
    expect(laptop.locator("#main")).not_to_contain_text("Tale med lægen om søvn")

    laptop.goto("/login/staff")
    laptop.locator("#email").fill("mette-close@example.dk")
    laptop.locator("#password").fill(factories.PASSWORD)
    laptop.locator("form[action='/login/staff'] button[type=submit]").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("This account is closed")
    fresh = laptop.goto(f"/citizens/{citizen.id}/board")
    assert fresh is not None and "/login" in laptop.url

    # The citizen sees it under "who has access to my plan".
    phone = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(phone, "LISE-C")
    phone.goto(f"/citizens/{citizen.id}/privacy")
    expect(phone.locator("#access")).to_contain_text("Kontoen er lukket. Personen kan ikke se din plan.")
    expect(phone.locator("#history")).to_contain_text("Kontoen for Mette Hansen er lukket.")


def test_an_admins_transfer_moves_the_caseload(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    mette = factories.consultant(db, name="Mette Hansen", email="mette-move@example.dk")
    factories.consultant(db, name="Karsten Berg", email="karsten-move@example.dk")
    lise = factories.citizen(db, mette, name="Lise Lund", code="LISE-M")
    factories.citizen(db, mette, name="Bo Borg")
    leaving = new_context("meeting", locale="da-DK").new_page()
    sign_in_staff(leaving, "mette-move@example.dk")
    expect(leaving.locator("#caseload-rows")).to_contain_text("Lise Lund")
    _stream_open(leaving, "#caseload-live")
    admin = _admin(new_context, db)

    admin.locator("#transfer-from").select_option(label="Mette Hansen")
    admin.locator("#transfer-to").select_option(label="Karsten Berg")
    admin.get_by_role("button", name="Flyt borgerne").click()
    admin.wait_for_url("**/admin?moved=2**")
    expect(admin.get_by_role("status")).to_contain_text("2 borgere er flyttet til den nye konsulent.")
    # Mette's open caseload follows at once.
    expect(leaving.locator("#caseload-rows")).not_to_contain_text("Lise Lund", timeout=WITHIN_MS)
    expect(leaving.locator("#caseload-rows")).not_to_contain_text("Bo Borg")

    taking = new_context("meeting", locale="da-DK").new_page()
    sign_in_staff(taking, "karsten-move@example.dk")
    expect(taking.locator("#caseload-rows")).to_contain_text("Lise Lund")
    expect(taking.locator("#caseload-rows")).to_contain_text("Bo Borg")
    taking.locator(f"#caseload-citizen-{lise.id} a.card-link").click()
    expect(taking.get_by_role("heading", level=1)).to_have_text("Plan for Lise Lund")

    phone = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(phone, "LISE-M")
    phone.goto(f"/citizens/{lise.id}/privacy")
    expect(phone.locator("#access")).to_contain_text("Karsten Berg (konsulent)")
    expect(phone.locator("#access")).not_to_contain_text("Mette Hansen")
    expect(phone.locator("#history")).to_contain_text("Karsten Berg blev din konsulent.")
    expect(phone.locator("#history")).to_contain_text("Mette Hansen er ikke længere din konsulent.")

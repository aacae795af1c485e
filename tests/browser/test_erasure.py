"""Erasure on request, in a real browser on SQLite and PostgreSQL: the citizen asks on the
privacy page, the administrator finds it in the queue with its date and refuses with a reason,
which the citizen reads; asked again, the administrator erases, and the citizen's open board
leaves the screen."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlmodel import Session

from app.models import User
from tests import factories
from tests.browser.conftest import sign_in_citizen
from tests.browser.test_consent import WITHIN_MS
from tests.browser.test_staff_lifecycle import _admin, _stream_open

pytestmark = pytest.mark.browser


def test_the_erasure_request_goes_from_the_citizen_to_the_admin_and_back(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = factories.citizen(db, factories.consultant(db), name="Lise Lund", code="LISE-E")
    factories.agreement(db, citizen, what="Ringe til lægen")
    citizen_id = citizen.id
    phone = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(phone, "LISE-E")
    phone.goto(f"/citizens/{citizen_id}/privacy")
    phone.get_by_role("button", name="Bed om at få slettet alle mine data").click()
    expect(phone.locator("#erasure-state")).to_contain_text("Du bad om det")
    expect(phone.locator("#history")).to_contain_text("Du bad om at få slettet alle dine data.")

    admin = _admin(new_context, db)
    queue = admin.locator("#erasure-queue")
    expect(queue).to_contain_text("Lise Lund")
    expect(queue).to_contain_text("Bedt om")
    queue.get_by_text("Afvis anmodningen").first.click()
    queue.get_by_role("button", name="Afvis anmodningen").click()
    expect(admin.locator(".field-error")).to_contain_text("Skriv hvorfor, så borgeren kan læse det.")
    reason = "Vi må gemme sagen, til klagefristen er udløbet. Spørg din konsulent."
    admin.get_by_label("Hvorfor ikke? Borgeren læser det her.").fill(reason)
    admin.locator("#erasure-queue").get_by_role("button", name="Afvis anmodningen").click()
    expect(admin.get_by_role("status")).to_contain_text("Anmodningen er afvist.")
    expect(admin.locator("#erasure-queue")).to_contain_text("Ingen borgere har bedt om at blive slettet.")

    phone.reload()
    expect(phone.locator("#erasure-state")).to_contain_text("blev afvist")
    expect(phone.locator("#erasure-state")).to_contain_text(reason)

    # Asked again; this time the administrator erases, with the citizen's board open.
    phone.get_by_role("button", name="Bed om at få slettet alle mine data").click()
    expect(phone.locator("#erasure-state")).to_contain_text("Du bad om det")
    phone.goto(f"/citizens/{citizen_id}/board")
    _stream_open(phone, "#board")
    admin.reload()
    admin.get_by_role("link", name="Slet Lise Lund").first.click()
    admin.get_by_label("Skriv borgerens fulde navn for at bekræfte").fill("Lise Lund")
    admin.get_by_role("button", name="Slet for altid").click()
    expect(admin.get_by_role("status")).to_contain_text("Borgeren er slettet.")
    expect(phone.locator("#board-columns")).to_have_count(0, timeout=WITHIN_MS)
    expect(phone.locator("#main")).not_to_contain_text("Ringe til lægen")
    phone.goto(f"/citizens/{citizen_id}/privacy")
    phone.wait_for_url("**/login**")
    db.expunge_all()
    assert db.get(User, citizen_id) is None

"""A conversation between meetings, in real browsers on a live server: Anna writes on an
agreement's thread on her phone (Danish); Mette's open board and caseload (English) show it at
once, marked as waiting for her answer; Mette answers, and Anna's open thread shows the answer
and that Mette has seen her message, with no reload. Anna's half-written next message survives
the live update and a reload."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser
DRAFTS = "Object.keys(localStorage).filter((key) => key.startsWith('tavle-draft:')).length"


def _live(page: Page, selector: str) -> None:
    expect(page.locator(selector)).to_have_attribute("data-live", "open")


def test_anna_writes_mette_sees_it_live_answers_and_anna_sees_it_seen(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    mette = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    anna = factories.citizen(db, mette, name="Anna Jensen", code="ANNA-1")
    card = factories.agreement(db, anna, what="Ringe til tandlægen")

    laptop = new_context("meeting", locale="en-GB")
    caseload = laptop.new_page()
    sign_in_staff(caseload, "mette@example.dk")
    _live(caseload, "#caseload-live")
    expect(caseload.locator(f"#caseload-waiting-{anna.id}")).to_have_count(0)
    board = laptop.new_page()
    board.goto(f"/citizens/{anna.id}/board")

    phone = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(phone, "ANNA-1")
    phone.goto(f"/citizens/{anna.id}/board")
    expect(board.locator("#board-presence")).to_contain_text("Anna Jensen")
    phone.locator(f"#thread-link-{card.id}").click()
    phone.wait_for_url(f"**/citizens/{anna.id}/agreements/{card.id}/messages")
    _live(phone, "#conversation")
    phone.get_by_label("Din besked").fill("Jeg kan ikke ringe i dag. Kan vi flytte det?")
    phone.get_by_label("Jeg venter på svar").check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(".thread-message")).to_contain_text("Kan vi flytte det?")

    # Mette's open board and caseload show it at once, marked as waiting for her answer.
    expect(board.locator(f"#thread-waiting-{card.id}")).to_contain_text("Waiting for your answer")
    expect(board.locator(f"#thread-link-{card.id}")).to_contain_text("1 message")
    expect(board.locator("#board-live")).to_contain_text(
        "Anna Jensen wrote a message about “Ringe til tandlægen”"
    )
    expect(caseload.locator(f"#caseload-waiting-{anna.id}")).to_contain_text("Waiting for your answer")

    # Anna starts her next message and leaves it half-written.
    _live(phone, "#conversation")
    address = phone.url
    phone.get_by_label("Din besked").fill("Og så en ting mere")

    # Mette opens the thread: Anna's view says so at once.
    board.locator(f"#thread-link-{card.id}").click()
    board.wait_for_url(f"**/agreements/{card.id}/messages")
    expect(board.locator("#thread-waiting")).to_contain_text("Waiting for your answer")
    expect(phone.locator("#thread-seen")).to_have_text(re.compile(r"Set af Mette Hansen \d\d\.\d\d"))

    # Mette answers; Anna's open thread shows it, with no reload, and still "seen" for Mette.
    board.get_by_label("Your message").fill("Ja, vi flytter det til torsdag.")
    board.get_by_role("button", name="Send").click()
    expect(board.locator("#thread-waiting")).to_have_count(0)
    expect(phone.locator(".thread-message").last).to_contain_text("Ja, vi flytter det til torsdag.")
    expect(phone.locator("#thread-live")).to_contain_text("Mette Hansen skrev en besked.")
    expect(phone.locator("#thread-seen")).to_contain_text("Set af Mette Hansen")
    assert phone.url == address, "no reload, no navigation"

    # The half-written message survived the live update, and survives a reload.
    expect(phone.get_by_label("Din besked")).to_have_value("Og så en ting mere")
    phone.reload()
    expect(phone.get_by_label("Din besked")).to_have_value("Og så en ting mere")

    # Answered: the caseload no longer says it waits for Mette.
    expect(caseload.locator(f"#caseload-waiting-{anna.id}")).to_have_count(0)

    # Signing out leaves no draft behind on the phone.
    assert phone.evaluate(DRAFTS) == 1
    phone.locator("form[action='/logout'] button").click()
    phone.wait_for_url(lambda url: "/messages" not in url)
    assert phone.evaluate(DRAFTS) == 0

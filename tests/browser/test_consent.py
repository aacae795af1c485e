"""The citizen's two consents, in a real browser: asked at the first sign-in in plain words
with read aloud, and withdrawn with the other person's board open on their own screen, which
empties within a second (and stays shut to a fresh look). On SQLite and PostgreSQL."""

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff
from tests.browser.speech import record_speech, spoken

pytestmark = pytest.mark.browser

WITHIN_MS = 1000


def test_the_first_sign_in_asks_both_questions_in_plain_words_with_read_aloud(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = factories.citizen(db, name="Lise Lund", code="LISE-NY", consent=False)
    context = new_context("phone", locale="da-DK")
    context.add_init_script(record_speech())
    page = context.new_page()
    sign_in_citizen(page, "LISE-NY", lands=f"**/citizens/{citizen.id}/consent**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Før du går i gang")
    question = page.get_by_role("group", name="1. Må din konsulent se din plan i Tavle?")
    expect(question).to_be_visible()
    question.get_by_role("button", name="Læs op: Må din konsulent se din plan i Tavle?").click()
    said = spoken(page)
    assert said[0]["text"] == "Må din konsulent se din plan i Tavle?" and said[0]["lang"].startswith("da")

    # One answer missing: told in plain words, the other answer kept.
    page.get_by_role("radio", name="Ja: Min konsulent i jobcentret må se min plan i Tavle").check()
    page.get_by_role("button", name="Gem mine svar").click()
    expect(page.locator(".error-summary")).to_contain_text("Vælg ja eller nej.")
    expect(page.locator("#consent-consultant-yes")).to_be_checked()
    page.get_by_role("radio", name="Nej: Mit netværk ser ingenting.").check()
    page.get_by_role("button", name="Gem mine svar").click()
    page.wait_for_url(f"**/citizens/{citizen.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Lise")

    page.goto(f"/citizens/{citizen.id}/privacy")
    expect(page.locator("#consent-consultant-state")).to_contain_text("Ja.")
    expect(page.locator("#consent-network-state")).to_contain_text("Dit netværk kan ikke se noget.")
    expect(page.locator("#history")).to_contain_text("Du sagde nej: Dit netværk må ikke se noget.")


def test_an_english_citizen_is_asked_in_english_and_hears_it_in_english(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = factories.citizen(db, name="Sara Ahmed", code="SARA-NY", locale="en", consent=False)
    context = new_context("phone", locale="en-GB")
    context.add_init_script(record_speech())
    page = context.new_page()
    sign_in_citizen(page, "SARA-NY", lands=f"**/citizens/{citizen.id}/consent**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    question = page.get_by_role("group", name="2. May your network see the cards you choose to share?")
    question.get_by_role("button", name="Read aloud: No: my network sees nothing.").click()
    said = spoken(page)
    assert said[-1]["text"] == "No: my network sees nothing." and said[-1]["lang"].startswith("en")
    # Nothing is shared before the answer: leaving the page for the start page asks again.
    page.goto("/")
    page.wait_for_url(f"**/citizens/{citizen.id}/consent**")
    page.get_by_role("radio", name="Yes: my consultant at the job centre may see my plan in Tavle").check()
    page.get_by_role("radio", name="Yes: the people I invite to my network may see").check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(f"**/citizens/{citizen.id}")
    page.goto(f"/citizens/{citizen.id}/privacy")
    expect(page.locator("#consent-consultant-state")).to_contain_text("Yes. Your consultant can see")
    expect(page.locator("#consent-network-state")).to_contain_text("Yes. Your network can see the cards")
    expect(page.locator("#history")).to_contain_text("You said yes: your consultant may see your plan.")


def _board(page: Page, citizen_id: int | None) -> None:
    page.goto(f"/citizens/{citizen_id}/board")
    expect(page.locator("#board-columns")).to_be_visible()
    # The stream is open once it has said something (it says hello at once).
    expect(page.locator("#board")).to_have_attribute("data-live", "stream")


def _withdraw(phone: Page, citizen_id: int | None, scope: str, button: str) -> float:
    phone.goto(f"/citizens/{citizen_id}/privacy")
    phone.get_by_role("button", name=button).click()
    phone.wait_for_url(f"**/citizens/{citizen_id}/privacy#consent-{scope}")
    expect(phone.locator(f"#consent-{scope}-state")).to_contain_text("Nej.")
    return time.monotonic()


def test_withdrawing_a_empties_the_consultants_open_board_within_a_second(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette-a@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE-A")
    factories.agreement(db, citizen, what="Tale med lægen om søvn")
    laptop = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(laptop, "mette-a@example.dk")
    _board(laptop, citizen.id)
    expect(laptop.locator("#board-consent")).to_contain_text("Shares their plan with you.")
    phone = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(phone, "LISE-A")

    saved = _withdraw(phone, citizen.id, "consultant", "Stop med at dele min plan med min konsulent")
    expect(laptop.locator("#board-columns")).to_have_count(0, timeout=WITHIN_MS)
    assert time.monotonic() - saved <= WITHIN_MS / 1000 + 0.2
    expect(laptop.locator("#main")).to_contain_text("You can no longer see this board.")
    expect(laptop.locator("#main")).not_to_contain_text("Tale med lægen om søvn")
    fresh = laptop.goto(f"/citizens/{citizen.id}/board")
    assert fresh is not None and fresh.status == 404
    laptop.goto("/caseload")
    expect(laptop.locator(f"#consent-state-{citizen.id}")).to_contain_text("Has not shared their plan.")

    # Given again: everything is back, nothing was deleted.
    phone.get_by_role("button", name="Del min plan med min konsulent").click()
    expect(phone.locator("#consent-consultant-state")).to_contain_text("Ja.")
    _board(laptop, citizen.id)
    expect(laptop.locator("#board-columns")).to_contain_text("Tale med lægen om søvn")


def test_withdrawing_b_empties_the_members_open_board_within_a_second(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = factories.citizen(db, name="Lise Lund", code="LISE-B")
    factories.network_member(db, citizen, name="Louise Søster", code="LOUISE-B")
    factories.agreement(db, citizen, what="Gå tur med Louise søndag", shared=True)
    sister = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(sister, "LOUISE-B", lands="**/network")
    _board(sister, citizen.id)
    expect(sister.locator("#board-columns")).to_contain_text("Gå tur med Louise søndag")
    phone = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(phone, "LISE-B")

    saved = _withdraw(phone, citizen.id, "network", "Stop med at dele kort med mit netværk")
    expect(sister.locator("#board-columns")).to_have_count(0, timeout=WITHIN_MS)
    assert time.monotonic() - saved <= WITHIN_MS / 1000 + 0.2
    expect(sister.locator("#main")).to_contain_text("Du kan ikke længere se denne tavle.")
    fresh = sister.goto(f"/citizens/{citizen.id}/board")
    assert fresh is not None and fresh.status == 404
    sister.goto("/network")
    expect(sister.locator(f"#network-nothing-{citizen.id}")).to_contain_text("Lise deler ikke noget med dig")

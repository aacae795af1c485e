"""Read aloud: the button beside a citizen-facing text hands that text to the browser's speech
synthesis in the page's language, and is not offered where the browser cannot speak. The
speech engine is replaced by a recorder, so the test hears exactly what would be said."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from app.models import User
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, sign_in_citizen
from tests.browser.speech import record_speech, spoken

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]

NO_SPEECH = """Object.defineProperty(window, "speechSynthesis", { configurable: true, value: undefined });"""


def _citizen(db: Session, locale: str | None = None) -> User:
    citizen = factories.citizen(db, name="Lise Lund", code="LISE-1", locale=locale)
    factories.challenge(db, citizen, title="Sove bedre om natten")
    factories.goal(db, citizen, title="Kunne cykle til praktik")
    factories.agreement(db, citizen, what="Ringe til lægen")
    return citizen


def _page(new_context: Callable[..., BrowserContext], script: str, locale: str = "da-DK") -> Page:
    context = new_context("phone", locale=locale)
    context.add_init_script(script)
    page = context.new_page()
    sign_in_citizen(page, "LISE-1")
    return page


def test_the_agreement_on_the_board_is_read_aloud_in_danish(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = _citizen(db)
    page = _page(new_context, record_speech())
    page.goto(f"/citizens/{citizen.id}/board")
    card = page.locator("li.board-card", has_text="Ringe til lægen")
    button = card.get_by_role("button", name="Læs op")
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Læs op: Ringe til lægen")
    button.click()
    said = spoken(page)
    assert len(said) == 1
    assert said[0]["text"] == "Ringe til lægen"
    assert said[0]["lang"].startswith("da")

    # On a phone the plan is folded beneath the agreements: one tap opens it.
    page.locator("#board-plan-fold > summary").click()
    page.locator("#board-goals").get_by_role("button", name="Læs op").click()
    page.locator("#board-challenges").get_by_role("button", name="Læs op").click()
    assert [s["text"] for s in spoken(page)[1:]] == ["Kunne cykle til praktik", "Sove bedre om natten"]


def test_the_plan_is_read_aloud_in_english_when_the_citizen_reads_english(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = _citizen(db, locale="en")
    page = _page(new_context, record_speech(), locale="en-GB")
    page.goto(f"/citizens/{citizen.id}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Read aloud: Kunne cykle til praktik").click()
    said = spoken(page)
    assert said == [{"text": "Kunne cykle til praktik", "lang": said[0]["lang"]}]
    assert said[0]["lang"].startswith("en")


def test_a_button_added_by_a_live_update_reads_aloud_too(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = _citizen(db)
    page = _page(new_context, record_speech())
    page.goto(f"/citizens/{citizen.id}/board")
    page.get_by_text("Ny aftale").click()
    page.get_by_label("Hvad er aftalt?").fill("Købe buskort")
    page.get_by_role("button", name="Foreslå aftalen").click()
    card = page.locator("li.board-card", has_text="Købe buskort")
    card.get_by_role("button", name="Læs op").click()
    assert spoken(page)[-1]["text"] == "Købe buskort"


def test_no_button_where_the_browser_cannot_speak(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = _citizen(db)
    page = _page(new_context, NO_SPEECH)
    page.goto(f"/citizens/{citizen.id}/board")
    expect(page.locator("li.board-card", has_text="Ringe til lægen")).to_be_visible()
    # The three cards' buttons, and those of the help panel.
    in_help = page.locator("#plain-help [data-read-aloud]").count()
    assert page.locator("[data-read-aloud]").count() == 3 + in_help
    for button in page.locator("[data-read-aloud]").all():
        expect(button).to_be_hidden()

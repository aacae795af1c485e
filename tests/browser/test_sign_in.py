"""A person signs in and switches language in a real Chromium, on a phone and a meeting screen."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, sign_in_citizen, sign_in_staff

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]


@pytest.mark.parametrize("viewport", ["phone", "meeting"])
def test_citizen_signs_in_on_a_phone_and_sees_own_plan_in_danish(
    db: Session, new_context: Callable[..., BrowserContext], viewport: str
) -> None:
    me = factories.citizen(db, name="Lise Lund", code="LISE-1")
    factories.challenge(db, me, title="Sove bedre om natten")
    page = new_context(viewport).new_page()
    sign_in_citizen(page, "lise-1", through_form=True)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Lise")
    expect(page.get_by_text("Sove bedre om natten")).to_be_visible()


def test_wrong_pin_shows_a_message_and_keeps_the_code(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    factories.citizen(db, code="LISE-2")
    page = new_context("phone").new_page()
    page.goto("/login")
    page.locator("#code").fill("LISE-2")
    page.locator("#pin").fill("000000")
    page.get_by_role("button", name="Log ind", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Koden eller pinkoden er forkert")
    expect(page.locator("#code")).to_have_value("LISE-2")


@pytest.mark.parametrize("viewport", ["phone", "meeting"])
def test_language_switch_changes_every_visible_string(
    db: Session, new_context: Callable[..., BrowserContext], viewport: str
) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    factories.citizen(db, staff, name="Egen Borger")
    page = new_context(viewport).new_page()
    sign_in_staff(page, "karin@example.dk", through_form=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine borgere")
    danish_text = page.locator("body").inner_text()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My citizens")
    english_text = page.locator("body").inner_text()
    for danish_word in ("Mine borgere", "Log ud", "Du arbejder med"):
        assert danish_word in danish_text and danish_word not in english_text
    page.get_by_role("button", name="Dansk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine borgere")


@pytest.mark.usefixtures("db")
def test_english_browser_gets_english_first(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context("phone", locale="en-GB").new_page()
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Tavle")


def test_consultant_cannot_open_a_citizen_outside_the_caseload(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    factories.consultant(db, email="karin@example.dk")
    other = factories.consultant(db, email="other@example.dk")
    foreign = factories.citizen(db, other, name="Fremmed Borger")
    page = new_context("meeting").new_page()
    sign_in_staff(page, "karin@example.dk", through_form=True)
    response = page.goto(f"/citizens/{foreign.id}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Siden findes ikke")
    assert "Fremmed" not in page.content()

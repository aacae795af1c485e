"""What a new consultant met on a 1920 × 1080 screen in English (and a citizen on a 390 × 844
phone in Danish): the way to a new citizen and to the meeting screen, the social frikort in the
menu, a meeting in the past, numbers in other digits, and text that reads backwards."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from app.models import Agreement, Meeting, Outcome, User
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, sign_in_citizen, sign_in_staff

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]


def _mette(db: Session, new_context: Callable[..., BrowserContext]) -> tuple[Page, User]:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Anna Jensen", code="ANNA-1")
    page = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(page, "mette@example.dk")
    return page, citizen


def test_new_citizen_and_the_meeting_screen_are_one_click_away(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    page, citizen = _mette(db, new_context)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New citizen").click()
    expect(page).to_have_url(re.compile(r"/caseload/citizens/new$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New citizen")
    page.get_by_role("link", name="My citizens", exact=True).click()
    card = page.locator(f"#caseload-citizen-{citizen.id}")
    card.get_by_role("link", name="Meeting screen – Anna Jensen").click()
    expect(page).to_have_url(re.compile(rf"/citizens/{citizen.id}/meeting$"))
    expect(page.get_by_role("heading", name="Follow on your phone")).to_be_visible()


def test_a_meeting_in_the_past_is_refused_and_the_date_kept(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    page, citizen = _mette(db, new_context)
    card = page.locator(f"#caseload-citizen-{citizen.id}")
    card.get_by_text("Plan a meeting").click()
    card.get_by_label("Date and time").fill("2020-01-01T10:00")
    card.get_by_role("button", name="Save the meeting").click()
    card = page.locator(f"#caseload-citizen-{citizen.id}")
    expect(card.get_by_role("alert")).to_have_text("The date has passed. Choose today or a later date.")
    expect(card.get_by_label("Date and time")).to_have_value("2020-01-01T10:00")
    assert db.exec(select(Meeting)).all() == []


def test_the_consultant_adds_a_social_frikort_from_the_menu(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    page, citizen = _mette(db, new_context)
    page.goto(f"/citizens/{citizen.id}/interventions")
    page.get_by_role("radio", name="Social frikort").check()
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social frikort")
    phone = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(phone, "ANNA-1")
    phone.goto(f"/citizens/{citizen.id}/interventions")
    expect(phone.get_by_role("link", name="Socialt frikort")).to_be_visible()


def test_wage_hours_in_other_digits_are_refused_and_kept(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    page, citizen = _mette(db, new_context)
    page.goto(f"/citizens/{citizen.id}/outcomes")
    page.get_by_label("Month", exact=True).fill("2026-03")
    page.get_by_label("Wage hours in the month").fill("١٠")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#hours-error")).to_have_text(
        "Write the number of wage hours in the month, from 0 to 744."
    )
    expect(page.get_by_label("Wage hours in the month")).to_have_value("١٠")
    assert db.exec(select(Outcome)).all() == []


def test_text_that_would_read_backwards_is_refused_on_the_meeting_screen(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    page, citizen = _mette(db, new_context)
    page.goto(f"/citizens/{citizen.id}/meeting")
    page.get_by_text("New agreement").click()
    typed = "Ringe til \u202elægen"
    page.get_by_label("What is agreed?").fill(typed)
    page.get_by_role("button", name="Propose the agreement").click()
    expect(page.locator("#new-what-error")).to_contain_text("characters we cannot save")
    expect(page.get_by_label("What is agreed?")).to_have_value(typed)
    page.get_by_label("What is agreed?").fill("Ringe til lægen")
    page.get_by_role("button", name="Propose the agreement").click()
    expect(page.locator("#column-todo")).to_contain_text("Ringe til lægen")
    assert [a.what for a in db.exec(select(Agreement)).all()] == ["Ringe til lægen"]

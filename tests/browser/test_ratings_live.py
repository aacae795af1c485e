"""A citizen rates an intervention on a phone; the consultant's caseload overview, open in
another browser, shows the new rating and the flag without a reload, each in its own language."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlmodel import Session

from app.models import MeaningfulnessRating
from app.models.base import utcnow
from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("citizen_locale", "staff_locale", "rated_text", "locale_lang"),
    [("da-DK", "en-GB", "Meaningful: 2 of 10", "en"), ("en-GB", "da-DK", "Meningsfuld: 2 ud af 10", "da")],
)
def test_rating_on_phone_shows_live_on_caseload(
    db: Session,
    new_context: Callable[..., BrowserContext],
    citizen_locale: str,
    staff_locale: str,
    rated_text: str,
    locale_lang: str,
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE-1")
    item = factories.intervention(db, citizen)
    db.add(MeaningfulnessRating(intervention_id=item.id or 0, value=8, rated_at=utcnow() - timedelta(days=3)))
    db.commit()

    laptop = new_context("meeting", locale=staff_locale).new_page()
    sign_in_staff(laptop, "mette@example.dk")
    expect(laptop.locator("html")).to_have_attribute("lang", locale_lang)
    row = laptop.locator(f"#caseload-citizen-{citizen.id}")
    expect(row.locator(".caseload-rating")).to_contain_text("8")
    expect(row.locator(".flag")).to_have_count(0)
    expect(laptop.locator("#caseload-live")).to_have_attribute("data-live", "open")

    phone = new_context("phone", locale=citizen_locale).new_page()
    sign_in_citizen(phone, "LISE-1")
    phone.goto(f"/citizens/{citizen.id}/interventions/{item.id}")
    # Large targets: each of the 11 answers is at least 44 px high on a phone.
    box = phone.locator("label[for=rating-2]").bounding_box()
    assert box is not None and box["height"] >= 44
    phone.locator("label[for=rating-2]").click()
    expect(phone.locator("#rating-2")).to_be_checked()
    phone.locator("#rating-reason").fill("Det er svært lige nu")
    phone.locator("form[action$='/ratings'] button[type=submit]").click()
    phone.wait_for_url("**notice=rated")

    # No reload on the laptop: the row updates through the stream.
    expect(row.locator(".caseload-rating")).to_have_text(rated_text)
    expect(row.locator(".flag")).to_have_count(2)  # low, and fell by 6
    expect(row.locator(".flag").first).to_contain_text("2")
    expect(row.locator(f"a[href='/citizens/{citizen.id}/board']").first).to_be_visible()


def test_a_half_planned_meeting_survives_a_live_update(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    staff = factories.consultant(db, email="ole@example.dk")
    citizen = factories.citizen(db, staff, code="HALF-1")
    item = factories.intervention(db, citizen)
    laptop = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(laptop, "ole@example.dk")
    expect(laptop.locator("#caseload-live")).to_have_attribute("data-live", "open")
    row = laptop.locator(f"#caseload-citizen-{citizen.id}")
    row.locator(".caseload-meeting > summary").click()
    when = row.locator(f"#meeting-at-{citizen.id}")
    when.fill("2031-03-04T10:30")

    db.add(MeaningfulnessRating(intervention_id=item.id or 0, value=4, rated_at=utcnow()))
    db.commit()
    phone = new_context("phone", locale="en-GB").new_page()
    sign_in_citizen(phone, "HALF-1")
    phone.goto(f"/citizens/{citizen.id}/interventions/{item.id}")
    phone.locator("label[for=rating-7]").click()
    phone.locator("form[action$='/ratings'] button[type=submit]").click()
    phone.wait_for_url("**notice=rated")

    expect(row.locator(".caseload-rating")).to_have_text("Meaningful: 7 of 10")
    expect(row.locator("details.caseload-meeting")).to_have_attribute("open", "")
    expect(row.locator("details.caseload-case")).not_to_have_attribute("open", "")
    expect(row.locator(f"#meeting-at-{citizen.id}")).to_have_value("2031-03-04T10:30")


def test_rating_is_usable_by_keyboard(db: Session, new_context: Callable[..., BrowserContext]) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    citizen = factories.citizen(db, staff, code="KEY-1")
    item = factories.intervention(db, citizen)
    phone = new_context("phone", locale="en-GB").new_page()
    sign_in_citizen(phone, "KEY-1")
    phone.goto(f"/citizens/{citizen.id}/interventions/{item.id}")
    phone.locator("#rating-5").focus()
    phone.keyboard.press("ArrowRight")
    expect(phone.locator("#rating-6")).to_be_checked()
    expect(phone.locator("fieldset.rating legend")).to_have_text("Choose a number from 0 to 10")
    phone.keyboard.press("Tab")
    expect(phone.locator("#rating-reason")).to_be_focused()

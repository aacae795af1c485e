"""Issue 21, item 15: a citizen says "Helst ikke" (I'd rather not) to a suggested intervention on
her phone; the consultant's caseload, open in another browser, flags it with her reason without
a reload, and the board shows it flagged too, each in its own language."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("citizen_locale", "staff_locale", "flag_text", "board_text"),
    [
        ("da-DK", "en-GB", "would rather not have this. Their reason", "Help and activities"),
        ("en-GB", "da-DK", "vil helst ikke", "Hjælp og aktiviteter"),
    ],
)
def test_declined_intervention_reaches_the_consultant_flagged_with_the_reason(
    db: Session,
    new_context: Callable[..., BrowserContext],
    citizen_locale: str,
    staff_locale: str,
    flag_text: str,
    board_text: str,
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Anna Holm", code="ANNA-1")
    item = factories.intervention(db, citizen)

    laptop = new_context("meeting", locale=staff_locale).new_page()
    sign_in_staff(laptop, "mette@example.dk")
    row = laptop.locator(f"#caseload-citizen-{citizen.id}")
    expect(row).to_be_visible()
    expect(row.locator(".flag")).to_have_count(0)
    expect(laptop.locator("#caseload-live")).to_have_attribute("data-live", "open")

    phone = new_context("phone", locale=citizen_locale).new_page()
    sign_in_citizen(phone, "ANNA-1")
    phone.goto(f"/citizens/{citizen.id}/interventions/{item.id}")
    phone.locator("label[for=wish-rather-not]").click()
    phone.locator("#wish-reason").fill("Jeg har haft en mentor før, det hjalp ikke")
    phone.locator("form[action$='/wish'] button[type=submit]").click()
    phone.wait_for_url("**notice=wish_saved")

    # No reload on the laptop: the caseload row is flagged, with her own words.
    flag = row.locator(".flag")
    expect(flag).to_have_count(1)
    expect(flag).to_contain_text(flag_text)
    expect(flag).to_contain_text("Jeg har haft en mentor før, det hjalp ikke")
    expect(row).to_have_class("card caseload-row card-overdue")

    # The board says it too, flagged, for the consultant; the citizen sees her own answer.
    laptop.goto(f"/citizens/{citizen.id}/board")
    expect(laptop.locator("#board-interventions")).to_contain_text(board_text)
    declined = laptop.locator(f"#board-declined-{item.id}")
    expect(declined).to_contain_text("Jeg har haft en mentor før, det hjalp ikke")
    expect(declined).to_have_class("flag board-declined")
    expect(laptop.locator(f"#board-intervention-{item.id}")).to_have_class(
        "card board-intervention card-overdue"
    )
    phone.goto(f"/citizens/{citizen.id}/board")
    expect(phone.locator(f"#board-declined-{item.id}")).to_have_class("card-note board-declined")

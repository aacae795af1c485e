"""Issue 21, item 11: Anna adds the topic "Kan jeg få buskort?" on her phone; Mette's open meeting
screen shows it at once, with no reload, and her caseload card says that an agenda exists, each
in its own language."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("citizen_locale", "staff_locale", "heading", "count_text"),
    [
        ("da-DK", "en-GB", "Agenda", "1 thing to talk about"),
        ("en-GB", "da-DK", "Dagsorden", "1 ting at tale om"),
    ],
)
def test_a_topic_added_on_the_phone_shows_on_the_open_meeting_screen_and_caseload(
    db: Session,
    new_context: Callable[..., BrowserContext],
    citizen_locale: str,
    staff_locale: str,
    heading: str,
    count_text: str,
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Anna Holm", code="ANNA-1")

    staff_context = new_context("meeting", locale=staff_locale)
    laptop = staff_context.new_page()
    sign_in_staff(laptop, "mette@example.dk")
    card = laptop.locator(f"#caseload-agenda-{citizen.id}")
    expect(card).not_to_contain_text(count_text)
    expect(laptop.locator("#caseload-live")).to_have_attribute("data-live", "open")

    screen = staff_context.new_page()
    screen.goto(f"/citizens/{citizen.id}/meeting")
    agenda = screen.locator("#meeting-agenda")
    expect(agenda.locator("h2")).to_have_text(heading)
    expect(agenda.locator("li")).to_have_count(0)
    screen.evaluate("window.notReloaded = true")

    phone = new_context("phone", locale=citizen_locale).new_page()
    sign_in_citizen(phone, "ANNA-1")
    phone.goto(f"/citizens/{citizen.id}/board")
    expect(screen.locator("#board-presence")).to_contain_text("Anna Holm")  # the stream is open
    phone.goto(f"/citizens/{citizen.id}/agenda")
    phone.locator("#topic-text").fill("Kan jeg få buskort?")
    phone.locator("form[action$='/agenda/topics'] button[type=submit]").click()
    phone.wait_for_url("**notice=topic_added")

    # No reload anywhere: the meeting screen and the caseload card hear of it through their streams.
    expect(agenda.locator("li")).to_have_count(1)
    expect(agenda).to_contain_text("Kan jeg få buskort?")
    expect(card).to_contain_text(count_text)
    # The same page, still: nothing reloaded it.
    assert screen.evaluate("window.notReloaded") is True


def test_a_card_moved_to_done_on_the_meeting_screen_leaves_its_agenda(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    """The meeting screen's own change: its answer redraws the agenda too (its stream leaves
    out what the page made itself)."""
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Anna Holm", code="ANNA-1")
    card = factories.agreement(db, citizen, what="Søge tre job")
    card.on_agenda = True
    db.add(card)
    db.commit()
    factories.changed_board(db, citizen)

    screen = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(screen, "mette@example.dk")
    screen.goto(f"/citizens/{citizen.id}/meeting")
    agenda = screen.locator("#meeting-agenda")
    expect(agenda).to_contain_text("Søge tre job")
    screen.locator(f"#menu-{card.id}-summary").click()
    screen.locator(f"#move-{card.id}-done").click()
    expect(screen.locator("#column-done")).to_contain_text("Søge tre job")
    expect(agenda.locator("li")).to_have_count(0)
    expect(agenda).to_contain_text("Nothing on the agenda yet.")

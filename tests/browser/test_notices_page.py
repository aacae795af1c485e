"""Anna, on her phone, chooses e-mail notices in Tavle: she types her address, the code arrives at
a real SMTP server, she types it back and sees the address confirmed; a wrong time for her quiet
hours is explained in Danish with what she typed kept; and she adds her next meeting to her
phone's calendar as a file. Against a server of its own, whose e-mail goes to the test's SMTP
server."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app import clock
from app.models import Meeting
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, VIEWPORTS, sign_in_citizen
from tests.live import LiveServer
from tests.notice_services import Inbox, smtp_server

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def mailing_server(database_url: str, engine: Engine, inbox: Inbox) -> Iterator[LiveServer]:  # noqa: ARG001
    server = LiveServer(
        database_url,
        {"TAVLE_SMTP_HOST": "127.0.0.1", "TAVLE_SMTP_PORT": str(inbox.port), "TAVLE_SMTP_TLS": "none"},
    )
    yield server
    server.stop()


@pytest.fixture
def phone(browser: Browser, mailing_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="da-DK", base_url=mailing_server.url, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_anna_confirms_her_email_and_sets_quiet_hours_on_her_phone(
    db: Session, phone: Page, inbox: Inbox
) -> None:
    factories.citizen(db, factories.consultant(db), name="Anna Jensen", code="ANNA-1", locale="da")
    sign_in_citizen(phone, "ANNA-1")
    # On a phone the header's links are in its menu.
    phone.locator(".site-menu > summary").click()
    phone.get_by_role("link", name="Notifikationer").click()
    phone.wait_for_url("**/notices")

    phone.locator("#email-address").fill("anna@example.dk")
    phone.get_by_role("button", name="Send mig en kode").click()
    expect(phone.get_by_role("status")).to_have_text(
        "Vi har sendt en kode til din e-mailadresse. Skriv den herunder."
    )
    [mail] = inbox.to("anna@example.dk")
    found = CODE.search(mail.text)
    assert found is not None
    phone.locator("#email_code").fill(found.group(1))
    phone.get_by_role("button", name="Bekræft").click()
    expect(phone.get_by_role("status")).to_contain_text("Din mail er nu godkendt.")
    expect(phone.locator("#email")).to_contain_text("Notifikationer sendes til anna@example.dk.")

    phone.locator("#quiet_from").fill("25.00")
    phone.get_by_role("button", name="Gem stille timer").click()
    expect(phone.locator("#quiet_from-error")).to_have_text("Skriv et klokkeslæt som 21:00.")
    expect(phone.locator("#quiet_from")).to_have_value("25.00")
    phone.locator("#quiet_from").fill("22.30")
    phone.get_by_role("button", name="Gem stille timer").click()
    expect(phone.get_by_role("status")).to_have_text("Dine stille timer er gemt.")
    expect(phone.locator("#quiet_from")).to_have_value("22:30")


def test_anna_adds_her_next_meeting_to_her_calendar(db: Session, phone: Page) -> None:
    anna = factories.citizen(db, factories.consultant(db), name="Anna Jensen", code="ANNA-1", locale="da")
    assert anna.id is not None
    at = clock.now().replace(second=0, microsecond=0) + timedelta(days=2)
    meeting = Meeting(citizen_id=anna.id, at=at, note="Tal om HEMMELIG-PLAN")
    db.add(meeting)
    db.commit()
    sign_in_citizen(phone, "ANNA-1")
    phone.goto(f"/citizens/{anna.id}/agenda")
    # On a phone the plan's menu is one line that opens to all its parts.
    phone.locator(".plan-nav summary").click()
    phone.get_by_role("navigation", name="Planen").get_by_role("link", name="Møder").click()
    phone.wait_for_url(f"**/citizens/{anna.id}/meetings")

    with phone.expect_download() as waiting:
        phone.get_by_role("link", name="Føj til min kalender").click()
    download = waiting.value
    path = download.path()

    assert download.suggested_filename == f"tavle-meeting-{meeting.id}.ics"
    [event] = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == at
    assert str(event["summary"]) == "Møde på jobcentret (Tavle)"
    assert "HEMMELIG" not in path.read_text()

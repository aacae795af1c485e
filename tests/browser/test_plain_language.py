"""Plain language in a real browser: the readability meter updates as Mette types (Danish and
English), the guard asks before a card about "misbrug" is shared, "Min aftale" prints on one A4
page, the help panel opens by keyboard and reads aloud, and a device without a voice for the
page's language says so instead of reading with the wrong voice."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.demo import CITIZEN_PIN, seed_demo
from app.models import User
from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser


def _mette(db: Session, new_context: Callable[..., BrowserContext], locale: str) -> tuple[Page, User]:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Anna Jensen", code="ANNA-1")
    page = new_context("meeting", locale=locale).new_page()
    sign_in_staff(page, "mette@example.dk")
    return page, citizen


@pytest.mark.parametrize(
    ("locale", "label", "easy", "hard", "long"),
    [
        ("da-DK", "Hvad er aftalt?", "LIX 4 – Let", "Svær", "1 sætning har 21 ord eller flere"),
        ("en-GB", "What is agreed?", "LIX 4 – Easy", "Hard", "1 sentence has 21 words or more"),
    ],
)
def test_the_meter_shows_and_updates_as_mette_types(
    db: Session,
    new_context: Callable[..., BrowserContext],
    locale: str,
    label: str,
    easy: str,
    hard: str,
    long: str,
) -> None:
    page, citizen = _mette(db, new_context, locale)
    page.goto(f"/citizens/{citizen.id}/board")
    page.locator("#agreement-new > summary").click()
    field = page.get_by_label(label)
    meter = page.locator("#new-what-readability")
    field.press_sequentially("Vi ses i morgen.")
    expect(meter).to_contain_text(easy)
    field.press_sequentially(" Konsulenten anbefaler arbejdsprøvning.")
    expect(meter).to_contain_text(hard)
    field.press_sequentially(" Du" + " og" * 21 + ".")
    expect(meter).to_contain_text(long)
    expect(meter.locator("mark")).to_have_count(1)
    # A hint, never a lock: the agreement is proposed as written.
    page.locator("#agreement-new button.button-primary").click()
    expect(page.locator("li.board-card", has_text="Konsulenten anbefaler")).to_be_visible()


A4_PRINTABLE_HEIGHT_MM = 297 - 2 * 15  # the @page margins of the print style sheet
PX_PER_MM = 96 / 25.4


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize(("locale", "heading"), [("da-DK", "Min aftale"), ("en-GB", "My agreement")])
def test_min_aftale_for_the_demo_citizen_prints_on_one_a4_page(
    db: Session, engine: Engine, new_context: Callable[..., BrowserContext], locale: str, heading: str
) -> None:
    assert seed_demo(engine)
    anna = db.exec(select(User).where(User.name == "Anna Jensen")).one()
    page = new_context("phone", locale=locale).new_page()
    sign_in_citizen(page, "ANNA-DEMO", CITIZEN_PIN)
    page.goto(f"/citizens/{anna.id}/board")
    page.locator("#board-my-agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text("Arbejde 10 timer om ugen med dyr inden sommer")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in ("header.site-header", ".read-aloud", ".my-agreement-links"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    height = page.locator("main").evaluate("e => e.getBoundingClientRect().height")
    assert height <= A4_PRINTABLE_HEIGHT_MM * PX_PER_MM, f"{height:.0f}px is taller than one A4 page"
    assert _pdf_pages(page.pdf(format="A4")) == 1

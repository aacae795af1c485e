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
from app.models import Agreement, User
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, sign_in_citizen, sign_in_staff
from tests.browser.speech import record_speech, spoken

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]


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


def _citizen_page(
    db: Session, new_context: Callable[..., BrowserContext], locale: str = "da-DK", voices: str = "da-DK"
) -> tuple[Page, User]:
    citizen = factories.citizen(db, factories.consultant(db), name="Lise Lund", code="LISE-1")
    context = new_context("phone", locale=locale)
    context.add_init_script(record_speech(voices.split()))
    page = context.new_page()
    sign_in_citizen(page, "LISE-1")
    return page, citizen


def test_sharing_a_card_that_mentions_misbrug_asks_first(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    page, citizen = _citizen_page(db, new_context)
    card = factories.agreement(db, citizen, what="Tale med Louise om mit misbrug")
    page.goto(f"/citizens/{citizen.id}/board")
    page.locator(f"#menu-{card.id}-summary").click()
    page.locator(f"#share-{card.id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vil du dele med dit netværk?")
    expect(page.locator("#share-guard")).to_contain_text("Den nævner misbrug („misbrug“).")
    db.expire_all()
    assert not _shared(db, card.id)
    page.get_by_role("button", name="Del det med mit netværk alligevel").click()
    board_card = page.locator(f"#agreement-{card.id}")
    expect(board_card.locator(".board-sharing")).to_have_text("Delt med netværket")
    assert _shared(db, card.id)


def test_keeping_a_new_sensitive_card_private_is_one_tap(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    page, citizen = _citizen_page(db, new_context)
    page.goto(f"/citizens/{citizen.id}/board")
    page.locator("#agreement-new > summary").click()
    page.get_by_label("Hvad er aftalt?").fill("Ringe til gældsrådgivningen")
    page.locator("#new-shared").check()
    page.get_by_role("button", name="Foreslå aftalen").click()
    guard = page.locator("#new-guard")
    expect(guard).to_contain_text("Før du deler: Dit netværk kan læse denne aftale.")
    expect(page.get_by_label("Hvad er aftalt?")).to_have_value("Ringe til gældsrådgivningen")
    guard.get_by_role("button", name="Hold det mellem mig og min konsulent").click()
    card = page.locator("li.board-card", has_text="Ringe til gældsrådgivningen")
    expect(card).to_be_visible()
    expect(card.locator(".board-sharing")).to_have_count(0)


def _shared(db: Session, card_id: int | None) -> bool:
    db.expire_all()
    card = db.get(Agreement, card_id)
    assert card is not None
    return card.shared


def test_the_help_panel_opens_by_keyboard_and_reads_aloud(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    page, citizen = _citizen_page(db, new_context)
    page.goto(f"/citizens/{citizen.id}/board")
    summary = page.locator("#plain-help-summary")
    for _ in range(40):
        page.keyboard.press("Tab")
        if summary.evaluate("e => e === document.activeElement"):
            break
    expect(summary).to_be_focused()
    expect(page.get_by_text("Både du og din konsulent har sagt ja til den.")).to_be_hidden()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Både du og din konsulent har sagt ja til den.")).to_be_visible()
    expect(page.get_by_text("Et lavt tal giver aldrig en sanktion.", exact=False)).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#plain-help .read-aloud").first).to_be_focused()
    page.keyboard.press("Enter")
    said = "Aftalt. Både du og din konsulent har sagt ja til den."
    assert spoken(page) == [{"text": said, "lang": "da-DK"}]


@pytest.mark.parametrize(
    ("locale", "voices", "said"),
    [
        ("da-DK", "en-GB en-US", "Denne enhed har ingen stemme, der taler dansk"),
        ("en-GB", "da-DK", "This device has no voice that speaks English"),
    ],
)
def test_no_voice_for_the_pages_language_is_said_not_read_with_another(
    db: Session, new_context: Callable[..., BrowserContext], locale: str, voices: str, said: str
) -> None:
    page, citizen = _citizen_page(db, new_context, locale=locale, voices=voices)
    factories.agreement(db, citizen, what="Ringe til lægen")
    page.goto(f"/citizens/{citizen.id}/board")
    card = page.locator("li.board-card", has_text="Ringe til lægen")
    card.locator(".read-aloud").click()
    expect(card.locator(".read-aloud-no-voice")).to_contain_text(said)
    assert spoken(page) == []


def test_offline_the_meter_asks_nothing_that_waits_in_the_outbox(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    page, citizen = _mette(db, new_context, "da-DK")
    # Counts the meter's requests that went on their way (the outbox stops those it keeps).
    page.add_init_script(
        "document.addEventListener('htmx:beforeRequest', function (e) {"
        " if (e.detail.elt.hasAttribute('data-measure')) document.documentElement.dataset.asked = 'yes'; });"
    )
    page.goto(f"/citizens/{citizen.id}/board")
    page.locator("#agreement-new > summary").click()
    page.context.set_offline(True)
    page.get_by_label("Hvad er aftalt?").press_sequentially("Vi ses i morgen.")
    expect(page.locator("html")).to_have_attribute("data-asked", "yes")
    expect(page.locator("#outbox-count")).to_be_hidden()
    page.context.set_offline(False)

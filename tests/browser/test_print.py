"""Paper: the plan and the board print as what was agreed, black on white, on A4. The browser
is switched to print media, as when it prints, and the test checks what would be on paper."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from app.models import AgreementStatus
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, sign_in_citizen

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]

BLACK = "rgb(0, 0, 0)"
WHITE = "rgb(255, 255, 255)"


def _printed(new_context: Callable[..., BrowserContext], path: str) -> Page:
    page = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(page, "LISE-1")
    page.goto(path)
    page.emulate_media(media="print")
    return page


def _style(page: Page, selector: str, prop: str) -> str:
    return str(page.locator(selector).first.evaluate(f"e => getComputedStyle(e).{prop}"))


def _nothing_to_click(page: Page) -> None:
    for selector in ("header.site-header", "nav", "form", "button", ".read-aloud"):
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()


def test_the_plan_prints_its_texts_without_navigation_or_buttons(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = factories.citizen(db, name="Lise Lund", code="LISE-1")
    factories.challenge(db, citizen, title="Sove bedre om natten")
    factories.goal(db, citizen, title="Kunne cykle til praktik")
    factories.agreement(db, citizen, what="Ringe til lægen")
    page = _printed(new_context, f"/citizens/{citizen.id}")

    _nothing_to_click(page)
    for text in ("Sove bedre om natten", "Kunne cykle til praktik", "Ringe til lægen"):
        expect(page.get_by_text(text, exact=True)).to_be_visible()
    assert _style(page, "body", "backgroundColor") == WHITE
    assert _style(page, ".card-title", "color") == BLACK
    # A card is never cut in two by a page break.
    assert _style(page, "li.card", "breakInside") == "avoid"
    # Links on paper: black text, still underlined to show it was a link.
    assert _style(page, ".card-title a", "color") == BLACK
    assert "underline" in _style(page, ".card-title a", "textDecorationLine")


def test_the_board_prints_the_agreements_and_nothing_to_click(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = factories.citizen(db, name="Lise Lund", code="LISE-1")
    factories.agreement(db, citizen, what="Ringe til lægen")
    factories.agreement(db, citizen, what="Købe buskort", status=AgreementStatus.doing)
    factories.agreement(db, citizen, what="Gammel idé", status=AgreementStatus.dropped)
    page = _printed(new_context, f"/citizens/{citizen.id}/board")

    _nothing_to_click(page)
    for hidden in (".board-actions", ".board-handle", "#agreement-new", "#board-live", ".offline-notice"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.get_by_text("Ringe til lægen", exact=True)).to_be_visible()
    expect(page.get_by_text("Købe buskort", exact=True)).to_be_visible()
    # Issue 21, item 21: the dropped column stays on paper, open, with its cards.
    expect(page.locator("#column-dropped-details")).to_be_visible()
    expect(page.get_by_text("Gammel idé", exact=True)).to_be_visible()
    assert _style(page, "li.board-card", "breakInside") == "avoid"
    assert _style(page, "li.board-card", "backgroundColor") == WHITE


def test_the_printed_plan_fits_a4_pages(db: Session, new_context: Callable[..., BrowserContext]) -> None:
    citizen = factories.citizen(db, name="Lise Lund", code="LISE-1")
    for n in range(12):
        factories.agreement(
            db, citizen, what=f"Aftale nummer {n + 1}: ringe til jobcentret og spørge om kurset"
        )
    page = _printed(new_context, f"/citizens/{citizen.id}")
    # The stylesheet asks for A4 (210 × 297 mm): Chromium's PDF of it, without a size given,
    # has pages of that size (595 × 842 points), not its default Letter.
    pdf = page.pdf(prefer_css_page_size=True)
    sizes = {tuple(round(float(n)) for n in box.split()[2:]) for box in _media_boxes(pdf)}
    assert sizes == {(595, 842)}, sizes


def _media_boxes(pdf: bytes) -> list[str]:
    return [m.decode() for m in re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf)]


def test_all_my_data_prints_on_a4_in_plain_words(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    citizen = factories.citizen(db, name="Lise Lund", code="LISE-1")
    factories.challenge(db, citizen, title="Sove bedre om natten")
    for n in range(15):
        factories.agreement(
            db, citizen, what=f"Aftale nummer {n + 1}: ringe til jobcentret og spørge om kurset"
        )
    page = _printed(new_context, f"/citizens/{citizen.id}/export")

    _nothing_to_click(page)
    expect(page.get_by_role("heading", name="Alle mine data", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Aftaler, og hvordan de er ændret")).to_be_visible()
    expect(page.get_by_text("Sove bedre om natten", exact=True)).to_be_visible()
    expect(page.get_by_text("Hent som fil (JSON)")).to_be_hidden()
    assert _style(page, "body", "backgroundColor") == WHITE
    assert _style(page, ".export .card", "breakInside") == "avoid"
    # Nothing sticks out sideways on paper.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    pdf = page.pdf(prefer_css_page_size=True)
    sizes = [tuple(round(float(n)) for n in box.split()[2:]) for box in _media_boxes(pdf)]
    assert len(sizes) >= 2 and set(sizes) == {(595, 842)}, sizes


@pytest.mark.parametrize(
    ("locale", "head"),
    [
        ("da-DK", r"Tavle for Lise Lund, udskrevet \d{1,2}\. \w+\.? \d{4}"),
        ("en-GB", r"Board for Lise Lund, printed \d{1,2} \w+ \d{4}"),
    ],
)
def test_the_printed_board_names_the_citizen_and_the_print_date(
    db: Session, new_context: Callable[..., BrowserContext], locale: str, head: str
) -> None:
    """Issue 21, item 21: a sheet on the table says whose board it is and when it was printed;
    on the screen that line is not shown (the page says it already)."""
    citizen = factories.citizen(db, name="Lise Lund", code="LISE-1")
    factories.agreement(db, citizen, what="Gammel idé", status=AgreementStatus.dropped)
    page = new_context("phone", locale=locale).new_page()
    sign_in_citizen(page, "LISE-1")
    page.goto(f"/citizens/{citizen.id}/board")
    expect(page.locator("#board-print-head")).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.locator("#board-print-head")).to_be_visible()
    expect(page.locator("#board-print-head")).to_have_text(re.compile(head))
    expect(page.locator("#column-dropped-details > summary")).to_be_visible()
    expect(page.get_by_text("Gammel idé", exact=True)).to_be_visible()

"""Phone first (issue 21, items 4–9): Anna on a 390 × 844 phone, in Danish and English, and the
same pages on a 1920 × 1080 screen where it matters. Each test names the item it holds."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from app.models import Agreement, MeaningfulnessRating, Strength, User
from tests import factories
from tests.browser.conftest import sign_in_citizen

pytestmark = pytest.mark.browser

LANGUAGES = {"da": "da-DK", "en": "en-GB"}
WORDS = {
    "da": {
        "plan": "Planen: udfordringer, mål, styrker og hjælp",
        "waiting": "Foreslået – venter på, at du accepterer",
        "accept": "Acceptér",
        "agreed": "Aftalt",
    },
    "en": {
        "plan": "The plan: challenges, goals, strengths and help",
        "waiting": "Proposed – waiting for you to accept",
        "accept": "Accept",
        "agreed": "Agreed",
    },
}
# What the header and the page's own heading may take before the agreements start on a phone
# (it was about 330 px, and the agreements started at 1,653 px).
HEADER_MAX = 64
AGREEMENTS_TOP_MAX = 200
BOX = "s => { const r = document.querySelector(s).getBoundingClientRect(); return [r.top, r.height] }"


def _full_plan(db: Session, language: str, code: str) -> User:
    """A citizen whose plan has several of everything, as on the day the board was measured."""
    anna = factories.citizen(db, name="Anna Jensen", code=code, locale=language)
    for title in ("Komme op om morgenen", "Få styr på min gæld", "Tale med nye mennesker"):
        factories.challenge(db, anna, title=title)
    for title in ("Arbejde 10 timer om ugen", "Have overblik over min økonomi"):
        factories.goal(db, anna, title=title)
    help_ = factories.intervention(db, anna)
    db.add_all(
        [
            Strength(citizen_id=anna.id or 0, text="Jeg er god til dyr", created_by_id=anna.id),
            Strength(citizen_id=anna.id or 0, text="Jeg holder hvad jeg lover", created_by_id=anna.id),
            MeaningfulnessRating(intervention_id=help_.id or 0, value=6, reason="Det hjælper"),
        ]
    )
    db.commit()
    factories.agreement(db, anna, what="Ringe til gældsrådgivningen")
    return anna


def _phone(new_context: Callable[..., BrowserContext], language: str, code: str) -> Page:
    page = new_context("phone", locale=LANGUAGES[language]).new_page()
    sign_in_citizen(page, code)
    return page


def _top(page: Page, selector: str) -> float:
    top, _ = page.evaluate(BOX, selector)
    return float(top)


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_board_opens_on_the_agreements_on_a_phone(
    db: Session, new_context: Callable[..., BrowserContext], language: str
) -> None:
    """Item 4: the agreements came last (at 1,653 px) under challenges, goals, strengths and help,
    and the header took about 330 of 844 px. Now one bar, the agreements, then the plan folded."""
    anna = _full_plan(db, language, f"ANNA-4{language}")
    page = _phone(new_context, language, f"ANNA-4{language}")
    page.goto(f"/citizens/{anna.id}/board")

    _, header = page.evaluate(BOX, ".site-header")
    assert header <= HEADER_MAX, f"the header is {header} px tall, not one bar"
    assert _top(page, "#board-columns") <= AGREEMENTS_TOP_MAX
    expect(page.locator("li.board-card", has_text="Ringe til gældsrådgivningen")).to_be_in_viewport()

    # The plan is under the agreements, folded, one tap away.
    fold = page.locator("#board-plan-fold")
    expect(fold).not_to_have_attribute("open", re.compile(".*"))
    assert _top(page, "#board-plan-fold") > _top(page, "#board-columns")
    expect(page.locator("#board-challenges")).to_be_hidden()
    page.get_by_text(WORDS[language]["plan"]).click()
    expect(page.locator("#board-challenges")).to_contain_text("Komme op om morgenen")
    expect(page.locator("#board-goals")).to_be_visible()

    # The header's links are in its menu, one tap away.
    nav = page.get_by_role("navigation", name=re.compile("Main|Hoved", re.I))
    expect(nav).to_be_hidden()
    page.locator(".site-menu > summary").click()
    expect(nav).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_on_a_wide_screen_the_plan_and_the_links_stay_open(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    """Item 4, the other side: on a laptop or meeting screen nothing is folded away."""
    anna = _full_plan(db, "en", "ANNA-4W")
    page = new_context("meeting", locale="en-GB").new_page()
    sign_in_citizen(page, "ANNA-4W")
    page.goto(f"/citizens/{anna.id}/board")
    expect(page.locator("#board-challenges")).to_contain_text("Komme op om morgenen")
    expect(page.locator(".site-nav")).to_be_visible()
    expect(page.locator(".site-menu > summary")).to_be_hidden()
    page.goto(f"/citizens/{anna.id}/goals")
    expect(page.locator(".plan-nav a", has_text="Strengths")).to_be_visible()


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_plan_page_opens_on_its_content_on_a_phone(
    db: Session, new_context: Callable[..., BrowserContext], language: str
) -> None:
    """Item 4: the plan's menu of eight parts took three rows above every plan page; now one
    line that names the part shown, and opens to all eight."""
    anna = _full_plan(db, language, f"ANNA-4P{language}")
    page = _phone(new_context, language, f"ANNA-4P{language}")
    page.goto(f"/citizens/{anna.id}/goals")
    assert _top(page, "h1") <= AGREEMENTS_TOP_MAX - 60
    page.locator(".plan-nav summary").click()
    expect(page.locator(".plan-nav a")).to_have_count(8)
    expect(page.locator(".plan-nav a[aria-current=page]")).to_be_visible()


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_proposal_waiting_for_the_citizen_stands_out_with_its_button(
    db: Session, new_context: Callable[..., BrowserContext], language: str
) -> None:
    """Item 5: "waiting for you to accept" was small grey text, the button elsewhere on the card."""
    anna = _full_plan(db, language, f"ANNA-5{language}")
    card = factories.agreement(db, anna, what="Søge tre job i Aalborg")
    proposed = db.get(Agreement, card.id)
    assert proposed is not None
    proposed.accepted_by_consultant = True
    db.add(proposed)
    db.commit()
    factories.changed_board(db, anna)
    page = _phone(new_context, language, f"ANNA-5{language}")
    page.goto(f"/citizens/{anna.id}/board")

    box = page.locator(f"#agreement-{card.id} .board-waiting")
    words = box.get_by_text(WORDS[language]["waiting"])
    expect(words).to_be_in_viewport()
    style = words.evaluate("e => ((s) => [s.fontWeight, s.color, s.fontSize])(getComputedStyle(e))")
    assert int(style[0]) >= 700, "said in bold"
    assert style[1] == "rgb(27, 31, 36)", "in full ink, not the muted grey"
    assert float(style[2].removesuffix("px")) >= 17
    background = box.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), "set apart from the card"
    button = box.get_by_role("button", name=re.compile(WORDS[language]["accept"]))
    expect(button).to_be_in_viewport()
    button.click()
    expect(page.locator(f"#agreement-{card.id}")).to_contain_text(WORDS[language]["agreed"])
    expect(page.locator(f"#agreement-{card.id} .board-waiting")).to_have_count(0)

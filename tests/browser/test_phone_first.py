"""Phone first (issue 21, items 4–9): Anna on a 390 × 844 phone, in Danish and English, and the
same pages on a 1920 × 1080 screen where it matters. Each test names the item it holds."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from app.models import (
    Actor,
    AgendaTopic,
    Agreement,
    Challenge,
    Goal,
    Intervention,
    MeaningfulnessRating,
    ScaleKind,
    ScaleReading,
    Strength,
    User,
)
from app.models.base import utcnow
from app.models.suggestion import PlanSuggestion, SuggestionKind, TargetType
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, LiveServer, sign_in_citizen
from tests.browser.pages import BROWSER_LOCALES, Person, arrange, html_pages, sign_in

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]

LANGUAGES = {"da": "da-DK", "en": "en-GB"}
WORDS = {
    "da": {
        "plan": "Planen: udfordringer, mål, styrker og hjælp",
        "waiting": "Foreslået – venter på, at du accepterer",
        "accept": "Acceptér",
        "note": "✋ 1 aftale venter på, at du accepterer den",
        "agreed": "Aftalt",
    },
    "en": {
        "plan": "The plan: challenges, goals, strengths and help",
        "waiting": "Proposed – waiting for you to accept",
        "accept": "Accept",
        "note": "✋ 1 agreement waits for you to accept it",
        "agreed": "Agreed",
    },
}
# What the header and the board's own head may take before the agreements start on a phone
# (the agreements started at 1,653 px), and where a plan page's heading starts (was 383 px).
HEADER_MAX = 64
AGREEMENTS_TOP_MAX = 300
HEADING_TOP_MAX = 140
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
    card = factories.agreement(db, anna, what="Ringe til gældsrådgivningen")
    agreed = db.get(Agreement, card.id)
    assert agreed is not None
    agreed.accepted_by_citizen = agreed.accepted_by_consultant = True
    db.add(agreed)
    db.commit()
    factories.changed_board(db, anna)
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
    """Item 4: the plan's menu of nine parts took three rows above every plan page; now one
    line that names the part shown, and opens to all nine."""
    anna = _full_plan(db, language, f"ANNA-4P{language}")
    page = _phone(new_context, language, f"ANNA-4P{language}")
    page.goto(f"/citizens/{anna.id}/goals")
    assert _top(page, "h1") <= HEADING_TOP_MAX
    page.locator(".plan-nav summary").click()
    expect(page.locator(".plan-nav a")).to_have_count(9)
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

    # Said at the top of the agreements, with a link to the card.
    note = page.locator("#board-waiting-note")
    expect(note).to_be_in_viewport()
    expect(note).to_have_text(WORDS[language]["note"])
    note.get_by_role("link").click()
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
    expect(page.locator("#board-waiting-note")).to_have_count(0)


# One unbroken word as long as a field takes, and a pasted link.
LONG_WORD = "y" * 300
LONG_LINK = "https://www.borger.dk/" + "arbejde-dagpenge-og-ferie/" * 10 + "?id=" + "9" * 60
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.table-wrap'))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)"""


def _long_words_everywhere(db: Session, person: Person) -> None:
    """Every free text of the citizen's plan made one long word, or a long link."""
    citizen_id = int(person.ids["citizen_id"])
    texts: list[tuple[type[Any], str, int]] = [
        (Challenge, "title", 200),
        (Goal, "title", 300),
        (Goal, "step_higher", 300),
        (Strength, "text", 300),
        (AgendaTopic, "text", 300),
        (Agreement, "what", 300),
        (Agreement, "who_name", 120),
        (Intervention, "provider", 200),
        (Intervention, "wish_reason", 300),
    ]
    for model, field, size in texts:
        for row in db.exec(select(model).where(model.citizen_id == citizen_id)).all():
            setattr(row, field, (LONG_WORD if field != "wish_reason" else LONG_LINK)[:size])
            db.add(row)
    for rating in db.exec(select(MeaningfulnessRating)).all():
        rating.reason = LONG_LINK
        db.add(rating)
    goal_id = int(person.ids["goal_id"])
    for text in (LONG_WORD, LONG_LINK[:300]):
        db.add(
            PlanSuggestion(
                citizen_id=citizen_id,
                target_type=TargetType.goal,
                target_id=goal_id,
                kind=SuggestionKind.comment,
                text=text,
                author_id=citizen_id,
            )
        )
    for row in db.exec(select(Agreement).where(Agreement.citizen_id == citizen_id)).all():
        row.who = Actor.network
        db.add(row)
    db.commit()
    citizen = db.get(User, citizen_id)
    assert citizen is not None
    factories.changed_board(db, citizen)


@pytest.mark.parametrize("role", ["citizen", "consultant", "network"])
@pytest.mark.parametrize("language", ["da", "en"])
def test_one_long_word_wraps_on_every_page_of_a_phone(
    db: Session, new_context: Callable[..., BrowserContext], live_server: LiveServer, language: str, role: str
) -> None:
    """Item 8: 300 "y"s made the agenda page 3,610 px wide on a 390 px phone. Every page the
    person can open, with one long word in every list and card, stays as wide as the screen."""
    person = arrange(db, role, language)
    _long_words_everywhere(db, person)
    context = new_context("phone", locale=BROWSER_LOCALES[language])
    page = sign_in(context, person, language, live_server.url)
    paths = html_pages(context, live_server.url, person)
    assert len(paths) >= {"citizen": 15, "consultant": 15, "network": 4}[role]
    wide = {}
    for path in paths:
        page.goto(path)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = (width, page.evaluate(WIDER_THAN_THE_SCREEN))
    assert not wide, f"wider than the phone: {wide}"


GOAL_WORDS = {
    "da": {
        "save_today": "Gem, hvor jeg er i dag",
        "save_belief": "Gem, hvor meget jeg tror på det",
        "last_today": "Dit sidste svar: 5 ud af 10",
        "last_belief": "Dit sidste svar: 7 ud af 10",
        "no_number": "Vælg et tal fra 0 til 10.",
        "only_save": "Gem det bare",
        "send": "Send",
        "write_goal": "Gem",
    },
    "en": {
        "save_today": "Save where I am today",
        "save_belief": "Save how much I believe",
        "last_today": "Your last answer: 5 of 10",
        "last_belief": "Your last answer: 7 of 10",
        "no_number": "Choose a number from 0 to 10.",
        "only_save": "Only save it",
        "send": "Send",
        "write_goal": "Save",
    },
}


def _goal_with_answers(db: Session, language: str, code: str) -> tuple[User, Goal]:
    anna = factories.citizen(db, name="Anna Jensen", code=code, locale=language)
    factories.challenge(db, anna)
    goal = factories.goal(db, anna, title="Arbejde 10 timer om ugen")
    assert goal.id is not None
    db.add_all(
        [
            ScaleReading(
                goal_id=goal.id, kind=ScaleKind.today, value=3, recorded_at=utcnow() - timedelta(days=9)
            ),
            ScaleReading(goal_id=goal.id, kind=ScaleKind.today, value=5, recorded_by_id=anna.id),
            ScaleReading(goal_id=goal.id, kind=ScaleKind.belief_citizen, value=7, recorded_by_id=anna.id),
        ]
    )
    db.commit()
    factories.changed_board(db, anna)
    return anna, goal


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_goal_page_asks_two_different_looking_questions_and_shows_the_last_answers(
    db: Session, new_context: Callable[..., BrowserContext], language: str
) -> None:
    """Item 6: two identical 0–10 grids, each with "Save my answer", and nothing marked."""
    anna, goal = _goal_with_answers(db, language, f"ANNA-6{language}")
    page = _phone(new_context, language, f"ANNA-6{language}")
    page.goto(f"/citizens/{anna.id}/goals/{goal.id}")
    words = GOAL_WORDS[language]
    today, belief = page.locator("form:has(#today-scale)"), page.locator("form:has(#belief_citizen-scale)")
    expect(today.locator("button[type=submit]")).to_have_text(words["save_today"])
    expect(belief.locator("button[type=submit]")).to_have_text(words["save_belief"])
    looks = "f => ((s) => [s.borderRadius, s.borderColor])(getComputedStyle(f.querySelector('.scale-label')))"
    assert today.evaluate(looks) != belief.evaluate(looks), "the two grids look alike"

    # The last answers, said and marked on their numbers.
    expect(today).to_contain_text(words["last_today"])
    expect(belief).to_contain_text(words["last_belief"])
    expect(today.locator(".scale-option-last")).to_have_count(1)
    expect(today.locator(".scale-option-last input")).to_have_value("5")
    expect(belief.locator(".scale-option-last input")).to_have_value("7")
    # A new answer is chosen, not taken over from last time.
    expect(today.locator("input:checked")).to_have_count(0)
    today.locator("label[for=today-8]").click()
    today.locator("button[type=submit]").click()
    expect(page.locator("form:has(#today-scale) .scale-option-last input")).to_have_value("8")


def _watch_methods(page: Page) -> list[tuple[str, str]]:
    """Every document request the page makes: (method, path)."""
    seen: list[tuple[str, str]] = []
    page.on(
        "request",
        lambda r: (
            seen.append((r.method, r.url.split("://", 1)[1].split("/", 1)[1]))
            if r.resource_type == "document"
            else None
        ),
    )
    return seen


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_refused_form_lands_on_its_field_and_keeps_the_pages_address(
    db: Session, new_context: Callable[..., BrowserContext], live_server: LiveServer, language: str
) -> None:
    """Item 7: saving with no number reloaded at the top with the error a screen or two down,
    at /goals/1/readings, so a refresh sent the form again. Now the page keeps its address, the
    first field in error has focus, and a reload asks for the page."""
    anna, goal = _goal_with_answers(db, language, f"ANNA-7{language}")
    page = _phone(new_context, language, f"ANNA-7{language}")
    url = f"/citizens/{anna.id}/goals/{goal.id}"
    words = GOAL_WORDS[language]
    page.goto(url)
    sent = _watch_methods(page)

    # No number chosen.
    page.get_by_role("button", name=words["save_today"]).click()
    expect(page.locator("#today-error")).to_have_text(words["no_number"])
    expect(page).to_have_url(live_server.url + url)
    expect(page.locator("#today-0")).to_be_focused()
    expect(page.locator("#today-error")).to_be_in_viewport()
    page.reload()
    assert sent[-1] == ("GET", url.lstrip("/")), sent
    expect(page.locator("#today-error")).to_have_count(0)

    # "One step higher", too long: kept, and the box has focus.
    step = "Være oppe kl. 8 " + "z" * 300
    page.locator("#step-text").fill(step)
    page.get_by_role("button", name=words["only_save"]).click()
    expect(page).to_have_url(live_server.url + url)
    expect(page.locator("#step-text")).to_be_focused()
    expect(page.locator("#step-text")).to_have_value(step)
    expect(page.locator("#step-error")).to_be_in_viewport()

    # An empty comment.
    page.get_by_role("button", name=words["send"], exact=True).click()
    expect(page).to_have_url(live_server.url + url)
    expect(page.locator("#comment-text")).to_be_focused()

    # The goal's own words, emptied: the summary's link leads to the field.
    page.locator(".plan-more > summary").click()
    page.locator("#goal-title").fill("")
    page.locator("#goal-title").press("Enter")
    expect(page.locator("#goal-title")).to_be_focused()
    expect(page).to_have_url(live_server.url + url)
    link = page.locator(".error-summary a").first
    expect(link).to_have_attribute("href", "#goal-title")
    page.locator("#step-text").focus()
    link.click()
    expect(page.locator("#goal-title")).to_be_focused()
    page.reload()
    assert sent[-1] == ("GET", url.lstrip("/")), sent


@pytest.mark.parametrize("language", ["da", "en"])
def test_other_refused_forms_keep_their_address_too(
    db: Session, new_context: Callable[..., BrowserContext], live_server: LiveServer, language: str
) -> None:
    """Item 7, the other forms: a new agreement on the board (sent by htmx), a topic for the
    agenda, and signing in with a wrong PIN."""
    anna, _goal = _goal_with_answers(db, language, f"ANNA-7B{language}")
    page = _phone(new_context, language, f"ANNA-7B{language}")
    board = f"/citizens/{anna.id}/board"
    page.goto(board)
    page.locator("#agreement-new > summary").click()
    page.locator("#new-who").select_option("network")
    page.locator("#agreement-new button[type=submit]").click()
    expect(page.locator("#new-what")).to_be_focused()
    expect(page).to_have_url(live_server.url + board)
    expect(page.locator("#form-errors a").first).to_have_attribute("href", "#new-what")
    expect(page.locator("#form-errors a").nth(1)).to_have_attribute("href", "#new-who-name")

    agenda = f"/citizens/{anna.id}/agenda"
    page.goto(agenda)
    sent = _watch_methods(page)
    page.locator("#topic-text").fill("y" * 301)
    page.locator("#topic-text").press("Enter")
    expect(page.locator("#topic-text")).to_be_focused()
    expect(page).to_have_url(live_server.url + agenda)
    page.reload()
    assert sent[-1] == ("GET", agenda.lstrip("/")), sent

    other = new_context("phone", locale=LANGUAGES[language]).new_page()
    other.goto("/login")
    other.locator("#code").fill(f"ANNA-7B{language}")
    other.locator("#pin").fill("000000")
    other.locator("form[action='/login/citizen'] button[type=submit]").click()
    expect(other.locator("#form-errors")).to_be_focused()
    expect(other).to_have_url(live_server.url + "/login")

"""Every core flow with the keyboard alone, on a phone-sized screen: sign in, pick a challenge,
set a goal, add an agreement and move it with the buttons, rate an intervention, switch
language. After the first page.goto only page.keyboard is used; every focus stop is visible."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from app.models import (
    Agreement,
    AgreementStatus,
    Challenge,
    Goal,
    GoalChallengeLink,
    MeaningfulnessRating,
    User,
)
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, sign_in_citizen
from tests.browser.keys import tab_to

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]

CODE = "LISE-KEYS"


@pytest.fixture
def citizen(db: Session) -> User:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    return factories.citizen(db, staff, name="Lise Lund", code=CODE, locale="da")


@pytest.fixture
def signed_in(new_context: Callable[..., BrowserContext], citizen: User) -> Page:  # noqa: ARG001 (signs in as them)
    page = new_context("phone").new_page()
    sign_in_citizen(page, CODE)
    return page


def test_citizen_signs_in_with_the_keyboard(
    new_context: Callable[..., BrowserContext], citizen: User
) -> None:
    page = new_context("phone").new_page()
    page.goto("/login")
    tab_to(page, "#code")
    page.keyboard.type(CODE)
    tab_to(page, "#pin")
    page.keyboard.type(factories.PIN)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/citizens/{citizen.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Lise")


def test_citizen_picks_a_challenge_with_the_keyboard(db: Session, signed_in: Page, citizen: User) -> None:
    page = signed_in
    page.goto(f"/citizens/{citizen.id}/challenges/new")
    tab_to(page, "#area-everyday_life > summary")
    page.keyboard.press("Enter")
    tab_to(page, "form:has(input[name=key][value='everyday_life.morning']) button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/citizens/{citizen.id}/challenges/\d+"))
    db.expire_all()
    picked = db.exec(select(Challenge).where(Challenge.citizen_id == citizen.id)).one()
    assert picked.catalogue_key == "everyday_life.morning"


def test_citizen_sets_a_goal_with_the_keyboard(db: Session, signed_in: Page, citizen: User) -> None:
    challenge = factories.challenge(db, citizen, title="Komme op om morgenen")
    page = signed_in
    page.goto(f"/citizens/{citizen.id}/goals")
    tab_to(page, "#goal-title")
    page.keyboard.type("Arbejde 10 timer om ugen")
    tab_to(page, f"#link-{challenge.id}")
    page.keyboard.press("Space")
    tab_to(page, "form[action$='/goals'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/citizens/{citizen.id}/goals/\d+"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Arbejde 10 timer om ugen")
    db.expire_all()
    goal = db.exec(select(Goal).where(Goal.citizen_id == citizen.id)).one()
    assert goal.title == "Arbejde 10 timer om ugen"
    link = db.exec(select(GoalChallengeLink).where(GoalChallengeLink.goal_id == goal.id)).one()
    assert link.challenge_id == challenge.id


def test_citizen_adds_an_agreement_and_moves_it_with_the_keyboard(
    db: Session, signed_in: Page, citizen: User
) -> None:
    page = signed_in
    page.goto(f"/citizens/{citizen.id}/board")
    tab_to(page, "#agreement-new > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#new-what")
    page.keyboard.type("Ringe til tandlægen")
    tab_to(page, "#agreement-new button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#column-todo")).to_contain_text("Ringe til tandlægen")
    db.expire_all()
    card = db.exec(select(Agreement).where(Agreement.citizen_id == citizen.id)).one()
    assert (card.what, card.status) == ("Ringe til tandlægen", AgreementStatus.todo)

    tab_to(page, f"#menu-{card.id}-summary")
    page.keyboard.press("Enter")
    tab_to(page, f"#move-{card.id}-doing")
    page.keyboard.press("Enter")
    expect(page.locator(f"#column-doing #agreement-{card.id}")).to_be_visible()
    db.refresh(card)
    assert card.status == AgreementStatus.doing


def test_citizen_rates_an_intervention_with_the_keyboard(db: Session, signed_in: Page, citizen: User) -> None:
    item = factories.intervention(db, citizen)
    page = signed_in
    page.goto(f"/citizens/{citizen.id}/interventions/{item.id}")
    tab_to(page, "input[name=value]")
    # Arrow keys move through a radio group and choose as they go: from 0 to 7.
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#rating-7")).to_be_checked()
    tab_to(page, "#rating-reason")
    page.keyboard.type("Det hjælper")
    tab_to(page, "form[action$='/ratings'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**notice=rated**")
    db.expire_all()
    rated = select(MeaningfulnessRating).where(MeaningfulnessRating.intervention_id == item.id)
    rating = db.exec(rated).one()
    assert (rating.value, rating.reason) == (7, "Det hjælper")


def test_citizen_switches_language_with_the_keyboard(db: Session, signed_in: Page, citizen: User) -> None:
    page = signed_in
    page.goto(f"/citizens/{citizen.id}")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    tab_to(page, "form.language-switch button[value=en]")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Lise")
    db.expire_all()
    assert db.get_one(User, citizen.id).locale == "en"


# The ring a focused element shows: its own outline, or, for an input hidden behind a big label,
# the label's.
FOCUS_RING = """() => {
  let el = document.activeElement;
  if (el.getBoundingClientRect().width <= 1 && el.labels?.length) el = el.labels[0];
  const style = getComputedStyle(el);
  return {
    what: el.outerHTML.slice(0, 80),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== 'none',
  };
}"""


@pytest.mark.parametrize("part", ["board", "goals", "interventions/{item}", "challenges/new"])
def test_every_focus_stop_shows_a_ring(db: Session, signed_in: Page, citizen: User, part: str) -> None:
    item = factories.intervention(db, citizen)
    factories.agreement(db, citizen, what="Ringe til tandlægen")
    factories.challenge(db, citizen)
    page = signed_in
    page.goto(f"/citizens/{citizen.id}/{part.format(item=item.id)}")
    stops = []
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break
        stops.append(page.evaluate(FOCUS_RING))
    assert len(stops) >= 5
    faint = [stop["what"] for stop in stops if not (stop["outline"] or stop["shadow"])]
    assert not faint, f"no visible focus on {page.url}: {faint}"

"""The citizen-led plan on a phone: a citizen (in Danish, and in English) picks two challenges
from the catalogue and writes one of their own, moves one up, says why one matters, adds a
strength, sets a goal, answers the scale on two days, turns "one step higher" into an agreement
that shows on the board and puts the goal on the agenda. Their consultant, in English, sees it."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from app.models import Agreement, Challenge, Goal, ScaleReading
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, sign_in_citizen, sign_in_staff

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a 390px phone"


def _pick(page: Page, citizen_id: int, key: str) -> None:
    page.goto(f"/citizens/{citizen_id}/challenges/new")
    _no_sideways_scroll(page)
    area = key.split(".")[0]
    page.locator(f"#area-{area} > summary").click()
    page.locator(f"form:has(input[name=key][value='{key}']) button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/citizens/{citizen_id}/challenges/\d+"))


def _answer(page: Page, kind: str, value: int) -> None:
    form = page.locator(f"form.scale-form:has(input[name=kind][value={kind}])")
    form.locator(f"label[for={kind}-{value}]").click()
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"notice=reading"))


@pytest.mark.parametrize(("language", "browser_locale"), [("da", "da-DK"), ("en", "en-GB")])
def test_citizen_builds_a_plan_on_a_phone_and_the_consultant_sees_it(
    db: Session, new_context: Callable[..., BrowserContext], language: str, browser_locale: str
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email=f"mette-{language}@example.dk")
    code = f"LISE-PLAN-{language}"
    citizen = factories.citizen(db, staff, name="Lise Lund", code=code, locale=language)
    cid = citizen.id
    assert cid is not None
    phone = new_context("phone", locale=browser_locale).new_page()
    sign_in_citizen(phone, code)
    expect(phone.locator("html")).to_have_attribute("lang", language)

    # Two from the catalogue; "why" on the first.
    _pick(phone, cid, "everyday_life.morning")
    phone.locator("#why-text").fill("Så kan jeg nå bussen til praktik")
    picked = phone.url.split("/")[-1].split("?")[0]
    phone.locator(f"form[action='/citizens/{cid}/challenges/{picked}'] button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/challenges\?notice=saved"))
    _pick(phone, cid, "mental_wellbeing.worry")

    # One in my own words.
    phone.goto(f"/citizens/{cid}/challenges/new")
    phone.locator("label[for='life_area-transport']").click()
    phone.locator("#title").fill("Min cykel er gået i stykker")
    phone.locator("form[action$='/challenges'] button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/challenges/\d+"))

    # Move my own up one place: it is now second, among the top three.
    db.expire_all()
    own = db.exec(
        select(Challenge).where(Challenge.citizen_id == cid, Challenge.title == "Min cykel er gået i stykker")
    ).one()
    phone.goto(f"/citizens/{cid}/challenges")
    _no_sideways_scroll(phone)
    phone.locator(f"#challenge-{own.id}-up").click()
    expect(phone.locator("li.card-top").nth(1)).to_contain_text("Min cykel")
    expect(phone.locator("li.card-top")).to_have_count(3)

    # A strength.
    phone.goto(f"/citizens/{cid}/strengths")
    phone.locator("#strength-text").fill("Jeg er god til dyr")
    phone.locator("form[action$='/strengths'] button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text("Jeg er god til dyr")

    # A goal about the first challenge.
    phone.goto(f"/citizens/{cid}/goals")
    phone.locator("#goal-title").fill("Arbejde 10 timer om ugen med dyr")
    phone.locator(f"label[for='link-{own.id}']").click()
    phone.locator("form[action$='/goals'] button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/goals/\d+"))
    db.expire_all()
    goal = db.exec(select(Goal).where(Goal.citizen_id == cid)).one()

    # The scale, answered on two days: the history keeps both.
    _answer(phone, "today", 3)
    reading = db.exec(select(ScaleReading).where(ScaleReading.goal_id == goal.id)).one()
    reading.recorded_at -= timedelta(days=7)
    db.add(reading)
    db.commit()
    _answer(phone, "today", 5)
    chart = phone.locator("#scale svg[role=img]")
    expect(chart).to_have_attribute("aria-label", re.compile(r"\b3 (ud af|of) 10.*\b5 (ud af|of) 10"))
    _answer(phone, "belief_citizen", 7)
    _no_sideways_scroll(phone)

    # One step higher, on the board with one tap.
    phone.locator("#step-text").fill("Være oppe kl. 8 tre dage om ugen")
    phone.locator("#step button[value=agreement]").click()
    phone.wait_for_url(re.compile(r"notice=agreement"))
    # On the agenda for the next meeting.
    phone.locator("#agenda button[type=submit]").click()
    expect(phone.locator("#agenda button[type=submit]")).to_have_attribute("aria-pressed", "true")

    db.expire_all()
    card = db.exec(select(Agreement).where(Agreement.citizen_id == cid)).one()
    assert card.goal_id == goal.id and card.created_by_id == cid
    phone.goto(f"/citizens/{cid}/board")
    expect(phone.locator(f"#agreement-{card.id}")).to_contain_text("Være oppe kl. 8 tre dage om ugen")

    # The consultant, in English, on a laptop.
    laptop = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(laptop, f"mette-{language}@example.dk")
    laptop.goto(f"/citizens/{cid}")
    expect(laptop.locator("html")).to_have_attribute("lang", "en")
    main = laptop.locator("main")
    expect(main).to_contain_text("Arbejde 10 timer om ugen med dyr")
    expect(main).to_contain_text("Jeg er god til dyr")
    expect(main).to_contain_text("Min cykel er gået i stykker")
    # The agenda comes first.
    text = main.inner_text()
    assert text.index("Arbejde 10 timer om ugen med dyr") < text.index("Jeg er god til dyr")
    laptop.goto(f"/citizens/{cid}/board")
    expect(laptop.locator(f"#agreement-{card.id}")).to_contain_text("Være oppe kl. 8 tre dage om ugen")
    # The meeting screen shows the agenda first.
    laptop.goto(f"/citizens/{cid}/meeting")
    expect(laptop.locator("#meeting-agenda")).to_contain_text("Arbejde 10 timer om ugen med dyr")
    laptop.goto(f"/citizens/{cid}/goals/{goal.id}")
    expect(laptop.locator("main")).to_contain_text("7 of 10")
    _answer(laptop, "belief_consultant", 6)
    expect(laptop.locator("main")).to_contain_text("6 of 10")

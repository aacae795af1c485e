"""Without JavaScript the core forms still work: each posts as plain HTML, is answered with a
303 redirect, and the change is saved. htmx adds speed and live updates, not function."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, select

from app.models import Agreement, AgreementStatus, Challenge, Goal, MeaningfulnessRating, User
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, VIEWPORTS, LiveServer
from tests.browser.pages import arrange, html_pages, sign_in

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]

CODE = "LISE-NOJS"


@pytest.fixture
def no_js(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[], BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(
            viewport=VIEWPORTS["phone"], locale="da-DK", base_url=live_server.url, java_script_enabled=False
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@contextmanager
def posts_and_redirects(page: Page) -> Iterator[None]:
    """The form under the block posts as a plain navigation and is answered 303 See Other."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        yield
    response = answer.value
    assert response.request.is_navigation_request(), f"{response.url} was not a plain form post"
    assert response.status == 303, f"{response.url} answered {response.status}, not 303"


def test_citizen_completes_the_core_forms_without_javascript(
    db: Session, no_js: Callable[[], BrowserContext]
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code=CODE, locale="da")
    cid = citizen.id
    item = factories.intervention(db, citizen)
    page = no_js().new_page()
    assert page.evaluate("1 + 1") == 2  # the page itself may evaluate; its own scripts do not run

    # Sign in.
    page.goto("/login")
    page.locator("#code").fill(CODE)
    page.locator("#pin").fill(factories.PIN)
    with posts_and_redirects(page):
        page.locator("form[action='/login/citizen'] button[type=submit]").click()
    page.wait_for_url(f"**/citizens/{cid}")

    # Pick a challenge from the catalogue: the area opens as a plain <details>.
    page.goto(f"/citizens/{cid}/challenges/new")
    page.locator("#area-everyday_life > summary").click()
    with posts_and_redirects(page):
        page.locator("form:has(input[name=key][value='everyday_life.morning']) button").click()
    page.wait_for_url(re.compile(rf"/citizens/{cid}/challenges/\d+"))
    challenge = db.exec(select(Challenge).where(Challenge.citizen_id == cid)).one()
    assert challenge.catalogue_key == "everyday_life.morning"

    # Set a goal about it.
    page.goto(f"/citizens/{cid}/goals")
    page.locator("#goal-title").fill("Arbejde 10 timer om ugen")
    page.locator(f"label[for='link-{challenge.id}']").click()
    with posts_and_redirects(page):
        page.locator("form[action$='/goals'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/citizens/{cid}/goals/\d+"))
    assert db.exec(select(Goal).where(Goal.citizen_id == cid)).one().title == "Arbejde 10 timer om ugen"

    # Add an agreement, then move it with the menu's buttons.
    page.goto(f"/citizens/{cid}/board")
    page.locator("#agreement-new > summary").click()
    page.locator("#new-what").fill("Ringe til tandlægen")
    with posts_and_redirects(page):
        page.locator("#agreement-new button[type=submit]").click()
    expect(page.locator("#column-todo")).to_contain_text("Ringe til tandlægen")
    db.expire_all()
    card = db.exec(select(Agreement).where(Agreement.citizen_id == cid)).one()
    page.locator(f"#menu-{card.id}-summary").click()
    with posts_and_redirects(page):
        page.locator(f"#move-{card.id}-doing").click()
    expect(page.locator(f"#column-doing #agreement-{card.id}")).to_be_visible()
    db.refresh(card)
    assert card.status == AgreementStatus.doing

    # Rate an intervention.
    page.goto(f"/citizens/{cid}/interventions/{item.id}")
    page.locator("label[for=rating-4]").click()
    page.locator("#rating-reason").fill("Lidt for meget på én gang")
    with posts_and_redirects(page):
        page.locator("form[action$='/ratings'] button[type=submit]").click()
    page.wait_for_url("**notice=rated**")
    rating = db.exec(
        select(MeaningfulnessRating).where(MeaningfulnessRating.intervention_id == item.id)
    ).one()
    assert rating.value == 4

    # Switch language: back on the same page, in English.
    with posts_and_redirects(page):
        page.locator("form.language-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert f"/citizens/{cid}/interventions/{item.id}" in page.url
    db.expire_all()
    assert db.get_one(User, cid).locale == "en"


@pytest.mark.parametrize("role", ["citizen", "consultant"])
def test_every_form_posts_on_its_own(
    db: Session, no_js: Callable[[], BrowserContext], live_server: LiveServer, role: str
) -> None:
    """Every form on every page of the role's can post without a script: a method, an action
    and, for a POST, the CSRF token as a hidden field."""
    person = arrange(db, role, "da")
    context = no_js()
    page = sign_in(context, person, "da", live_server.url)
    broken = []
    paths = html_pages(context, live_server.url, person)
    for path in paths:
        page.goto(path)
        broken += [
            f"{path}: {form}"
            for form in page.evaluate(
                """() => [...document.forms].filter(f =>
                    !f.getAttribute('action')
                    || (f.method === 'post' && !f.querySelector('input[type=hidden][name=csrf_token]'))
                  ).map(f => f.outerHTML.slice(0, 120))"""
            )
        ]
    assert len(paths) >= 15
    assert not broken, "forms that need JavaScript:\n" + "\n".join(broken)

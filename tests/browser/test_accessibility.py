"""WCAG 2.1 AA on every page: each role, on a phone in Danish and English and on a meeting
screen in Danish, runs axe-core on every HTML page the route table gives it (see
tests/browser/pages.py), and every page reflows into 320 px without sideways scrolling."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from sqlmodel import Session

from tests.browser.conftest import ON_SQLITE_ONLY, ROOT, LiveServer
from tests.browser.pages import BROWSER_LOCALES, ROLES, arrange, html_pages, sign_in

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Every rule axe has, its best practices (landmark-unique, region, heading order…) included, not
# only the WCAG-tagged ones: the goal is no finding of any impact.
# Only violations are wanted: axe then stops at the first node of each passing rule.
AXE_RUN = """() => axe.run(document, {resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({
    id: v.id, help: v.help, targets: v.nodes.map(n => n.target.join(' ')),
  })))"""
# Fewer pages than this means the sweep has lost its way (a sign-in that failed, a world that
# went empty), not that the role has little to see.
MINIMUM_PAGES = {"citizen": 18, "consultant": 19, "network": 5, "manager": 4, "admin": 5, "anonymous": 5}
NARROW: ViewportSize = {"width": 320, "height": 640}
STICKING_OUT = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make setup` (npm ci)", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def with_axe(context: BrowserContext, axe_source: str) -> BrowserContext:
    """Every page the context opens has axe-core, added through the DevTools protocol before
    the page's own scripts: the strict CSP does not govern it (a script tag would be refused
    like any other inline script), and axe's 650 KB cross to the browser once, not per page."""
    context.add_init_script(axe_source)
    return context


def _violations(page: Page) -> list[dict[str, Any]]:
    # What hides in closed menus and disclosures is checked too.
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
    result: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return result


# Phone first: every role's pages on a phone in both languages; on the meeting screen in Danish
# (what axe checks there is the wider layout, which is the same in both languages).
@pytest.mark.parametrize(("language", "viewport"), [("da", "phone"), ("en", "phone"), ("da", "meeting")])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe(
    db: Session,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    axe_source: str,
    role: str,
    language: str,
    viewport: str,
) -> None:
    person = arrange(db, role, language)
    context = with_axe(new_context(viewport, locale=BROWSER_LOCALES[language]), axe_source)
    page = sign_in(context, person, language, live_server.url)
    paths = html_pages(context, live_server.url, person)
    assert len(paths) >= MINIMUM_PAGES[role], f"only {len(paths)} pages for {role}: {paths}"
    problems = []
    for path in paths:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, f"{path} is not in {language}"
        for violation in _violations(page):
            where = f"{path} as {role}, {language}, {viewport}"
            targets = ", ".join(violation["targets"][:5])
            problems.append(f"{violation['id']} on {where}: {violation['help']} — {targets}")
    assert not problems, f"{len(problems)} axe violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reflows_at_320_px(
    db: Session, browser: Browser, live_server: LiveServer, role: str
) -> None:
    person = arrange(db, role, "da")
    context = browser.new_context(viewport=NARROW, locale="da-DK", base_url=live_server.url)
    try:
        page = sign_in(context, person, "da", live_server.url)
        too_wide = []
        for path in html_pages(context, live_server.url, person):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > NARROW["width"]:
                wide = page.evaluate(STICKING_OUT)
                too_wide.append(f"{path} ({width}px: {', '.join(wide)})")
        assert not too_wide, f"sideways scrolling at 320px as {role}: " + ", ".join(too_wide)
    finally:
        context.close()


@pytest.mark.parametrize(("language", "word"), [("da", "Overskredet"), ("en", "Overdue")])
def test_an_overdue_card_says_so_in_words(
    db: Session,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    language: str,
    word: str,
) -> None:
    """Colour is never the only signal: the late card's warning colour comes with a word."""
    person = arrange(db, "citizen", language)
    page = sign_in(new_context("phone", locale=BROWSER_LOCALES[language]), person, language, live_server.url)
    page.goto(f"/citizens/{person.ids['citizen_id']}/board")
    late = page.locator(".card-overdue")
    expect(late).to_have_count(1)
    expect(late.locator(".badge")).to_have_text(re.compile(word))


# The forms people fill in (novalidate: the server's messages, not the browser's, explain).
FILLED_FORMS = "() => [...document.forms].filter(f => f.noValidate).map(f => f.getAttribute('action'))"
SUBMIT_EMPTY = """action => {
  const form = [...document.forms].find(f => f.noValidate && f.getAttribute('action') === action);
  const typed = 'input[type=text], input:not([type]), input[type=email], input[type=password], textarea';
  form.querySelectorAll(typed).forEach(field => { field.value = '' });
  form.requestSubmit();
}"""
SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("role", ["citizen", "consultant", "anonymous"])
def test_every_form_with_its_errors_passes_axe(
    db: Session,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    axe_source: str,
    role: str,
    language: str,
) -> None:
    """Each form sent empty comes back with its messages (as a page, or swapped in by htmx), and
    that state passes axe too."""
    person = arrange(db, role, language)
    context = with_axe(new_context("phone", locale=BROWSER_LOCALES[language]), axe_source)
    page = sign_in(context, person, language, live_server.url)
    problems = []
    sent = 0
    for path in html_pages(context, live_server.url, person):
        page.goto(path)
        for index, action in enumerate(page.evaluate(FILLED_FORMS)):
            if index > 0:  # the page as it was drawn, not as the last form's answer left it
                page.goto(path)
            with page.expect_response(lambda response: response.request.method == "POST"):
                page.evaluate(SUBMIT_EMPTY, action)
            page.wait_for_load_state()
            page.wait_for_function(SETTLED)
            sent += 1
            for violation in _violations(page):
                where = f"{path} after sending {action} empty, as {role}, {language}"
                targets = ", ".join(violation["targets"][:5])
                problems.append(f"{violation['id']} on {where}: {violation['help']} — {targets}")
    assert sent >= 3
    assert not problems, f"{len(problems)} axe violations:\n" + "\n".join(problems)

"""The strict Content-Security-Policy holds in a real browser: the pages work with it, and the
browser reports no blocked script, style or connection while people use them."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, sign_in_citizen, sign_in_staff

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]

# Runs before any page script, so it hears every violation from the first byte on.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline"));
});
"""


def _violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__csp"))


def test_pages_work_under_the_policy_without_a_single_violation(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE-1")
    factories.challenge(db, citizen, title="Sove bedre")
    factories.agreement(db, citizen, what="Ringe til lægen")

    phone = new_context("phone", locale="da-DK")
    phone.add_init_script(LISTEN)
    page = phone.new_page()
    response = page.goto("/login")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy
    sign_in_citizen(page, "LISE-1")
    page.goto(f"/citizens/{citizen.id}/board")
    # htmx, its SSE extension and the board script all run: the live stream opens.
    screen = new_context("meeting", locale="en-GB")
    screen.add_init_script(LISTEN)
    laptop = screen.new_page()
    sign_in_staff(laptop, "mette@example.dk")
    laptop.goto(f"/citizens/{citizen.id}/board")
    expect(page.locator("#board-presence")).to_contain_text("Mette Hansen")
    page.get_by_text("Ny aftale").click()
    page.get_by_label("Hvad er aftalt?").fill("Købe buskort")
    page.get_by_role("button", name="Foreslå aftalen").click()
    expect(laptop.locator("#column-todo")).to_contain_text("Købe buskort")
    laptop.goto(f"/citizens/{citizen.id}/meeting")
    expect(laptop.locator("svg").first).to_be_visible()
    page.goto(f"/citizens/{citizen.id}")
    assert _violations(page) == []
    assert _violations(laptop) == []

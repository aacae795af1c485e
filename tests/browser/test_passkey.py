"""A citizen opens the invitation on a phone and makes a passkey with Chromium's virtual
authenticator, then signs in with it; another chooses a PIN and signs in with code and PIN.

The passkey test needs a host name that is a valid WebAuthn RP ID and a secure context, so its
server is reached at http://localhost:PORT (with no TAVLE_PUBLIC_URL, the RP ID and the origin
are taken from the address the browser used)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.models import InvitationKind, PasskeyCredential, User
from app.network import invitations
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, VIEWPORTS, LiveServer, sign_in_citizen

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]
PIN = "482916"


@pytest.fixture(scope="module")
def localhost_server(database_url: str, engine: Engine) -> Iterator[str]:  # noqa: ARG001 (migrated first)
    server = LiveServer(database_url, extra_env={"TAVLE_PUBLIC_URL": ""})
    yield f"http://localhost:{server.port}"
    server.stop()


@pytest.fixture
def phone(browser: Browser, localhost_server: str) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="da-DK", base_url=localhost_server)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def invited_citizen(db: Session, name: str) -> tuple[User, invitations.Issued]:
    staff = factories.consultant(db)
    person = factories.citizen(db, staff, name=name)
    person.pin_hash = None
    db.add(person)
    db.commit()
    assert person.id is not None
    issued = invitations.issue(
        session=db, kind=InvitationKind.citizen, citizen_id=person.id, invited=person, created_by=staff
    )
    return person, issued


def add_virtual_authenticator(context: BrowserContext, page: Page) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/login")


def test_citizen_makes_a_passkey_from_the_invitation_and_signs_in_with_it(
    db: Session, phone: BrowserContext
) -> None:
    person, issued = invited_citizen(db, "Anna Jensen")
    page = phone.new_page()
    add_virtual_authenticator(phone, page)
    page.goto(f"/invite/{issued.token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Anna")
    page.get_by_role("button", name="Lav en adgangsnøgle").click()
    page.wait_for_url(f"**/citizens/{person.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Anna")
    stored = db.exec(select(PasskeyCredential).where(PasskeyCredential.user_id == person.id)).all()
    assert len(stored) == 1

    sign_out(page)
    page.goto("/login/passkey")
    page.get_by_role("button", name="Log ind med adgangsnøgle").click()
    page.wait_for_url(f"**/citizens/{person.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Anna")
    db.expire_all()
    used = db.exec(select(PasskeyCredential).where(PasskeyCredential.user_id == person.id)).one()
    assert used.last_used_at is not None

    # The link was used up by the passkey: it cannot be used again.
    response = page.goto(f"/invite/{issued.token}")
    assert response is not None and response.status == 410


def test_a_passkey_made_on_the_sign_in_page_works_and_the_pin_still_does(
    db: Session, phone: BrowserContext
) -> None:
    person = factories.citizen(db, name="Bo Borger", code="BO-KODE")
    page = phone.new_page()
    add_virtual_authenticator(phone, page)
    sign_in_citizen(page, "BO-KODE")
    page.goto("/account/security")
    expect(page.get_by_text("Du har ingen adgangsnøgler endnu.")).to_be_visible()
    page.get_by_role("button", name="Lav en adgangsnøgle").click()
    expect(page.get_by_role("status").filter(has_text="Adgangsnøglen er gemt")).to_be_visible()
    expect(page.get_by_role("button", name="Fjern denne adgangsnøgle")).to_be_visible()
    sign_out(page)
    page.goto("/login/passkey")
    page.get_by_role("button", name="Log ind med adgangsnøgle").click()
    page.wait_for_url(f"**/citizens/{person.id}")
    sign_out(page)
    sign_in_citizen(page, "BO-KODE")


@pytest.mark.usefixtures("db")
def test_without_a_passkey_on_the_device_the_person_is_told_to_use_the_pin(phone: BrowserContext) -> None:
    page = phone.new_page()
    add_virtual_authenticator(phone, page)  # an authenticator with no passkey for this site
    page.goto("/login/passkey")
    page.get_by_role("button", name="Log ind med adgangsnøgle").click()
    expect(page.get_by_role("status")).to_contain_text("kode og pinkode")
    assert "/login/passkey" in page.url


def test_citizen_chooses_a_pin_from_the_invitation_and_signs_in_with_code_and_pin(
    db: Session, phone: BrowserContext
) -> None:
    person, issued = invited_citizen(db, "Carl Hansen")
    page = phone.new_page()
    page.goto(f"/invite/{issued.token}")
    page.get_by_label("Ny pinkode (6 cifre)").fill(PIN)
    page.get_by_label("Samme pinkode igen").fill("000000")
    page.get_by_role("button", name="Gem pinkode og log ind").click()
    expect(page.locator("#pin_again-error")).to_contain_text("De to pinkoder er ikke ens")
    page.get_by_label("Ny pinkode (6 cifre)").fill(PIN)
    page.get_by_label("Samme pinkode igen").fill(PIN)
    page.get_by_role("button", name="Gem pinkode og log ind").click()
    page.wait_for_url(f"**/citizens/{person.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Carl")
    sign_out(page)
    sign_in_citizen(page, issued.code.lower(), PIN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Carl")


@pytest.mark.parametrize(
    ("locale", "button", "first_line"),
    [
        (
            "da-DK",
            "Log ind med adgangsnøgle",
            "Sidste gang loggede du ind på denne enhed med en adgangsnøgle.",
        ),
        ("en-GB", "Sign in with passkey", "Last time you signed in on this device with a passkey."),
    ],
)
def test_a_citizen_with_a_passkey_and_no_pin_signs_in_again_from_the_sign_in_page(
    db: Session, browser: Browser, localhost_server: str, locale: str, button: str, first_line: str
) -> None:
    """Issue 21, item 22: after signing out she lands on /login, which offers her passkey (the
    device remembers that she signs in that way), so she is not locked out."""
    person, issued = invited_citizen(db, "Anna Jensen")
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale=locale, base_url=localhost_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    add_virtual_authenticator(context, page)
    page.goto(f"/invite/{issued.token}")
    page.locator("[data-passkey] [data-passkey-button]").click()
    page.wait_for_url(f"**/citizens/{person.id}")
    page.locator("form[action='/logout'] button[type=submit]").click()
    page.wait_for_url("**/login")

    # The way she signs in comes first, with its button on this very page, and a link as well.
    expect(page.locator("#login-way")).to_have_text(first_line)
    expect(page.locator("#login-passkey-link a")).to_have_attribute("href", "/login/passkey")
    passkey = page.get_by_role("button", name=button)
    pin = page.locator("#pin")
    assert passkey.bounding_box()["y"] < pin.bounding_box()["y"]  # type: ignore[index]
    passkey.click()
    page.wait_for_url(f"**/citizens/{person.id}")
    context.close()


def test_a_device_that_signs_in_with_the_pin_sees_the_pin_first_and_a_passkey_link(
    db: Session, phone: BrowserContext
) -> None:
    factories.citizen(db, name="Bo Borger", code="BO-KODE")
    page = phone.new_page()
    sign_in_citizen(page, "BO-KODE")
    sign_out(page)
    expect(page.locator("#login-way")).to_have_count(0)
    link = page.get_by_role("link", name="Log ind med adgangsnøgle")
    expect(link).to_have_attribute("href", "/login/passkey")
    link.click()
    page.wait_for_url("**/login/passkey")

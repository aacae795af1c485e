"""Two separate server processes on one PostgreSQL database, as behind a load balancer: a change
made through one process reaches a viewer whose stream is held by the other (LISTEN/NOTIFY),
each sees who is looking from the other process, and a consent withdrawn through one ends the
views held by the other."""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import VIEWPORTS, LiveServer, sign_in_citizen, sign_in_staff
from tests.browser.test_consent import WITHIN_MS

pytestmark = pytest.mark.browser


@pytest.fixture
def second_server(database_url: str, engine: Engine) -> Iterator[LiveServer]:  # noqa: ARG001 (migrated first)
    server = LiveServer(database_url)
    yield server
    server.stop()


@pytest.fixture
def phone_on_second(browser: Browser, second_server: LiveServer) -> Iterator[Page]:
    """A phone that talks only to the second process."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="da-DK", base_url=second_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_change_through_one_process_reaches_a_viewer_on_the_other(
    db: Session,
    new_context: Callable[..., BrowserContext],
    phone_on_second: Page,
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE-1")
    card = factories.agreement(db, citizen, what="Ringe til lægen")

    # The phone talks only to the second process.
    phone = phone_on_second
    sign_in_citizen(phone, "LISE-1")
    phone.goto(f"/citizens/{citizen.id}/board")

    # The meeting screen talks only to the first.
    screen = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(screen, "mette@example.dk")
    screen.goto(f"/citizens/{citizen.id}/board")

    # Presence crosses the processes both ways, so both streams are open.
    expect(phone.locator("#board-presence")).to_contain_text("Mette Hansen")
    expect(screen.locator("#board-presence")).to_contain_text("Lise Lund")

    screen.locator(f"#menu-{card.id}-summary").click()
    screen.locator(f"#move-{card.id}-doing").click()
    expect(screen.locator("#column-doing")).to_contain_text("Ringe til lægen")
    expect(phone.locator("#column-doing")).to_contain_text("Ringe til lægen")
    expect(phone.locator("#column-todo")).not_to_contain_text("Ringe til lægen")
    expect(phone.locator("#board-live")).to_contain_text(
        "Mette Hansen har flyttet “Ringe til lægen” til I gang."
    )

    # And back the other way: the phone's change reaches the screen on the first process.
    phone.locator(f"#menu-{card.id}-summary").click()
    phone.locator(f"#move-{card.id}-done").click()
    expect(screen.locator("#column-done")).to_contain_text("Ringe til lægen")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_consent_withdrawn_through_one_process_empties_screens_on_the_other(
    db: Session,
    new_context: Callable[..., BrowserContext],
    phone_on_second: Page,
) -> None:
    """The meeting screen and the sister's phone are served by the first process; the citizen
    withdraws each consent on her phone, served by the second. Each screen empties at once, and
    comes back when she says yes again."""
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE-2")
    factories.network_member(db, citizen, name="Louise Lund", code="LOUISE-2")
    factories.agreement(db, citizen, what="Gå tur med Louise", shared=True)

    screen = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(screen, "mette@example.dk")
    screen.goto(f"/citizens/{citizen.id}/meeting")
    expect(screen.locator("#board-columns")).to_contain_text("Gå tur med Louise")
    sister = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(sister, "LOUISE-2", lands="**/network")
    sister.goto(f"/citizens/{citizen.id}/board")
    expect(sister.locator("#board-columns")).to_contain_text("Gå tur med Louise")

    phone = phone_on_second
    sign_in_citizen(phone, "LISE-2")
    phone.goto(f"/citizens/{citizen.id}/board")
    # Both streams on the first process are open: their viewers show on the phone.
    expect(phone.locator("#board-presence")).to_contain_text("Mette Hansen")
    expect(phone.locator("#board-presence")).to_contain_text("Louise Lund")

    phone.goto(f"/citizens/{citizen.id}/privacy")
    phone.get_by_role("button", name="Stop med at dele kort med mit netværk").click()
    expect(phone.locator("#consent-network-state")).to_contain_text("Nej.")
    expect(sister.locator("#board-columns")).to_have_count(0, timeout=WITHIN_MS)
    expect(sister.locator("#main")).to_contain_text("Du kan ikke længere se denne tavle.")
    # The meeting screen stays, and says the network sees nothing now.
    expect(screen.locator("#board-consent")).to_contain_text(
        "Shares nothing with their network.", timeout=WITHIN_MS
    )

    phone.get_by_role("button", name="Stop med at dele min plan med min konsulent").click()
    expect(phone.locator("#consent-consultant-state")).to_contain_text("Nej.")
    expect(screen.locator("#board-columns")).to_have_count(0, timeout=WITHIN_MS)
    expect(screen.locator("#main")).not_to_contain_text("Gå tur med Louise")
    expect(screen.locator("#main")).to_contain_text("You can no longer see this board.")

    # Yes again, to both: nothing was deleted.
    phone.get_by_role("button", name="Del min plan med min konsulent").click()
    expect(phone.locator("#consent-consultant-state")).to_contain_text("Ja.")
    phone.get_by_role("button", name="Del de kort, jeg vælger, med mit netværk").click()
    expect(phone.locator("#consent-network-state")).to_contain_text("Ja.")
    screen.goto(f"/citizens/{citizen.id}/meeting")
    expect(screen.locator("#board-columns")).to_contain_text("Gå tur med Louise")
    sister.goto(f"/citizens/{citizen.id}/board")
    expect(sister.locator("#board-columns")).to_contain_text("Gå tur med Louise")

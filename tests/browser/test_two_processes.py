"""Two separate server processes on one PostgreSQL database, as behind a load balancer: a change
made through one process reaches a viewer whose stream is held by the other (LISTEN/NOTIFY),
and each sees who is looking from the other process."""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, expect
from sqlalchemy import Engine
from sqlmodel import Session

from tests import factories
from tests.browser.conftest import VIEWPORTS, LiveServer, sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser


@pytest.fixture
def second_server(database_url: str, engine: Engine) -> Iterator[LiveServer]:  # noqa: ARG001 (migrated first)
    server = LiveServer(database_url)
    yield server
    server.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_change_through_one_process_reaches_a_viewer_on_the_other(
    db: Session,
    browser: Browser,
    new_context: Callable[..., BrowserContext],
    second_server: LiveServer,
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE-1")
    card = factories.agreement(db, citizen, what="Ringe til lægen")

    # The phone talks only to the second process.
    phone_context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="da-DK", base_url=second_server.url
    )
    try:
        phone = phone_context.new_page()
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
    finally:
        phone_context.close()

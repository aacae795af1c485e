"""The board at a meeting: a citizen's phone (Danish), the meeting screen and a laptop (English)
look at one board, and what one changes shows on the others at once, each in its own language."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlmodel import Session

from app.models import User
from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.browser


def _people(db: Session) -> tuple[User, User]:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE-1")
    return staff, citizen


def _phone(new_context: Callable[..., BrowserContext], citizen: User) -> Page:
    page = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(page, "LISE-1")
    page.goto(f"/citizens/{citizen.id}/board")
    return page


def _screen(new_context: Callable[..., BrowserContext], citizen: User, path: str = "meeting") -> Page:
    page = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(page, "mette@example.dk")
    page.goto(f"/citizens/{citizen.id}/{path}")
    return page


def _connected(page: Page, who: str) -> None:
    """The stream is open once presence shows the other person."""
    expect(page.locator("#board-presence")).to_contain_text(who)


def _column(page: Page, status: str) -> Locator:
    return page.locator(f"#column-{status}")


def _move(page: Page, card_id: int | None, to: str) -> None:
    """Through the card's menu, the way that works without dragging. An open menu stays open
    across live updates, so it is opened only when closed."""
    if not page.locator(f"#menu-{card_id}").evaluate("menu => menu.open"):
        page.locator(f"#menu-{card_id}-summary").click()
    page.locator(f"#move-{card_id}-{to}").click()


def test_three_views_update_each_other_live_in_their_own_languages(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    _staff, citizen = _people(db)
    factories.agreement(db, citizen, what="Ringe til lægen")
    phone = _phone(new_context, citizen)
    screen = _screen(new_context, citizen)
    laptop = _screen(new_context, citizen, "board")
    _connected(phone, "Mette Hansen")
    _connected(screen, "Lise Lund")
    expect(phone.locator("#board-presence")).to_contain_text("Kigger også med nu")
    expect(screen.locator("#board-presence")).to_contain_text("Also looking now")

    # The citizen starts typing a new agreement on the phone, and does not send it yet.
    phone.get_by_text("Ny aftale").click()
    phone.get_by_label("Hvad er aftalt?").fill("Halvskrevet tekst")

    # The consultant proposes an agreement on the meeting screen.
    screen.get_by_text("New agreement").click()
    screen.get_by_label("What is agreed?").fill("Søge tre job i Aalborg")
    screen.get_by_role("button", name="Propose the agreement").click()
    expect(_column(screen, "todo")).to_contain_text("Søge tre job i Aalborg")

    for page in (phone, laptop):
        expect(_column(page, "todo")).to_contain_text("Søge tre job i Aalborg")
    card = phone.locator("li.board-card", has_text="Søge tre job i Aalborg")
    expect(card).to_contain_text("Foreslået – venter på, at du accepterer")
    expect(laptop.locator("li.board-card", has_text="Søge tre job")).to_contain_text(
        "waiting for the citizen"
    )
    expect(phone.locator("#board-live")).to_contain_text("Mette Hansen har foreslået en ny aftale")
    expect(phone.get_by_label("Hvad er aftalt?")).to_have_value("Halvskrevet tekst")

    # The citizen accepts on the phone: agreed everywhere.
    card.get_by_role("button", name=re.compile("Acceptér")).click()
    expect(screen.locator("li.board-card", has_text="Søge tre job")).to_contain_text("Agreed")
    expect(laptop.locator("li.board-card", has_text="Søge tre job")).to_contain_text("Agreed")
    expect(screen.locator("#board-live")).to_contain_text("Lise Lund accepted")
    assert phone.url.endswith(f"/citizens/{citizen.id}/board"), "no reload, no navigation"


def test_moving_by_buttons_with_the_keyboard_then_undo(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    _staff, citizen = _people(db)
    card = factories.agreement(db, citizen, what="Købe buskort")
    phone = _phone(new_context, citizen)
    screen = _screen(new_context, citizen)
    # The same person's second tab: the move is not sent back to the tab that made it (its
    # answer shows it), but every other open view of theirs gets it live.
    second_tab = phone.context.new_page()
    second_tab.goto(f"/citizens/{citizen.id}/board")
    _connected(phone, "Mette Hansen")
    _connected(second_tab, "Mette Hansen")

    menu = phone.locator(f"#menu-{card.id}-summary")
    menu.focus()
    phone.keyboard.press("Enter")
    done = phone.locator(f"#move-{card.id}-done")
    done.focus()
    phone.keyboard.press("Enter")
    expect(_column(phone, "done")).to_contain_text("Købe buskort")
    expect(phone.locator(f"#agreement-{card.id}")).to_be_focused()
    expect(phone.locator("#board-live")).to_have_text("Flyttet til Klaret. Du kan fortryde det.")
    expect(_column(screen, "done")).to_contain_text("Købe buskort")
    expect(screen.locator("#board-live")).to_contain_text("Lise Lund moved “Købe buskort” to Done.")
    expect(_column(second_tab, "done")).to_contain_text("Købe buskort")

    phone.get_by_role("button", name="Fortryd").click()
    expect(_column(phone, "todo")).to_contain_text("Købe buskort")
    expect(_column(screen, "todo")).to_contain_text("Købe buskort")
    expect(_column(screen, "done")).not_to_contain_text("Købe buskort")


def test_dragging_a_card_by_its_handle_moves_it_for_everyone(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    _staff, citizen = _people(db)
    card = factories.agreement(db, citizen, what="Træne tirsdag")
    phone = _phone(new_context, citizen)
    screen = _screen(new_context, citizen)
    _connected(phone, "Mette Hansen")
    _connected(screen, "Lise Lund")
    handle = screen.locator(f"#agreement-{card.id} .board-handle")
    target = _column(screen, "doing")
    # The agenda comes first on the meeting screen: bring the columns into view.
    screen.locator("#board-columns").scroll_into_view_if_needed()
    box, goal = handle.bounding_box(), target.bounding_box()
    assert box and goal
    screen.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    screen.mouse.down()
    screen.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 10, steps=12)
    screen.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 20, steps=4)
    screen.mouse.up()
    expect(_column(phone, "doing")).to_contain_text("Træne tirsdag")
    expect(_column(screen, "doing")).to_contain_text("Træne tirsdag")
    expect(phone.locator("#board-live")).to_contain_text(
        "Mette Hansen har flyttet “Træne tirsdag” til I gang."
    )
    expect(screen.get_by_role("button", name="Undo")).to_be_visible()


def test_a_view_whose_stream_was_cut_catches_up(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    _staff, citizen = _people(db)
    card = factories.agreement(db, citizen, what="Ringe til jobcentret")
    phone = _phone(new_context, citizen)
    screen = _screen(new_context, citizen, "board")
    _connected(phone, "Mette Hansen")
    # The browser says it is offline: the page closes its stream (it cannot work).
    close_stream = "() => window.dispatchEvent(new Event('offline'))"

    # The phone lost its connection: its stream ended and it misses the change.
    phone.evaluate(close_stream)
    _move(screen, card.id, "doing")
    expect(_column(screen, "doing")).to_contain_text("Ringe til jobcentret")
    phone.wait_for_timeout(500)
    expect(_column(phone, "todo")).to_contain_text("Ringe til jobcentret")
    # Back online: a new stream asks for what came after the version it shows.
    phone.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(_column(phone, "doing")).to_contain_text("Ringe til jobcentret", timeout=4000)

    # A phone back from the background: the browser had ended the stream.
    phone.evaluate(close_stream)
    _move(screen, card.id, "done")
    expect(_column(screen, "done")).to_contain_text("Ringe til jobcentret")
    phone.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    expect(_column(phone, "done")).to_contain_text("Ringe til jobcentret", timeout=4000)


def test_two_people_editing_one_card_the_second_is_told_and_keeps_their_text(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    _staff, citizen = _people(db)
    card = factories.agreement(db, citizen, what="Købe buskort")
    phone = new_context("phone", locale="da-DK").new_page()
    sign_in_citizen(phone, "LISE-1")
    phone.goto(f"/citizens/{citizen.id}/agreements/{card.id}")
    laptop = _screen(new_context, citizen, f"agreements/{card.id}")

    laptop.get_by_label("What is agreed?").fill("Købe månedskort")
    phone.get_by_label("Hvad er aftalt?").fill("Købe klippekort")
    laptop.get_by_role("button", name="Save the new version").click()
    expect(laptop).to_have_url(re.compile(rf"/citizens/{citizen.id}/board"))
    phone.get_by_role("button", name="Gem den nye udgave").click()
    expect(phone.get_by_role("alert")).to_contain_text("En anden har ændret aftalen, mens du skrev")
    expect(phone.locator(".board-card")).to_contain_text("Købe månedskort")
    expect(phone.get_by_label("Hvad er aftalt?")).to_have_value("Købe klippekort")
    phone.get_by_role("button", name="Gem den nye udgave").click()
    expect(phone).to_have_url(re.compile(rf"/citizens/{citizen.id}/board"))
    expect(_column(phone, "todo")).to_contain_text("Købe klippekort")
    expect(_column(laptop, "todo")).to_contain_text("Købe klippekort")

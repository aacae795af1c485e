"""The outbox on the phone, in a real browser with its connection cut (the context set offline):
Anna moves a card, proposes an agreement and rates an intervention without a connection; after a
reload, still offline, her board shows with the three changes waiting. Mette moves the same card
meanwhile. Back online, all three reach Mette's open board exactly once; the move that met
Mette's is not dropped: Anna is told, and sees the same conflict page as online."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Dialog, Page, expect
from sqlmodel import Session, col, func, select

from app.models import AgendaTopic, Agreement, AgreementStatus, MeaningfulnessRating, User
from tests import factories
from tests.browser.conftest import sign_in_citizen, sign_in_staff
from tests.browser.test_pwa import _wait_until_kept

pytestmark = pytest.mark.browser


def _move(page: Page, card_id: int | None, to: str) -> None:
    if not page.locator(f"#menu-{card_id}").evaluate("menu => menu.open"):
        page.locator(f"#menu-{card_id}-summary").click()
    page.locator(f"#move-{card_id}-{to}").click()


def _kept_by_the_worker(page: Page, *paths: str) -> None:
    """Each page opened while the worker controls the tab, so it keeps a copy for offline."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    for path in paths:
        page.goto(path)
        _wait_until_kept(page, path)
    # What keeps changes offline is fetched once the worker controls a page.
    page.wait_for_function(
        """async () => {
          for (const name of await caches.keys()) {
            const urls = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
            if (urls.includes("/static/outbox.js") && urls.includes("/static/outbox_store.js")) return true;
          }
          return false;
        }"""
    )


def _go_offline(context: BrowserContext, page: Page) -> None:
    """The connection goes; the page loads its outbox (pwa.js) and is ready to keep changes."""
    context.set_offline(True)
    _outbox_ready(page)


def _outbox_ready(page: Page) -> None:
    """A page opened offline loads its outbox at once (pwa.js); a person takes longer than that
    to make a change, a test does not."""
    page.wait_for_function("() => document.getElementById('outbox').dataset.pending !== undefined")


def _count(db: Session, statement: object) -> int:
    db.expire_all()
    return int(db.exec(statement).one())  # type: ignore[call-overload]


def test_changes_made_offline_wait_then_arrive_once_and_a_conflict_is_shown(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    anna: User = factories.citizen(db, staff, name="Anna Berg", code="ANNA-1")
    card = factories.agreement(db, anna, what="Ringe til lægen")
    mentor = factories.intervention(db, anna)
    board = f"/citizens/{anna.id}/board"
    rating_page = f"/citizens/{anna.id}/interventions/{mentor.id}"

    context = new_context("phone", locale="da-DK")
    phone = context.new_page()
    sign_in_citizen(phone, "ANNA-1")
    phone.goto(board)
    _kept_by_the_worker(phone, rating_page, board)
    screen = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(screen, "mette@example.dk")
    screen.goto(board)
    expect(screen.locator("#board-presence")).to_contain_text("Anna Berg")

    _go_offline(context, phone)
    count = phone.locator("#outbox-count")
    # 1. A card moved.
    _move(phone, card.id, "doing")
    expect(count).to_have_text("Venter på at blive sendt: 1")
    expect(phone.locator(f"#agreement-{card.id}")).to_contain_text("Venter på at blive sendt")
    # 2. An agreement proposed.
    phone.get_by_text("Ny aftale").click()
    phone.get_by_label("Hvad er aftalt?").fill("Købe en cykelhjelm")
    phone.get_by_role("button", name="Foreslå aftalen").click()
    expect(count).to_have_text("Venter på at blive sendt: 2")
    # 3. An intervention rated, on its page as the worker kept it.
    phone.goto(rating_page)
    _outbox_ready(phone)
    phone.locator("label[for=rating-7]").click()
    phone.locator("#rating-reason").fill("Mentoren lytter")
    phone.get_by_role("button", name="Gem mit svar").click()
    expect(count).to_have_text("Venter på at blive sendt: 3")

    # Reloaded without a connection: the board from the worker's copy, the changes on top.
    phone.goto(board)
    phone.reload()
    expect(phone.locator("[data-offline-notice]")).to_be_visible()
    expect(count).to_have_text("Venter på at blive sendt: 3")
    waiting = phone.locator("#outbox-items li")
    expect(waiting).to_have_count(3)
    expect(waiting.filter(has_text="Venter på at blive sendt")).to_have_count(3)
    expect(phone.locator("#column-doing")).to_contain_text("Ringe til lægen")
    expect(phone.locator("#column-todo")).to_contain_text("Købe en cykelhjelm")
    expect(waiting.filter(has_text="Mentoren lytter")).to_have_count(1)

    # Meanwhile Mette moves the same card, to "Done".
    _move(screen, card.id, "done")
    expect(screen.locator("#column-done")).to_contain_text("Ringe til lægen")

    context.set_offline(False)
    expect(count).to_be_hidden(timeout=20_000)
    # On Mette's open board, each once.
    expect(screen.locator("#column-todo")).to_contain_text("Købe en cykelhjelm", timeout=10_000)
    expect(screen.locator("li.board-card", has_text="Købe en cykelhjelm")).to_have_count(1)
    expect(screen.locator(f"#board-intervention-{mentor.id}")).to_contain_text("7")
    new_cards = select(func.count()).select_from(Agreement).where(col(Agreement.what) == "Købe en cykelhjelm")
    assert _count(db, new_cards) == 1
    ratings = select(func.count()).select_from(MeaningfulnessRating)
    assert _count(db, ratings) == 1
    # Mette's move stands: Anna's, made on what she saw before, was not applied over it.
    moved = db.get(Agreement, card.id)
    assert moved is not None and moved.status == AgreementStatus.done

    # Two went through; the move is not dropped: Anna is told, and sees what happened.
    expect(waiting.filter(has_text="Sendt ✓")).to_have_count(2)
    conflict = waiting.filter(has_text="Ikke sendt: det blev ændret imens")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("Ringe til lægen")
    conflict.get_by_role("button", name="Se hvad der skete").click()
    expect(phone.locator("#board-live")).to_contain_text(
        "Mette Hansen flyttede “Ringe til lægen” til Klaret lige før dig"
    )
    expect(phone.locator("#column-done")).to_contain_text("Ringe til lægen")
    # Seeing it sent nothing again.
    assert _count(db, new_cards) == 1 and _count(db, ratings) == 1


def test_signing_out_with_changes_waiting_asks_first(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    anna = factories.citizen(db, name="Anna Berg", code="ANNA-2")
    board = f"/citizens/{anna.id}/board"
    context = new_context("phone", locale="da-DK")
    phone = context.new_page()
    sign_in_citizen(phone, "ANNA-2")
    phone.goto(board)
    _kept_by_the_worker(phone, board)

    _go_offline(context, phone)
    phone.get_by_text("Ny aftale").click()
    phone.get_by_label("Hvad er aftalt?").fill("Købe frimærker")
    phone.get_by_role("button", name="Foreslå aftalen").click()
    expect(phone.locator("#outbox-count")).to_have_text("Venter på at blive sendt: 1")
    # Back online, but the server does not take the change yet: it keeps waiting.
    context.route("**/agreements", lambda route: route.abort())
    context.set_offline(False)
    phone.wait_for_timeout(500)
    expect(phone.locator("#outbox-count")).to_have_text("Venter på at blive sendt: 1")

    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    phone.on("dialog", answer)
    phone.get_by_role("button", name="Log ud").click()
    for _ in range(100):
        if asked:
            break
        phone.wait_for_timeout(50)
    assert asked and "ikke sendt endnu" in asked[0]
    expect(phone.locator("#outbox-count")).to_be_visible()
    assert phone.url.endswith(board), "she stayed signed in"

    phone.get_by_role("button", name="Log ud").click()
    phone.wait_for_url("**/login**")
    assert len(asked) == 2
    left = phone.evaluate(
        """() => new Promise((done) => {
          const open = indexedDB.open("tavle-outbox", 1);
          open.onsuccess = () => {
            const read = open.result.transaction("changes").objectStore("changes").count();
            read.onsuccess = () => done(read.result);
          };
        })"""
    )
    assert left == 0, "what was signed out of is not sent later"


def test_a_wording_changed_offline_meets_mettes_and_anna_keeps_her_text(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette3@example.dk")
    anna = factories.citizen(db, staff, name="Anna Berg", code="ANNA-3")
    card = factories.agreement(db, anna, what="Købe buskort")
    wording = f"/citizens/{anna.id}/agreements/{card.id}"
    agenda = f"/citizens/{anna.id}/agenda"
    context = new_context("phone", locale="da-DK")
    phone = context.new_page()
    sign_in_citizen(phone, "ANNA-3")
    phone.goto(f"/citizens/{anna.id}/board")
    _kept_by_the_worker(phone, agenda, wording)

    _go_offline(context, phone)
    phone.get_by_label("Hvad er aftalt?").fill("Købe klippekort")
    phone.get_by_role("button", name="Gem den nye udgave").click()
    # Kept, as the page says, before she goes on: leaving sooner may end the keeping.
    expect(phone.locator("#outbox-count")).to_have_text("Venter på at blive sendt: 1")
    phone.goto(agenda)
    _outbox_ready(phone)
    phone.get_by_label("Hvad vil du tale om?").fill("Kan jeg få buskort?")
    phone.get_by_role("button", name="Sæt det på dagsordenen").click()
    expect(phone.locator("#outbox-count")).to_have_text("Venter på at blive sendt: 2")

    # Mette saves her own wording meanwhile.
    laptop = new_context("meeting", locale="en-GB").new_page()
    sign_in_staff(laptop, "mette3@example.dk")
    laptop.goto(wording)
    laptop.get_by_label("What is agreed?").fill("Købe månedskort")
    laptop.get_by_role("button", name="Save the new version").click()
    expect(laptop).to_have_url(re.compile(rf"/citizens/{anna.id}/board"))

    context.set_offline(False)
    waiting = phone.locator("#outbox-items li")
    expect(waiting.filter(has_text="Sendt ✓")).to_have_count(1, timeout=20_000)
    conflict = waiting.filter(has_text="Ikke sendt: det blev ændret imens")
    expect(conflict).to_contain_text("Købe klippekort")
    conflict.get_by_role("button", name="Se hvad der skete").click()
    # The same conflict page as online: her text kept, the current card shown.
    expect(phone.get_by_role("alert")).to_contain_text("En anden har ændret aftalen, mens du skrev")
    expect(phone.get_by_label("Hvad er aftalt?")).to_have_value("Købe klippekort")
    expect(phone.locator("main")).to_contain_text("Købe månedskort")
    topics = (
        select(func.count()).select_from(AgendaTopic).where(col(AgendaTopic.text) == "Kan jeg få buskort?")
    )
    assert _count(db, topics) == 1

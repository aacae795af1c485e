"""What a new user hit (issue 21), walked again in the browser: Anna on a 390 × 844 phone in
Danish, Mette on a 1920 × 1080 screen in English. Each test names the item it holds."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from app.board.agreements import UNDO_SECONDS
from app.models import AgreementStatus, Challenge, ChallengeStatus, LifeArea, MeaningfulnessRating
from tests import factories
from tests.browser.conftest import ON_SQLITE_ONLY, sign_in_citizen, sign_in_staff

pytestmark = [pytest.mark.browser, ON_SQLITE_ONLY]


def test_saying_no_thanks_to_a_suggestion_is_confirmed(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    """Item 3: declining a suggested challenge says so, in words, where the answer was."""
    staff = factories.consultant(db)
    anna = factories.citizen(db, staff, name="Anna Jensen", code="ANNA-3")
    assert anna.id is not None and staff.id is not None
    suggestion = Challenge(
        citizen_id=anna.id,
        life_area=LifeArea.transport,
        title="Tage bussen alene",
        status=ChallengeStatus.suggested,
        created_by_id=staff.id,
    )
    db.add(suggestion)
    db.commit()
    page = new_context("phone").new_page()
    sign_in_citizen(page, "ANNA-3", through_form=True)
    page.goto(f"/citizens/{anna.id}/challenges")
    page.get_by_role("button", name="Nej tak").click()
    notice = page.locator(".plan-notice")
    expect(notice).to_have_text("Nej tak — den er ikke i din plan.")
    expect(notice).to_be_focused()
    expect(page.get_by_text("Tage bussen alene")).to_have_count(0)


def _move_by_menu(page: Page, card_id: int | None, column: str) -> None:
    # The menu stays open across the move's answer; a second tap would close it.
    if page.locator(f"#menu-{card_id}").get_attribute("open") is None:
        page.locator(f"#menu-{card_id}-summary").click()
    page.locator(f"#move-{card_id}-{column}").click()


def test_the_undo_bar_goes_away_and_a_stale_undo_explains_itself(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    """Item 10: the bar's own style kept it on screen after its time (hidden lost to
    display:flex), and its button, tapped after the card moved on, answered 409."""
    anna = factories.citizen(db, name="Anna Jensen", code="ANNA-10")
    card = factories.agreement(db, anna, what="Købe buskort")
    page = new_context("phone").new_page()
    # The page's own clock, moved on by the test instead of waited for.
    page.clock.install()
    sign_in_citizen(page, "ANNA-10")
    page.goto(f"/citizens/{anna.id}/board")
    bar = page.locator(".board-undo-form")

    _move_by_menu(page, card.id, "doing")
    expect(bar).to_be_visible()
    page.clock.run_for(UNDO_SECONDS * 1000 + 1000)
    expect(bar).to_be_hidden()

    # Moved, then moved on by someone else: the undo left on the screen is stale.
    _move_by_menu(page, card.id, "done")
    expect(bar).to_be_visible()
    db.refresh(card)
    card.status, card.position = AgreementStatus.todo, 0
    db.add(card)
    db.commit()
    factories.changed_board(db, anna)
    with page.expect_response(lambda r: "/board/undo/" in r.url) as answer:
        page.get_by_role("button", name="Fortryd").click()
    assert answer.value.status == 200
    expect(page.locator("#board-live")).to_have_text(
        "Det kan ikke fortrydes længere: der er gået for lang tid, eller kortet er blevet ændret."
    )
    expect(bar).to_have_count(0)
    expect(page.locator("h1")).to_have_text("Min tavle")


def test_each_reader_gets_wording_meant_for_them(
    db: Session, new_context: Callable[..., BrowserContext]
) -> None:
    """Item 2: Anna read "Borgerens ønske" and chose "Borgeren" from her own list, which her card
    then called "Dig"; Mette read "Dine svar indtil nu" about answers that were Anna's."""
    staff = factories.consultant(db, name="Mette Hansen", email="mette-2@example.dk")
    anna = factories.citizen(db, staff, name="Anna Jensen", code="ANNA-2")
    help_ = factories.intervention(db, anna)
    db.add(MeaningfulnessRating(intervention_id=help_.id or 0, value=7, reason="Hun lytter"))
    db.commit()

    phone = new_context("phone").new_page()
    sign_in_citizen(phone, "ANNA-2")
    phone.goto(f"/citizens/{anna.id}/board")
    phone.locator("#agreement-new > summary").click()
    who = phone.locator("#new-who option")
    expect(who.nth(0)).to_have_text("Dig")
    expect(who.nth(1)).to_have_text("Din konsulent")
    expect(phone.locator("#new-who")).not_to_contain_text("Borgeren")
    phone.locator("#new-what").fill("Ringe til lægen")
    phone.locator("#new-who").select_option("citizen")
    phone.get_by_role("button", name="Foreslå aftalen").click()
    card = phone.locator("li.board-card", has_text="Ringe til lægen")
    expect(card).to_contain_text("Hvem: Dig")
    card.get_by_text("Flyt eller ret").click()
    card.get_by_role("link", name="Ret teksten eller se historikken").click()
    expect(phone.locator("main")).to_contain_text("Foreslået af dig den")
    expect(phone.locator("#edit-who option").nth(0)).to_have_text("Dig")

    phone.goto(f"/citizens/{anna.id}/interventions/{help_.id}")
    main = phone.locator("main")
    expect(main).to_contain_text("Dit ønske")
    expect(main).not_to_contain_text("Borgerens ønske")
    expect(phone.get_by_role("heading", name="Dine svar indtil nu")).to_be_visible()

    laptop = new_context("meeting", locale="da-DK").new_page()
    sign_in_staff(laptop, "mette-2@example.dk", through_form=True)
    laptop.goto(f"/citizens/{anna.id}/interventions/{help_.id}")
    main = laptop.locator("main")
    expect(laptop.get_by_role("heading", name="Svar fra Anna Jensen indtil nu")).to_be_visible()
    for meant_for_anna in ("Dine svar", "Dit ønske", "Hvorfor?"):
        expect(main).not_to_contain_text(meant_for_anna)
    laptop.goto(f"/citizens/{anna.id}/board")
    expect(laptop.locator("li.board-card", has_text="Ringe til lægen")).to_contain_text("Hvem: Anna Jensen")
    expect(laptop.locator("#new-who option").nth(0)).to_have_text("Anna Jensen")

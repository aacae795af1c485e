"""Numbers are ASCII digits only, everywhere a person (or a page) sends one.

"²" passes str.isdigit() and then breaks int() (a 500), and int() reads "١٠" (Arabic-Indic) and
"०" (Devanagari) as 10 and 0, so a value nobody typed was saved. Each of them gets a clear
answer here, and nothing is saved."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app import clock
from app.core.numbers import decimal, whole
from app.models import (
    Agreement,
    Goal,
    Intervention,
    MeaningfulnessRating,
    Outcome,
    Role,
    ScaleReading,
    User,
)
from tests import factories
from tests.conftest import Client

ARABIC_ZERO = 0x0660
DEVANAGARI_ZERO = 0x0966


def other_digits(number: int | None, zero: int = ARABIC_ZERO) -> str:
    """`number` written in another script's digits (which Python's int() would read)."""
    return "".join(chr(zero + int(d)) for d in str(number))


# Written so that int() would have read them, or broken on them.
NOT_ASCII = ["²", "١٠", "०", "٣", "3²"]


@pytest.mark.parametrize("raw", [*NOT_ASCII, "+3", " 3_0", "3.0", "", "-1", "9" * 19])
def test_only_plain_digits_are_a_whole_number(raw: str) -> None:
    assert whole(raw) is None


def test_plain_digits_are_read() -> None:
    assert (whole(" 42 "), whole("0"), decimal("12,5"), decimal("7.25"), decimal("8")) == (
        42,
        0,
        12.5,
        7.25,
        8.0,
    )
    assert decimal("١٠") is None and decimal("1e3") is None and decimal("nan") is None


def _citizen_signed_in(db: Session, client: Client) -> tuple[User, User]:
    client.headers["Accept-Language"] = "en"
    staff = factories.consultant(db)
    citizen = factories.citizen(db, staff, code="DIGITS-1")
    client.sign_in_citizen("DIGITS-1")
    return staff, citizen


@pytest.mark.parametrize("raw", [*NOT_ASCII, "١", "०"])
def test_a_rating_in_other_digits_is_refused_with_a_message(client: Client, db: Session, raw: str) -> None:
    _, citizen = _citizen_signed_in(db, client)
    item = factories.intervention(db, citizen)
    url = f"/citizens/{citizen.id}/interventions/{item.id}/ratings"
    response = client.post_form(url, {"value": raw, "reason": "Godt"})
    assert response.status_code == 400
    assert "Choose a number from 0 to 10." in response.text
    assert db.exec(select(MeaningfulnessRating)).all() == []


@pytest.mark.parametrize("raw", ["١٠", "०", "٥"])
def test_a_scale_answer_in_other_digits_is_refused(client: Client, db: Session, raw: str) -> None:
    _, citizen = _citizen_signed_in(db, client)
    goal = factories.goal(db, citizen)
    url = f"/citizens/{citizen.id}/goals/{goal.id}/readings"
    response = client.post_form(url, {"kind": "today", "value": raw})
    assert response.status_code == 400 and "Choose a number from 0 to 10." in response.text
    assert db.exec(select(ScaleReading)).all() == []


def test_a_goal_is_not_linked_to_a_challenge_named_in_other_digits(client: Client, db: Session) -> None:
    _, citizen = _citizen_signed_in(db, client)
    challenge = factories.challenge(db, citizen)
    for raw in (other_digits(challenge.id), other_digits(challenge.id, DEVANAGARI_ZERO), "²"):
        response = client.post_form(
            f"/citizens/{citizen.id}/goals", {"title": "Arbejde", "challenge_ids": raw}
        )
        assert response.status_code == 400, raw
        assert "Choose among your own challenges." in response.text
    assert db.exec(select(Goal)).all() == []


@pytest.mark.parametrize("raw", NOT_ASCII)
def test_page_addresses_with_other_digits_are_ignored(client: Client, db: Session, raw: str) -> None:
    _, citizen = _citizen_signed_in(db, client)
    assert client.get(f"/citizens/{citizen.id}/board?undo={raw}").status_code == 200
    assert client.get(f"/citizens/{citizen.id}/challenges?moved={raw}").status_code == 200
    # An id in the path written in other digits names nothing.
    assert client.get(f"/citizens/{other_digits(citizen.id)}/board").status_code == 404


@pytest.mark.parametrize("raw", NOT_ASCII)
def test_card_forms_with_other_digits_get_a_clear_answer(client: Client, db: Session, raw: str) -> None:
    _, citizen = _citizen_signed_in(db, client)
    goal = factories.goal(db, citizen)
    card = factories.agreement(db, citizen)
    proposed = factories.agreement(db, citizen, what="Søge job")
    base = f"/citizens/{citizen.id}/agreements"

    accept = client.post_form(f"{base}/{proposed.id}/accept", {"revision": raw})
    assert accept.status_code == 409 and "Read it again before you accept" in accept.text
    drag = client.post_form(f"{base}/{card.id}/move", {"status": "doing", "position": raw})
    assert drag.status_code == 400 and "That move is not possible" in drag.text
    seen = client.post_form(
        f"{base}/{card.id}/move", {"to": "done", "from_status": "todo", "from_position": raw}
    )
    assert seen.status_code == 400 and "That move is not possible" in seen.text
    edit = client.post_form(f"{base}/{card.id}", {"what": "Ringe", "who": "citizen", "revision": raw})
    assert edit.status_code == 409
    new = client.post_form(base, {"what": "Købe buskort", "who": "citizen", "goal_id": other_digits(goal.id)})
    assert new.status_code == 400 and "Choose one of the goals in the list." in new.text
    db.expire_all()
    cards = db.exec(select(Agreement).order_by(Agreement.id)).all()  # type: ignore[arg-type]
    assert [(c.what, c.status, c.accepted_by_citizen) for c in cards] == [
        ("Ringe til tandlægen", "todo", False),
        ("Søge job", "todo", False),
    ]


@pytest.mark.parametrize("raw", ["²", other_digits(1)])
def test_an_intervention_for_a_goal_in_other_digits_is_refused(client: Client, db: Session, raw: str) -> None:
    _, citizen = _citizen_signed_in(db, client)
    factories.goal(db, citizen)
    response = client.post_form(f"/citizens/{citizen.id}/interventions", {"kind": "mentor", "goal": raw})
    assert response.status_code == 400 and "Choose goals from this plan only." in response.text
    assert db.exec(select(Intervention)).all() == []


def test_outcomes_in_other_digits_are_refused(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    staff = factories.consultant(db)
    citizen = factories.citizen(db, staff)
    client.sign_in_staff(staff)
    url = f"/citizens/{citizen.id}/outcomes"
    month = (clock.today() - timedelta(days=40)).strftime("%Y-%m")
    for values in (
        {"month": other_digits(2026) + "-" + other_digits(3).rjust(2, "٠"), "wage_hours": "4"},
        {"month": month, "wage_hours": "١٠"},
        {"month": month, "wage_hours": "²"},
    ):
        response = client.post_form(url, {**values, "status": "searching"})
        assert response.status_code == 400, values
        assert "Choose a month" in response.text or "Write the number of wage hours" in response.text
    assert db.exec(select(Outcome)).all() == []
    assert (
        client.post_form(url, {"month": month, "wage_hours": "12,5", "status": "searching"}).status_code
        == 303
    )


def test_a_pin_in_other_digits_is_numbers_only(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    factories.citizen(db, code="PIN-DIGITS")
    pin = "".join(other_digits(int(d)) for d in factories.PIN)
    response = client.post_form("/login/citizen", {"code": "PIN-DIGITS", "pin": pin})
    assert response.status_code == 400 and "Your PIN is numbers only." in response.text
    assert "tavle_session" not in response.cookies


def test_admin_forms_with_other_digits_change_nothing(client: Client, db: Session) -> None:
    admin = factories.staff(db, Role.admin, "admin@example.dk")
    factories.citizen(db)
    client.sign_in_staff(admin)
    for raw in NOT_ASCII:
        for url, data in (
            ("/admin/caseload", {"consultant_id": raw, "citizen_id": raw}),
            ("/admin/caseload/remove", {"consultant_id": raw, "citizen_id": raw}),
            ("/admin/caseload/transfer", {"from_id": raw, "to_id": raw}),
        ):
            assert client.post_form(url, data).status_code == 400, (url, raw)

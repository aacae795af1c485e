"""Meaningfulness ratings: only the citizen rates, history is kept, the board shows the latest."""

import re

from sqlmodel import Session, col, select

from app.board.read import board_version
from app.board.view import regions_for
from app.models import Intervention, MeaningfulnessRating, User
from tests import factories
from tests.conftest import Client


def _citizen_with_intervention(
    db: Session, client: Client, code: str = "RATE-1"
) -> tuple[User, User, Intervention]:
    client.headers["Accept-Language"] = "en"
    consultant = factories.consultant(db)
    citizen = factories.citizen(db, consultant, code=code)
    item = factories.intervention(db, citizen)
    return consultant, citizen, item


def test_citizen_rates_twice_and_history_is_kept(client: Client, db: Session) -> None:
    _, citizen, item = _citizen_with_intervention(db, client)
    client.sign_in_citizen("RATE-1")
    page = client.get(f"/citizens/{citizen.id}/interventions/{item.id}")
    assert page.status_code == 200
    assert "How meaningful does Mentor feel to you right now?" in page.text
    assert page.text.count('type="radio" name="value"') == 11
    assert "<legend>" in page.text and "never leads to a sanction" in page.text
    before = board_version(session=db, citizen_id=citizen.id or 0)
    url = f"/citizens/{citizen.id}/interventions/{item.id}/ratings"
    assert client.post_form(url, {"value": "7", "reason": "Good talks"}).status_code == 303
    assert client.post_form(url, {"value": "3"}).status_code == 303
    ratings = db.exec(select(MeaningfulnessRating).order_by(col(MeaningfulnessRating.id))).all()
    assert [(r.value, r.reason) for r in ratings] == [(7, "Good talks"), (3, "")]
    assert board_version(session=db, citizen_id=citizen.id or 0) == before + 2
    board = client.get(f"/citizens/{citizen.id}/board")
    assert "Meaningful: 3 of 10" in board.text
    # The text alternative says each answer with its date (issue 21, item 18).
    assert 'role="img"' in board.text and re.search(
        r"oldest first: [^;]+: 7 of 10; [^;]+: 3 of 10", board.text
    )


def test_rating_outside_scale_is_refused_and_reason_kept(client: Client, db: Session) -> None:
    _, citizen, item = _citizen_with_intervention(db, client)
    client.sign_in_citizen("RATE-1")
    url = f"/citizens/{citizen.id}/interventions/{item.id}/ratings"
    for bad in ("11", "-1", "seven", ""):
        response = client.post_form(url, {"value": bad, "reason": "Mine words"})
        assert response.status_code == 400
        assert "Choose a number from 0 to 10." in response.text
        assert "Mine words" in response.text
    assert db.exec(select(MeaningfulnessRating)).all() == []


def test_only_the_citizen_rates(client: Client, db: Session) -> None:
    consultant, citizen, item = _citizen_with_intervention(db, client)
    client.sign_in_staff(consultant)
    page = client.get(f"/citizens/{citizen.id}/interventions/{item.id}")
    assert page.status_code == 200 and 'name="value"' not in page.text
    response = client.post_form(f"/citizens/{citizen.id}/interventions/{item.id}/ratings", {"value": "9"})
    assert response.status_code == 403
    assert db.exec(select(MeaningfulnessRating)).all() == []


def test_other_caseload_cannot_see_or_rate(client: Client, db: Session) -> None:
    _, citizen, item = _citizen_with_intervention(db, client)
    stranger = factories.consultant(db)
    client.sign_in_staff(stranger)
    url = f"/citizens/{citizen.id}/interventions/{item.id}"
    assert client.get(url).status_code == 404
    assert client.post_form(f"{url}/ratings", {"value": "9"}).status_code == 404
    assert db.exec(select(MeaningfulnessRating)).all() == []


def test_another_citizen_cannot_rate_my_intervention(client: Client, db: Session) -> None:
    consultant, citizen, item = _citizen_with_intervention(db, client)
    other = factories.citizen(db, consultant, code="RATE-2")
    client.sign_in_citizen("RATE-2")
    assert (
        client.post_form(
            f"/citizens/{citizen.id}/interventions/{item.id}/ratings", {"value": "1"}
        ).status_code
        == 404
    )
    # Nor through their own address with my intervention's id.
    assert (
        client.post_form(f"/citizens/{other.id}/interventions/{item.id}/ratings", {"value": "1"}).status_code
        == 404
    )
    assert db.exec(select(MeaningfulnessRating)).all() == []


def test_a_rating_redraws_only_the_interventions_on_the_board() -> None:
    assert regions_for(["rating"]) == frozenset({"interventions"})

"""Adding interventions from the menu, and the citizen's wish before it starts."""

from datetime import timedelta

from sqlmodel import Session, select

from app import clock
from app.models import Intervention, InterventionGoalLink, User, Wish
from tests import factories
from tests.conftest import Client


def _setup(db: Session, client: Client, as_citizen: bool = False) -> tuple[User, User]:
    client.headers["Accept-Language"] = "en"
    consultant = factories.consultant(db)
    citizen = factories.citizen(db, consultant, code="INT-1")
    if as_citizen:
        client.sign_in_citizen("INT-1")
    else:
        client.sign_in_staff(consultant)
    return consultant, citizen


def test_consultant_adds_intervention_with_goals(client: Client, db: Session) -> None:
    consultant, citizen = _setup(db, client)
    goal = factories.goal(db, citizen)
    page = client.get(f"/citizens/{citizen.id}/interventions")
    assert page.status_code == 200
    assert "Company internship" in page.text and "Debt counselling" in page.text
    start = clock.today() + timedelta(days=7)
    response = client.post_form(
        f"/citizens/{citizen.id}/interventions",
        {
            "kind": "internship",
            "provider": "Kantinen",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=30)).isoformat(),
            "goal": str(goal.id),
        },
    )
    assert response.status_code == 303
    item = db.exec(select(Intervention).where(Intervention.citizen_id == citizen.id)).one()
    assert (item.kind, item.provider, item.starts_on, item.created_by_id) == (
        "internship",
        "Kantinen",
        start,
        consultant.id,
    )
    links = db.exec(select(InterventionGoalLink).where(InterventionGoalLink.intervention_id == item.id)).all()
    assert [link.goal_id for link in links] == [goal.id]
    detail = client.get(response.headers["location"])
    assert "Kantinen" in detail.text and goal.title in detail.text


def test_end_before_start_keeps_input_and_says_why(client: Client, db: Session) -> None:
    _, citizen = _setup(db, client)
    response = client.post_form(
        f"/citizens/{citizen.id}/interventions",
        {"kind": "mentor", "provider": "Mentorhuset Syd", "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
    )
    assert response.status_code == 400
    assert "The end date is before the start date" in response.text
    assert 'value="Mentorhuset Syd"' in response.text and 'value="2026-05-01"' in response.text
    assert db.exec(select(Intervention)).all() == []


def test_unknown_kind_and_bad_date_are_refused_in_danish(client: Client, db: Session) -> None:
    consultant = factories.consultant(db)
    citizen = factories.citizen(db, consultant, code="INT-DA", locale="da")
    client.sign_in_citizen("INT-DA")
    response = client.post_form(
        f"/citizens/{citizen.id}/interventions", {"kind": "teleportation", "starts_on": "not a date"}
    )
    assert response.status_code == 400
    assert 'lang="da"' in response.text
    assert db.exec(select(Intervention)).all() == []


def test_foreign_goal_is_refused(client: Client, db: Session) -> None:
    consultant, citizen = _setup(db, client)
    other = factories.citizen(db, consultant)
    foreign = factories.goal(db, other)
    response = client.post_form(
        f"/citizens/{citizen.id}/interventions", {"kind": "mentor", "goal": str(foreign.id)}
    )
    assert response.status_code == 400
    assert db.exec(select(Intervention)).all() == []


def test_citizen_adds_and_says_rather_not(client: Client, db: Session) -> None:
    _, citizen = _setup(db, client, as_citizen=True)
    start = (clock.today() + timedelta(days=10)).isoformat()
    response = client.post_form(
        f"/citizens/{citizen.id}/interventions", {"kind": "course", "starts_on": start}
    )
    assert response.status_code == 303
    item = db.exec(select(Intervention)).one()
    response = client.post_form(
        f"/citizens/{citizen.id}/interventions/{item.id}/wish",
        {"wish": "rather_not", "reason": "Too far away"},
    )
    assert response.status_code == 303
    db.refresh(item)
    assert (item.wish, item.wish_reason) == (Wish.rather_not, "Too far away")


def test_wish_only_by_citizen_and_only_before_start(client: Client, db: Session) -> None:
    consultant = factories.consultant(db)
    citizen = factories.citizen(db, consultant, code="INT-2")
    client.headers["Accept-Language"] = "en"
    item = factories.intervention(db, citizen)
    item.starts_on = clock.today() - timedelta(days=1)
    db.add(item)
    db.commit()
    client.sign_in_staff(consultant)
    assert (
        client.post_form(
            f"/citizens/{citizen.id}/interventions/{item.id}/wish", {"wish": "wants"}
        ).status_code
        == 403
    )
    client.post_form("/logout")
    client.sign_in_citizen("INT-2")
    response = client.post_form(f"/citizens/{citizen.id}/interventions/{item.id}/wish", {"wish": "wants"})
    assert response.status_code == 400
    assert "already started" in response.text


def test_other_caseload_gets_404(client: Client, db: Session) -> None:
    mine = factories.consultant(db)
    theirs = factories.consultant(db)
    citizen = factories.citizen(db, theirs)
    item = factories.intervention(db, citizen)
    client.sign_in_staff(mine)
    assert client.get(f"/citizens/{citizen.id}/interventions").status_code == 404
    assert client.get(f"/citizens/{citizen.id}/interventions/{item.id}").status_code == 404
    assert client.post_form(f"/citizens/{citizen.id}/interventions", {"kind": "mentor"}).status_code == 404
    own = factories.citizen(db, mine)
    # Someone else's intervention under my own citizen's address is not found either.
    assert client.get(f"/citizens/{own.id}/interventions/{item.id}").status_code == 404


def test_the_menu_offers_the_social_frikort(client: Client, db: Session) -> None:
    _, citizen = _setup(db, client)
    page = client.get(f"/citizens/{citizen.id}/interventions")
    assert "Social frikort" in page.text and 'value="social_frikort"' in page.text
    response = client.post_form(f"/citizens/{citizen.id}/interventions", {"kind": "social_frikort"})
    assert response.status_code == 303
    item = db.exec(select(Intervention).where(Intervention.citizen_id == citizen.id)).one()
    assert item.kind == "social_frikort"
    client.headers["Accept-Language"] = "da"
    assert "Socialt frikort" in client.get(response.headers["location"]).text

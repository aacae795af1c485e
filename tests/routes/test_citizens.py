"""Nobody reaches another person's plan by changing an id: the answer is 404, with none of their data."""

from sqlmodel import Session

from tests import factories
from tests.conftest import Client


def test_citizen_sees_own_plan_summary(client: Client, db: Session) -> None:
    me = factories.citizen(db, name="Lise Lund", code="LISE")
    factories.challenge(db, me, title="Sove bedre om natten")
    factories.goal(db, me, title="Kunne cykle til praktik")
    client.sign_in_citizen("LISE")
    page = client.get(f"/citizens/{me.id}")
    assert page.status_code == 200
    assert "Sove bedre om natten" in page.text
    assert "Kunne cykle til praktik" in page.text


def test_citizen_changing_the_id_gets_404_without_the_other_plan(client: Client, db: Session) -> None:
    factories.citizen(db, name="Lise Lund", code="LISE")
    other = factories.citizen(db, name="Hemmelig Hansen", code="OTHER")
    factories.challenge(db, other, title="Hemmelig udfordring")
    client.sign_in_citizen("LISE")
    page = client.get(f"/citizens/{other.id}")
    assert page.status_code == 404
    assert "Hemmelig" not in page.text
    assert client.get("/citizens/999999").status_code == 404


def test_consultant_sees_only_own_caseload(client: Client, db: Session) -> None:
    mine = factories.consultant(db, email="mine@example.dk")
    theirs = factories.consultant(db, email="theirs@example.dk")
    own_citizen = factories.citizen(db, mine, name="Egen Borger")
    foreign = factories.citizen(db, theirs, name="Fremmed Borger")
    factories.challenge(db, foreign, title="Fremmed udfordring")
    client.sign_in_staff("mine@example.dk")
    caseload = client.get("/caseload").text
    assert "Egen Borger" in caseload and "Fremmed Borger" not in caseload
    assert client.get(f"/citizens/{own_citizen.id}").status_code == 200
    page = client.get(f"/citizens/{foreign.id}")
    assert page.status_code == 404
    assert "Fremmed" not in page.text


def test_consultant_id_is_not_a_citizen_plan(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    factories.citizen(db, staff)
    client.sign_in_staff("k@example.dk")
    assert client.get(f"/citizens/{staff.id}").status_code == 404


def test_citizen_cannot_open_the_consultant_caseload(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    factories.citizen(db, staff, name="Lise", code="LISE")
    client.sign_in_citizen("LISE")
    assert client.get("/caseload").status_code == 404


def test_unknown_page_and_bad_id_are_friendly_not_500(client: Client, db: Session) -> None:
    factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    page = client.get("/citizens/not-a-number")
    assert page.status_code in (400, 404, 422) and page.status_code != 500
    assert "<html" in page.text
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "Siden findes ikke" in missing.text

"""Outcomes per citizen, and the manager's anonymous aggregates (k-anonymity, CSV)."""

import csv
import io
from datetime import date

from sqlmodel import Session, select

from app.models import MeaningfulnessRating, Outcome, OutcomeStatus, Role
from tests import factories
from tests.conftest import Client


def _manager(db: Session, client: Client) -> None:
    client.headers["Accept-Language"] = "en"
    factories.staff(db, Role.manager, "leder@example.dk", name="Lene Leder")
    client.sign_in_staff("leder@example.dk")


def _csv(client: Client) -> list[dict[str, str]]:
    """The manager's CSV in English, read as a spreadsheet would (the BOM taken off)."""
    response = client.get("/outcomes.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _cohort(db: Session, n: int, *, ordinary: int, hours: int, kind: str = "mentor", value: int = 6) -> None:
    consultant = factories.consultant(db)
    for i in range(n):
        citizen = factories.citizen(db, consultant, name=f"Citizen {i}")
        status = OutcomeStatus.ordinary_job if i < ordinary else OutcomeStatus.searching
        db.add(
            Outcome(
                citizen_id=citizen.id or 0,
                month=date(2026, 5, 1),
                wage_hours=20 if i < hours else 0,
                status=status,
            )
        )
        item = factories.intervention(db, citizen, kind=kind)
        db.add(MeaningfulnessRating(intervention_id=item.id or 0, value=value))
    db.commit()


def test_consultant_records_and_citizen_sees(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    consultant = factories.consultant(db)
    citizen = factories.citizen(db, consultant, code="OUT-1")
    client.sign_in_staff(consultant)
    url = f"/citizens/{citizen.id}/outcomes"
    response = client.post_form(url, {"month": "2026-04", "wage_hours": "12", "status": "flex_job"})
    assert response.status_code == 303
    # The same month again corrects it instead of adding a second row.
    client.post_form(url, {"month": "2026-04", "wage_hours": "15", "status": "flex_job"})
    rows = db.exec(select(Outcome)).all()
    assert [(r.month, r.wage_hours, r.status) for r in rows] == [
        (date(2026, 4, 1), 15, OutcomeStatus.flex_job)
    ]
    client.post_form("/logout")
    client.sign_in_citizen("OUT-1")
    page = client.get(url)
    assert page.status_code == 200 and "Flex job" in page.text and ">15<" in page.text
    assert 'name="wage_hours"' not in page.text
    assert (
        client.post_form(url, {"month": "2026-05", "wage_hours": "40", "status": "ordinary_job"}).status_code
        == 403
    )


def test_bad_outcome_input_is_refused_and_kept(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    consultant = factories.consultant(db)
    citizen = factories.citizen(db, consultant)
    client.sign_in_staff(consultant)
    url = f"/citizens/{citizen.id}/outcomes"
    for data in (
        {"month": "soon", "wage_hours": "5", "status": "education"},
        {"month": "2026-04", "wage_hours": "-3", "status": "education"},
        {"month": "2026-04", "wage_hours": "nan", "status": "education"},
        {"month": "2026-04", "wage_hours": "5", "status": "astronaut"},
    ):
        response = client.post_form(url, data)
        assert response.status_code == 400
        assert f'value="{data["wage_hours"]}"' in response.text
    assert db.exec(select(Outcome)).all() == []


def test_other_caseload_gets_404(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, factories.consultant(db))
    stranger = factories.consultant(db)
    client.sign_in_staff(stranger)
    assert client.get(f"/citizens/{citizen.id}/outcomes").status_code == 404
    data = {"month": "2026-04", "wage_hours": "5", "status": "education"}
    assert client.post_form(f"/citizens/{citizen.id}/outcomes", data).status_code == 404


def test_group_of_four_is_hidden(client: Client, db: Session) -> None:
    _cohort(db, 4, ordinary=1, hours=2)
    _manager(db, client)
    page = client.get("/outcomes")
    assert page.status_code == 200
    assert "Too few citizens to show figures yet." in page.text
    assert "25%" not in page.text and "50%" not in page.text
    rows = _csv(client)
    assert all(row["Count"] == "" and row["Share"] == "" and row["Average"] == "" for row in rows)
    assert all(row["Citizens"] == "" for row in rows)


def test_shares_and_averages_from_five(client: Client, db: Session) -> None:
    _cohort(db, 6, ordinary=5, hours=6, kind="mentor", value=6)
    _cohort(db, 4, ordinary=0, hours=0, kind="course", value=9)  # the courses: only 4 citizens
    _manager(db, client)
    page = client.get("/outcomes")
    assert "Citizens with a recorded outcome: 10" in page.text
    rows = {(r["Part"], r["Group"]): r for r in _csv(client)}
    hours = rows[("Outcome", "Citizens with wage hours")]
    assert (hours["Count"], hours["Share"], hours["Target"]) == ("6", "0.600", "0.30")
    job = rows[("Outcome", "Citizens in an ordinary job")]
    assert (job["Count"], job["Share"], job["Target"]) == ("5", "0.500", "0.15")
    searching = rows[("Outcome", "Still searching")]
    assert (searching["Count"], searching["Share"]) == ("5", "0.500")
    assert rows[("Outcome", "Education")]["Count"] == "0"
    mentor = rows[("Meaningfulness", "Mentor")]
    assert (mentor["Citizens"], mentor["Count"], mentor["Average"]) == ("6", "6", "6.0")
    course = rows[("Meaningfulness", "Course or upskilling")]
    assert course["Average"] == "" and course["Citizens"] == "" and course["Note"]


def test_one_to_four_citizens_within_a_large_group_are_hidden_too(client: Client, db: Session) -> None:
    _cohort(db, 8, ordinary=1, hours=4)
    _manager(db, client)
    rows = {(r["Part"], r["Group"]): r for r in _csv(client)}
    for group in ("Citizens in an ordinary job", "Citizens with wage hours"):
        assert rows[("Outcome", group)]["Count"] == "" and rows[("Outcome", group)]["Share"] == ""
        assert rows[("Outcome", group)]["Note"]
    assert rows[("Outcome", "Still searching")]["Count"] == "7"
    page = client.get("/outcomes").text
    assert "12%" not in page and "13%" not in page and "50%" not in page


def test_only_managers_see_aggregates(client: Client, db: Session) -> None:
    consultant = factories.consultant(db)
    client.sign_in_staff(consultant)
    assert client.get("/outcomes").status_code in (403, 404)
    assert client.get("/outcomes.csv").status_code in (403, 404)


def test_manager_lands_on_outcomes(client: Client, db: Session) -> None:
    _manager(db, client)
    response = client.get("/", follow_redirects=False)
    assert response.headers["location"] == "/outcomes"


def test_the_danish_csv_opens_in_danish_excel(client: Client, db: Session) -> None:
    """A BOM (so "ø" is not read as "Ã¸"), semicolons (Danish Excel's list separator) and decimal
    commas (else 0.600 is read as 600), with the headings in Danish."""
    _cohort(db, 6, ordinary=5, hours=6, kind="mentor", value=6)
    _manager(db, client)
    client.headers["Accept-Language"] = "da"
    body = client.get("/outcomes.csv").content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    header, *lines = text.splitlines()
    assert header.split(";")[:5] == ["Del", "Gruppe", "Borgere", "Antal", "Andel"]
    rows = {(r["Del"], r["Gruppe"]): r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    job = rows[("Resultat", "Borgere i ordinært job")]
    assert (job["Antal"], job["Andel"], job["Mål"]) == ("5", "0,833", "0,15")
    assert rows[("Meningsfuldhed", "Mentor")]["Gennemsnit"] == "6,0"
    assert all("." not in line.split(";")[4] for line in lines), "no decimal points"

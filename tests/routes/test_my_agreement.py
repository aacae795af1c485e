""" "Min aftale": the demo citizen's plan on one page, in the citizen's language whoever opens
it; the same people as the plan may open it, and nobody else (a network member included)."""

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.demo import CITIZEN_PIN, CONSULTANT_EMAIL, CONSULTANT_PASSWORD, seed_demo
from app.models import ConsentRecord, ConsentScope, User
from tests import factories
from tests.conftest import Client


def _anna(db: Session, engine: Engine) -> User:
    assert seed_demo(engine)
    return db.exec(select(User).where(User.name == "Anna Jensen")).one()


def test_anna_reads_her_plan_on_one_page(client: Client, db: Session, engine: Engine) -> None:
    anna = _anna(db, engine)
    client.sign_in_citizen("ANNA-DEMO", CITIZEN_PIN)
    page = client.get(f"/citizens/{anna.id}/my-agreement")
    assert page.status_code == 200
    text = page.text
    assert '<html lang="da">' in text and '<h1 id="my-agreement-heading">Min aftale</h1>' in text
    for expected in (
        "Anna Jensen",
        # Goals in her own words, with today's scale.
        "Arbejde 10 timer om ugen med dyr inden sommer",
        "I dag: 5 ud af 10",
        # Next steps: who does what by when; done agreements are not next steps.
        "Finde tre dyrehandler, der tager praktikanter",
        "Ringe til gældsrådgivningen",
        # Help, and how meaningful it feels.
        "Mentorkorps Nord",
        "Meningsfuld: 8 ud af 10",
        # Strengths, the next meeting and her agenda.
        "Jeg er god til dyr",
        "Brevet fra inkasso, der kom i mandags",
    ):
        assert expected in text, expected
    assert "Gå tur med min søster" not in text
    assert "Der er ikke aftalt et møde endnu." not in text
    # The board and the plan lead here.
    for start in (f"/citizens/{anna.id}/board", f"/citizens/{anna.id}"):
        assert f'href="/citizens/{anna.id}/my-agreement"' in client.get(start).text


def test_the_consultant_prints_it_in_the_citizens_language(
    client: Client, db: Session, engine: Engine
) -> None:
    assert seed_demo(engine)
    sara = db.exec(select(User).where(User.name == "Sara Ahmed")).one()
    client.sign_in_staff(CONSULTANT_EMAIL, CONSULTANT_PASSWORD)
    page = client.get(f"/citizens/{sara.id}/my-agreement")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text and "My agreement" in page.text and "My next steps" in page.text


def test_nobody_else_opens_it(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    citizen = factories.citizen(db, staff, name="Lise Lund", code="LISE")
    factories.goal(db, citizen, title="Hemmeligt mål")
    factories.network_member(db, citizen, code="SISTER")
    factories.citizen(db, staff, code="OTHER")
    url = f"/citizens/{citizen.id}/my-agreement"
    for code in ("SISTER", "OTHER"):
        client.cookies.clear()
        client.sign_in_citizen(code)
        answer = client.get(url)
        assert answer.status_code == 404 and "Hemmeligt mål" not in answer.text
    # The consultant, only while the citizen shares the plan with them (consent a).
    client.cookies.clear()
    client.sign_in_staff("k@example.dk")
    assert "Hemmeligt mål" in client.get(url).text
    withdrawn = ConsentScope.consultant
    assert citizen.id is not None
    db.add(ConsentRecord(citizen_id=citizen.id, scope=withdrawn, given=False, text_version="test"))
    db.commit()
    answer = client.get(url)
    assert answer.status_code == 404 and "Hemmeligt mål" not in answer.text

"""The demo seeds once, with realistic plans, and its sign-in details work."""

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from app.demo import (
    ADMIN_EMAIL,
    CITIZEN_PIN,
    COLLEAGUES,
    COLLEAGUES_CITIZENS,
    CONSULTANT_EMAIL,
    CONSULTANT_PASSWORD,
    DEMO_CITIZENS,
    MANAGER_EMAIL,
    NETWORK_CODE,
    seed_demo,
)
from app.models import Agreement, Challenge, MeaningfulnessRating, Role, User
from tests.conftest import Client


def test_seed_is_idempotent_and_realistic(engine: Engine, db: Session) -> None:
    assert seed_demo(engine) is True
    assert seed_demo(engine) is False
    roles = [u.role for u in db.exec(select(User)).all()]
    # Mette and her three citizens to sign in as; a colleague's twelve make the manager's figures.
    assert roles.count(Role.consultant) == 1 + len(COLLEAGUES)
    assert roles.count(Role.citizen) == 3 + len(COLLEAGUES_CITIZENS)
    assert roles.count(Role.manager) == 1 and roles.count(Role.admin) == 1
    assert roles.count(Role.network) == 1
    assert db.exec(select(func.count()).select_from(Challenge)).one() >= 6
    assert db.exec(select(func.count()).select_from(Agreement)).one() >= 6
    assert db.exec(select(func.count()).select_from(MeaningfulnessRating)).one() >= 5
    english = db.exec(select(User).where(User.name == "Sara Ahmed")).one()
    assert english.locale == "en"


def test_demo_users_can_sign_in(engine: Engine, client: Client) -> None:
    seed_demo(engine)
    client.sign_in_staff(CONSULTANT_EMAIL, CONSULTANT_PASSWORD)
    caseload = client.get("/caseload").text
    for demo in DEMO_CITIZENS:
        assert demo.name in caseload
    client.post_form("/logout")
    client.sign_in_citizen(DEMO_CITIZENS[0].code, CITIZEN_PIN)
    home = client.get("/", follow_redirects=True)
    assert "Komme op om morgenen" in home.text


def test_demo_staff_and_network_member_can_sign_in(engine: Engine, client: Client) -> None:
    seed_demo(engine)
    client.sign_in_staff(MANAGER_EMAIL, CONSULTANT_PASSWORD)
    outcomes = client.get("/", follow_redirects=True)
    assert outcomes.url.path == "/outcomes"
    # Mette's three and the colleagues' citizens: enough for the anonymous figures to show.
    total = 3 + len(COLLEAGUES_CITIZENS)
    assert f"Borgere med et registreret resultat: {total}" in outcomes.text
    client.post_form("/logout")
    client.sign_in_staff(ADMIN_EMAIL, CONSULTANT_PASSWORD)
    assert client.get("/", follow_redirects=True).url.path == "/admin"
    client.post_form("/logout")
    client.sign_in_citizen(NETWORK_CODE, CITIZEN_PIN)
    start = client.get("/", follow_redirects=True).text
    assert "Anna Jensen" in start
    anna = db_user(engine, "Anna Jensen")
    board = client.get(f"/citizens/{anna}/board").text
    # Anna shared the walk with her sister, not the debt call.
    assert "Gå tur med min søster" in board
    assert "Ringe til gældsrådgivningen" not in board


def db_user(engine: Engine, name: str) -> int:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.name == name)).one()
        assert user.id is not None
        return user.id

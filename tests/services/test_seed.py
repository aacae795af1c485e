"""The demo seeds once, with realistic plans, and its sign-in details work."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
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
from app.models import Agreement, AuditEntry, Challenge, MeaningfulnessRating, Role, User
from tests.conftest import Client
from tests.live import ROOT, SECRET_KEY, free_port


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


def test_the_demo_citizens_have_said_yes_to_both_consents(engine: Engine, db: Session) -> None:
    from app.access import consent

    seed_demo(engine)
    citizens = db.exec(select(User).where(User.role == Role.citizen)).all()
    states = consent.states(session=db, citizen_ids=[c.id for c in citizens if c.id is not None])
    assert len(states) == len(citizens) > 3
    assert all(s.plan_shared and s.network_shared for s in states.values())
    # And each citizen reads it in their own trail, as if they had answered themselves.
    entries = db.exec(select(AuditEntry).where(AuditEntry.action == "consent")).all()
    said = {(e.citizen_id, e.actor_id, e.target) for e in entries}
    assert said == {
        (c.id, c.id, f"consent:{scope}:yes") for c in citizens for scope in ("consultant", "network")
    }


def test_several_processes_seeding_at_once_make_one_demo(engine: Engine, db: Session) -> None:
    """As several uvicorn workers do when they start together: one seeds, the others find it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _n: seed_demo(engine), range(3)))
    assert sorted(results) == [False, False, True]
    assert len(db.exec(select(User).where(User.email == CONSULTANT_EMAIL)).all()) == 1
    assert db.exec(select(func.count()).select_from(User).where(User.role == Role.citizen)).one() == (
        3 + len(COLLEAGUES_CITIZENS)
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_three_workers_on_postgresql_seed_the_demo_once_and_keep_serving(
    database_url: str, db: Session, tmp_path: Path
) -> None:
    """`TAVLE_SEED_DEMO=true` with `uvicorn --workers 3` on PostgreSQL: every worker migrates
    and seeds as it starts; one seeds, none crashes, and the server stays up."""
    port = free_port()
    env = {
        **os.environ,
        "TAVLE_DATABASE_URL": database_url,
        "TAVLE_ENVIRONMENT": "test",
        "TAVLE_SEED_DEMO": "true",
        "TAVLE_MIGRATE_ON_START": "true",
        "TAVLE_SECRET_KEY": SECRET_KEY,
    }
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--workers", "3"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--timeout-graceful-shutdown", "2"]
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        answered = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and answered < 20:
            assert server.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    answered += response.status == 200
            except OSError:
                pass
            time.sleep(0.2)
        assert answered == 20, log.read_text()
        assert server.poll() is None
        text = log.read_text()
        assert "UniqueViolation" not in text and "Traceback" not in text, text
        assert text.count("Application startup complete") == 3, text
        db.expire_all()
        assert len(db.exec(select(User).where(User.email == CONSULTANT_EMAIL)).all()) == 1
    finally:
        server.terminate()
        server.wait(timeout=20)

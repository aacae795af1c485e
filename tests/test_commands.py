"""The commands an operator runs: `python -m app create-admin` makes the first administrator of
a new installation, whose one-time password must be changed before anything else."""

import os
import re
import subprocess
import sys

from sqlmodel import Session, select

from app.models import Role, User
from tests.conftest import Client
from tests.live import ROOT


def run_command(
    database_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    variables = {
        **os.environ,
        "TAVLE_DATABASE_URL": database_url,
        "TAVLE_ENVIRONMENT": "test",
        "TAVLE_SEED_DEMO": "false",
        "TAVLE_PUBLIC_URL": "https://tavle.example.dk",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=variables,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_create_admin_prints_a_one_time_password_that_must_be_changed(
    database_url: str, db: Session, client: Client
) -> None:
    made = run_command(database_url, "create-admin", "Chef@Kommune.dk", "--name", "Bente Chef")
    assert made.returncode == 0, made.stderr
    assert "https://tavle.example.dk/login/staff" in made.stdout
    found = re.search(r"^    (\S{16})$", made.stdout, flags=re.MULTILINE)
    assert found, made.stdout
    password = found.group(1)
    admin = db.exec(select(User).where(User.email == "chef@kommune.dk")).one()
    assert admin.role == Role.admin and admin.name == "Bente Chef" and admin.password_must_change
    assert password not in (admin.password_hash or "")

    # The same address again: refused, nothing changed.
    again = run_command(database_url, "create-admin", "chef@kommune.dk")
    assert again.returncode == 1 and "No administrator was made" in again.stderr

    client.sign_in_staff("chef@kommune.dk", password)
    for path in ("/", "/admin", "/account/security"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] in ("/admin", "/account/password"), (
            path
        )
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/account/password"
    form = client.get("/account/password")
    assert form.status_code == 200 and "Vælg din egen adgangskode" in form.text
    wrong = client.post_form(
        "/account/password",
        {
            "current_password": "forkert",
            "new_password": "min-egen-kode-1",
            "new_password_again": "min-egen-kode-1",
        },
    )
    assert wrong.status_code == 400 and "Det er ikke din nuværende adgangskode." in wrong.text
    differs = client.post_form(
        "/account/password",
        {
            "current_password": password,
            "new_password": "min-egen-kode-1",
            "new_password_again": "min-egen-kode-2",
        },
    )
    assert differs.status_code == 400 and "De to adgangskoder er ikke ens." in differs.text
    same = client.post_form(
        "/account/password",
        {"current_password": password, "new_password": password, "new_password_again": password},
    )
    assert same.status_code == 400
    changed = client.post_form(
        "/account/password",
        {
            "current_password": password,
            "new_password": "min-egen-kode-1",
            "new_password_again": "min-egen-kode-1",
        },
    )
    assert changed.status_code == 303
    assert client.get("/admin").status_code == 200
    client.post_form("/logout")
    refused = client.post_form("/login/staff", {"email": "chef@kommune.dk", "password": password})
    assert refused.status_code == 400
    client.sign_in_staff("chef@kommune.dk", "min-egen-kode-1")
    assert client.get("/admin").status_code == 200


def test_create_admin_refuses_a_bad_address(database_url: str, db: Session) -> None:
    bad = run_command(database_url, "create-admin", "not-an-address")
    assert bad.returncode == 1 and "No administrator was made" in bad.stderr
    assert db.exec(select(User)).all() == []

"""The citizen's privacy page: consent, who has looked, downloads, signing out everywhere."""

import json

from sqlmodel import Session, select

from app.models import AuditEntry, AuthSession, ConsentRecord
from tests import factories
from tests.conftest import Client


def test_a_consultant_reading_the_plan_is_in_the_citizens_audit_list(client: Client, db: Session) -> None:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    me = factories.citizen(db, staff, name="Lise Lund", code="LISE")
    client.sign_in_staff("mette@example.dk")
    assert client.get(f"/citizens/{me.id}").status_code == 200
    entries = db.exec(select(AuditEntry).where(AuditEntry.citizen_id == me.id)).all()
    assert [(e.actor_id, e.actor_role, e.action, e.target) for e in entries] == [
        (staff.id, "consultant", "read", "GET /citizens/{citizen_id}")
    ]
    client.post_form("/logout")
    client.sign_in_citizen("LISE")
    page = client.get(f"/citizens/{me.id}/privacy")
    assert page.status_code == 200
    assert "Mette Hansen (konsulent)" in page.text
    assert "så på din plan" in page.text


def test_the_citizen_reading_their_own_plan_is_not_audited(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    client.get(f"/citizens/{me.id}")
    assert db.exec(select(AuditEntry)).all() == []


def test_privacy_pages_are_the_citizens_alone(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="mette@example.dk")
    me = factories.citizen(db, staff, code="LISE")
    other = factories.citizen(db, staff, name="Anden", code="OTHER")
    client.sign_in_staff("mette@example.dk")
    for path in ("privacy", "export", "export.json"):
        assert client.get(f"/citizens/{me.id}/{path}").status_code == 404
    before = len(db.exec(select(ConsentRecord)).all())
    assert (
        client.post_form(f"/citizens/{me.id}/consent", {"consultant": "no", "network": "no"}).status_code
        == 404
    )
    assert client.post_form(f"/citizens/{me.id}/consent/consultant", {"given": "no"}).status_code == 404
    client.post_form("/logout")
    client.sign_in_citizen("LISE")
    assert client.get(f"/citizens/{other.id}/export.json").status_code == 404
    assert client.get(f"/citizens/{other.id}/consent").status_code == 404
    assert len(db.exec(select(ConsentRecord)).all()) == before


def test_download_all_my_data_as_json_and_as_a_readable_page(client: Client, db: Session) -> None:
    me = factories.citizen(db, name="Lise Lund", code="LISE")
    factories.challenge(db, me, title="Sove bedre")
    client.sign_in_citizen("LISE")
    download = client.get(f"/citizens/{me.id}/export.json")
    assert download.headers["content-type"].startswith("application/json")
    assert "attachment" in download.headers["content-disposition"]
    data = json.loads(download.text)
    assert data["citizen"]["name"] == "Lise Lund"
    assert data["tables"]["challenge"][0]["title"] == "Sove bedre"
    readable = client.get(f"/citizens/{me.id}/export")
    assert "Sove bedre" in readable.text and "<html" in readable.text


def test_sign_out_everywhere_ends_every_session(client: Client, db: Session, settings) -> None:  # type: ignore[no-untyped-def]
    me = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    from app.main import create_app

    with Client(create_app(settings)) as phone:
        phone.sign_in_citizen("LISE")
        assert len(db.exec(select(AuthSession)).all()) == 2
        assert client.post_form("/sessions/end-all").status_code == 303
        assert db.exec(select(AuthSession)).all() == []
        assert phone.get(f"/citizens/{me.id}", follow_redirects=False).status_code == 303

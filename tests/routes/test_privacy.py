"""The citizen's privacy page: consent, who has looked, downloads, signing out everywhere."""

import json

from sqlmodel import Session, select

from app.core.config import Settings
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


def test_sign_out_everywhere_ends_every_session(client: Client, db: Session, settings: Settings) -> None:
    me = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    from app.main import create_app

    with Client(create_app(settings)) as phone:
        phone.sign_in_citizen("LISE")
        assert len(db.exec(select(AuthSession)).all()) == 2
        assert client.post_form("/sessions/end-all").status_code == 303
        assert db.exec(select(AuthSession)).all() == []
        assert phone.get(f"/citizens/{me.id}", follow_redirects=False).status_code == 303


def _lived_plan(client: Client, db: Session) -> tuple[object, object]:
    from datetime import UTC, datetime

    from app.models import MeaningfulnessRating, ScaleKind, ScaleReading

    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    me = factories.citizen(db, staff, name="Lise Lund", code="LISE")
    factories.challenge(db, me, title="Sove bedre om natten")
    goal = factories.goal(db, me, title="Arbejde 10 timer om ugen")
    # Half an hour before midnight in UTC is half past midnight, the next day, in Copenhagen.
    for value, hour, minute in ((4, 9, 0), (5, 23, 30)):
        at = datetime(2026, 3, 2, hour, minute, tzinfo=UTC)
        db.add(ScaleReading(goal_id=goal.id or 0, kind=ScaleKind.today, value=value, recorded_at=at))
    card = factories.agreement(db, me, what="Ringe til lægen")
    item = factories.intervention(db, me, kind="mentor")
    db.add(MeaningfulnessRating(intervention_id=item.id or 0, value=7, reason="Hun lytter til mig"))
    db.commit()
    factories.changed_board(db, me)
    client.sign_in_staff("mette@example.dk")
    assert client.get(f"/citizens/{me.id}").status_code == 200
    client.post_form("/logout")
    client.sign_in_citizen("LISE")
    edited = client.post_form(
        f"/citizens/{me.id}/agreements/{card.id}",
        {"what": "Ringe til lægen om søvn", "who": "citizen", "revision": "1"},
    )
    assert edited.status_code == 303, edited.text
    client.post_form(f"/citizens/{me.id}/consent/network", {"given": "no"})
    return me, card


def test_the_readable_copy_is_plain_words_in_the_citizens_language(client: Client, db: Session) -> None:
    me, _card = _lived_plan(client, db)
    page = client.get(f"/citizens/{me.id}/export")  # type: ignore[attr-defined]
    assert page.status_code == 200
    text = page.text
    for heading in (
        "Om mig",
        "Det vil jeg arbejde med",
        "Mine mål",
        "Aftaler, og hvordan de er ændret",
        "Hjælp og aktiviteter, og hvor meningsfulde de var",
        "Hvem har set min plan, og hvad er ændret",
        "Hvad jeg har sagt ja og nej til",
    ):
        assert heading in text, heading
    for words in (
        "Sove bedre om natten",
        "Ringe til lægen om søvn",
        "Hvad der stod før:",
        "“Ringe til lægen”",
        "Hun lytter til mig",
        "7 ud af 10",
        "2. mar. 2026: 4 ud af 10",
        "3. mar. 2026: 5 ud af 10",
        # The citizen's own agreement is theirs: "you", not "the citizen".
        "<dt>Hvem gør det</dt><dd>Dig</dd>",
        "Mette Hansen (konsulent)",
        "så på din plan",
        "Du sagde nej: Dit netværk må ikke se noget.",
    ):
        assert words in text, words
    # No column names, codes, route templates or UTC timestamps.
    for raw in (
        "actor_role",
        "citizen_id",
        "GET /citizens",
        "{citizen_id}",
        "+00:00",
        "consent:",
        "todo",
        "2026-03-02",
        "2. mar. 2026: 5 ud af 10",
        "Borgeren",
    ):
        assert raw not in text, raw
    # And the JSON file still holds everything, machine-readable.
    data = json.loads(client.get(f"/citizens/{me.id}/export.json").text)  # type: ignore[attr-defined]
    assert data["tables"]["agreement_revision"][0]["what"] == "Ringe til lægen"
    assert {r["scope"] for r in data["tables"]["consent_record"]} == {"consultant", "network"}


def test_the_readable_copy_speaks_english_to_an_english_citizen(client: Client, db: Session) -> None:
    me = factories.citizen(db, name="Sara Ahmed", code="SARA", locale="en")
    factories.challenge(db, me, title="Speak Danish at work")
    client.sign_in_citizen("SARA")
    text = client.get(f"/citizens/{me.id}/export").text
    assert "What I want to work on" in text and "Speak Danish at work" in text
    assert "Det vil jeg arbejde med" not in text

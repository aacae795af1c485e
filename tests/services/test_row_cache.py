"""The process's copies of sessions, users, access and looks: a change through any session is
seen by the very next request, whichever engine on the database made it."""

import pytest
from sqlmodel import Session, select

from app.core.invalidation import SharedUserChanged
from app.core.memo import MISSING
from app.core.row_cache import caches_for
from app.identity import sessions as auth
from app.models import AuditEntry, BoardSeen, CaseloadLink, NetworkLink, User
from tests import factories
from tests.conftest import Client


def test_taking_a_citizen_off_the_caseload_closes_the_board_at_once(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    citizen = factories.citizen(db, staff)
    client.sign_in_staff("k@example.dk")
    assert client.get(f"/citizens/{citizen.id}/board").status_code == 200
    link = db.get(CaseloadLink, (staff.id, citizen.id))
    db.delete(link)
    db.commit()
    assert client.get(f"/citizens/{citizen.id}/board").status_code == 404


def test_removing_a_network_member_closes_the_board_at_once(client: Client, db: Session) -> None:
    citizen = factories.citizen(db)
    sister = factories.network_member(db, citizen, code="SIS")
    client.sign_in_citizen("SIS")
    assert client.get(f"/citizens/{citizen.id}/board").status_code == 200
    db.delete(db.get(NetworkLink, (citizen.id, sister.id)))
    db.commit()
    assert client.get(f"/citizens/{citizen.id}/board").status_code == 404


def test_ending_every_session_signs_out_at_once(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    assert client.get(f"/citizens/{citizen.id}/board").status_code == 200
    assert citizen.id is not None
    auth.end_all_sessions(session=db, user_id=citizen.id)
    answer = client.get(f"/citizens/{citizen.id}/board", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_a_renamed_person_is_shown_by_the_new_name_at_once(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, name="Lise Lund", code="LISE")
    client.sign_in_citizen("LISE")
    assert "Lise Lund" in client.get(f"/citizens/{citizen.id}/board").text
    row = db.get(User, citizen.id)
    assert row is not None
    row.name = "Lise Holm"
    db.add(row)
    db.commit()
    page = client.get(f"/citizens/{citizen.id}/board").text
    assert "Lise Holm" in page and "Lise Lund" not in page


def test_a_shared_copy_of_a_user_cannot_be_changed_through_a_session(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    client.get(f"/citizens/{citizen.id}/board")
    caches = caches_for(db.get_bind())
    assert citizen.id is not None
    shared = caches.users.get(citizen.id)
    assert isinstance(shared, User) and shared is not citizen
    with Session(db.get_bind()) as other, pytest.raises(SharedUserChanged):
        other.add(shared)
    # Whatever was done to it, no one gets that copy again.
    assert caches.users.get(citizen.id) is MISSING


def test_reopening_an_unchanged_board_writes_nothing(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    client.get(f"/citizens/{citizen.id}/board")
    client.get(f"/citizens/{citizen.id}/board")
    first = db.exec(select(BoardSeen).where(BoardSeen.citizen_id == citizen.id)).one()
    db.expunge(first)
    for _ in range(3):
        assert client.get(f"/citizens/{citizen.id}/board").status_code == 200
    again = db.exec(select(BoardSeen).where(BoardSeen.citizen_id == citizen.id)).one()
    assert (again.seen_at, again.previous_seen_at) == (first.seen_at, first.previous_seen_at)


def test_reads_of_one_page_within_a_minute_are_one_audit_entry_but_changes_each_count(
    client: Client, db: Session
) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    citizen = factories.citizen(db, staff)
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    client.sign_in_staff("k@example.dk")
    for _ in range(3):
        assert client.get(f"/citizens/{citizen.id}/board").status_code == 200
    for to in ("doing", "todo"):
        moved = client.post_form(f"/citizens/{citizen.id}/agreements/{card.id}/move", {"to": to})
        assert moved.status_code == 303
    entries = db.exec(select(AuditEntry).where(AuditEntry.citizen_id == citizen.id)).all()
    targets = sorted(e.target for e in entries)
    assert targets == [
        "GET /citizens/{citizen_id}/board",
        "POST /citizens/{citizen_id}/agreements/{agreement_id}/move",
        "POST /citizens/{citizen_id}/agreements/{agreement_id}/move",
    ]


def test_a_change_that_is_refused_is_still_in_the_audit_trail(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    citizen = factories.citizen(db, staff)
    client.sign_in_staff("k@example.dk")
    refused = client.post_form(f"/citizens/{citizen.id}/agreements", {"what": ""})
    assert refused.status_code == 400
    entries = db.exec(select(AuditEntry).where(AuditEntry.citizen_id == citizen.id)).all()
    assert [(e.action, e.target) for e in entries] == [("change", "POST /citizens/{citizen_id}/agreements")]

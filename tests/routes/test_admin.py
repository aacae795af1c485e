"""Admins manage accounts and erase on request, but never read a plan."""

from sqlmodel import Session, select

from app.models import AuditEntry, CaseloadLink, Role, User
from tests import factories
from tests.conftest import Client


def _admin(client: Client, db: Session) -> User:
    admin = factories.staff(db, Role.admin, "admin@example.dk")
    client.sign_in_staff("admin@example.dk")
    return admin


def test_admin_lands_on_accounts_and_cannot_read_any_plan(client: Client, db: Session) -> None:
    staff = factories.consultant(db)
    citizen = factories.citizen(db, staff, name="Lise Lund")
    factories.challenge(db, citizen, title="Hemmelig udfordring")
    _admin(client, db)
    assert client.get("/", follow_redirects=False).headers["location"] == "/admin"
    accounts = client.get("/admin")
    assert "Lise Lund" in accounts.text and "Hemmelig" not in accounts.text
    plan = client.get(f"/citizens/{citizen.id}")
    assert plan.status_code == 404 and "Hemmelig" not in plan.text


def test_create_staff_validates_and_keeps_what_was_typed(client: Client, db: Session) -> None:
    _admin(client, db)
    bad = client.post_form(
        "/admin/staff", {"name": "Ny Konsulent", "email": "nope", "role": "consultant", "password": "x"}
    )
    assert bad.status_code == 400
    assert 'value="Ny Konsulent"' in bad.text
    assert "mindst 10 tegn" in bad.text
    good = client.post_form(
        "/admin/staff",
        {"name": "Ny Konsulent", "email": "ny@example.dk", "role": "consultant", "password": "langt-kodeord"},
    )
    assert good.status_code == 303
    created = db.exec(select(User).where(User.email == "ny@example.dk")).one()
    assert created.role == Role.consultant
    dup = client.post_form(
        "/admin/staff",
        {"name": "Igen", "email": "NY@example.dk", "role": "consultant", "password": "langt-kodeord"},
    )
    assert dup.status_code == 400 and "bruger allerede" in dup.text


def test_assign_a_citizen_to_a_consultant(client: Client, db: Session) -> None:
    staff = factories.consultant(db)
    citizen = factories.citizen(db)
    _admin(client, db)
    response = client.post_form(
        "/admin/caseload", {"consultant_id": str(staff.id), "citizen_id": str(citizen.id)}
    )
    assert response.status_code == 303
    assert db.exec(select(CaseloadLink)).one().citizen_id == citizen.id
    assert client.post_form("/admin/caseload", {"consultant_id": "x", "citizen_id": ""}).status_code == 400


def test_erase_needs_the_exact_name_then_removes_the_citizen(client: Client, db: Session) -> None:
    staff = factories.consultant(db)
    citizen = factories.citizen(db, staff, name="Slet Sofie")
    factories.challenge(db, citizen, title="Noget privat")
    admin = _admin(client, db)
    citizen_id = citizen.id
    wrong = client.post_form(f"/admin/citizens/{citizen_id}/erase", {"confirm_name": "Sofie"})
    assert wrong.status_code == 400
    assert db.get(User, citizen_id) is not None
    done = client.post_form(f"/admin/citizens/{citizen_id}/erase", {"confirm_name": "Slet Sofie"})
    assert done.status_code == 303
    db.expunge_all()
    assert db.get(User, citizen_id) is None
    trail = db.exec(select(AuditEntry)).all()
    assert [(e.action, e.actor_id, e.citizen_id) for e in trail] == [("erase", admin.id, None)]


def test_admin_pages_are_not_for_other_roles(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="mette@example.dk")
    citizen = factories.citizen(db, staff)
    client.sign_in_staff("mette@example.dk")
    assert client.get("/admin").status_code == 404
    assert (
        client.post_form(f"/admin/citizens/{citizen.id}/erase", {"confirm_name": citizen.name}).status_code
        == 404
    )
    assert db.get(User, citizen.id) is not None

"""Admins manage accounts and erase on request, but never read a plan."""

from sqlmodel import Session, col, select

from app.models import AuditEntry, AuthSession, CaseloadLink, Role, User
from app.models.base import utcnow
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
    # A closed account is not given citizens: it could not see them, and they would have no one.
    closed = factories.consultant(db, name="Lukket Konsulent")
    closed.deactivated_at = utcnow()
    db.add(closed)
    db.commit()
    choices = client.get("/admin").text.split('id="assign-consultant"')[1].split("</select>")[0]
    assert f'<option value="{closed.id}">' not in choices
    refused = client.post_form(
        "/admin/caseload", {"consultant_id": str(closed.id), "citizen_id": str(citizen.id)}
    )
    assert refused.status_code == 400 and "Den konsulents konto er lukket." in refused.text
    assert len(db.exec(select(CaseloadLink)).all()) == 1


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


def _trail(db: Session, citizen: User) -> list[tuple[str, str, str]]:
    entries = db.exec(
        select(AuditEntry).where(AuditEntry.citizen_id == citizen.id).order_by(col(AuditEntry.id))
    ).all()
    return [(e.action, e.target, e.subject_name) for e in entries if e.action == "access"]


def test_remove_a_consultant_from_a_citizen_ends_their_access(client: Client, db: Session) -> None:
    mette = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    anna = factories.citizen(db, mette, name="Anna Jensen", code="ANNA")
    _admin(client, db)
    page = client.get("/admin").text
    assert f'id="remove-{mette.id}-from-{anna.id}"' in page
    removed = client.post_form(
        "/admin/caseload/remove", {"consultant_id": str(mette.id), "citizen_id": str(anna.id)}
    )
    assert removed.status_code == 303
    assert db.exec(select(CaseloadLink)).all() == []
    assert _trail(db, anna) == [("access", "access:caseload:removed", "Mette Hansen")]
    # Not linked: nothing to remove, said plainly, never a 500.
    again = client.post_form("/admin/caseload/remove", {"consultant_id": str(mette.id), "citizen_id": "abc"})
    assert again.status_code == 400 and "Vælg en borger." in again.text
    client.post_form("/logout")
    client.sign_in_staff("mette@example.dk")
    assert client.get(f"/citizens/{anna.id}").status_code == 404
    assert "Anna Jensen" not in client.get("/caseload").text
    client.post_form("/logout")
    client.sign_in_citizen("ANNA")
    privacy = client.get(f"/citizens/{anna.id}/privacy").text
    assert "Mette Hansen er ikke længere din konsulent." in privacy
    assert "Du har ingen konsulent i Tavle lige nu." in privacy


def test_a_transfer_moves_every_citizen_to_the_other_consultant(client: Client, db: Session) -> None:
    mette = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    karsten = factories.consultant(db, name="Karsten Berg", email="karsten@example.dk")
    anna = factories.citizen(db, mette, name="Anna Jensen", code="ANNA")
    bo = factories.citizen(db, mette, name="Bo Borg")
    _admin(client, db)
    same = client.post_form("/admin/caseload/transfer", {"from_id": str(mette.id), "to_id": str(mette.id)})
    assert same.status_code == 400 and "Vælg en anden konsulent" in same.text
    moved = client.post_form("/admin/caseload/transfer", {"from_id": str(mette.id), "to_id": str(karsten.id)})
    assert moved.status_code == 303 and moved.headers["location"] == "/admin?moved=2#transfer"
    assert "2 borgere er flyttet til den nye konsulent." in client.get(moved.headers["location"]).text
    links = {(link.consultant_id, link.citizen_id) for link in db.exec(select(CaseloadLink)).all()}
    assert links == {(karsten.id, anna.id), (karsten.id, bo.id)}
    assert _trail(db, anna) == [
        ("access", "access:caseload:removed", "Mette Hansen"),
        ("access", "access:caseload:added", "Karsten Berg"),
    ]
    empty = client.post_form("/admin/caseload/transfer", {"from_id": str(mette.id), "to_id": str(karsten.id)})
    assert empty.status_code == 400 and "ingen borgere" in empty.text
    client.post_form("/logout")
    client.sign_in_staff("karsten@example.dk")
    caseload = client.get("/caseload").text
    assert "Anna Jensen" in caseload and "Bo Borg" in caseload
    client.post_form("/logout")
    client.sign_in_citizen("ANNA")
    privacy = client.get(f"/citizens/{anna.id}/privacy").text
    assert "Karsten Berg blev din konsulent." in privacy and "Karsten Berg (konsulent)" in privacy


def test_a_closed_account_is_signed_out_refused_and_can_be_opened_again(client: Client, db: Session) -> None:
    mette = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    anna = factories.citizen(db, mette, name="Anna Jensen", code="ANNA")
    admin = factories.staff(db, Role.admin, "admin@example.dk")
    from app.main import create_app

    with Client(create_app(client.app.state.settings), base_url="http://testserver") as laptop:  # type: ignore[attr-defined]
        laptop.sign_in_staff("mette@example.dk")
        assert laptop.get("/caseload").status_code == 200
        client.sign_in_staff("admin@example.dk")
        assert client.post_form(f"/admin/staff/{admin.id}/close").status_code == 400
        closed = client.post_form(f"/admin/staff/{mette.id}/close")
        assert closed.status_code == 303
        db.expire_all()
        assert db.get(User, mette.id).deactivated_at is not None  # type: ignore[union-attr]
        assert db.exec(select(AuthSession).where(AuthSession.user_id == mette.id)).all() == []
        assert laptop.get("/caseload", follow_redirects=False).status_code == 303
        # The right password is refused with the reason; a wrong one is just wrong.
        refused = laptop.post_form(
            "/login/staff", {"email": "mette@example.dk", "password": factories.PASSWORD}
        )
        assert refused.status_code == 403 and "Kontoen er lukket" in refused.text
        assert db.exec(select(AuthSession).where(AuthSession.user_id == mette.id)).all() == []
        wrong = laptop.post_form("/login/staff", {"email": "mette@example.dk", "password": "forkert-kodeord"})
        assert wrong.status_code == 400 and "Kontoen er lukket" not in wrong.text
        assert "Lukket" in client.get("/admin").text
        assert client.post_form(f"/admin/staff/{mette.id}/open").status_code == 303
        laptop.sign_in_staff("mette@example.dk")
        assert "Anna Jensen" in laptop.get("/caseload").text
    assert _trail(db, anna) == [
        ("access", "access:staff:closed", "Mette Hansen"),
        ("access", "access:staff:opened", "Mette Hansen"),
    ]
    client.post_form("/logout")
    client.sign_in_citizen("ANNA")
    privacy = client.get(f"/citizens/{anna.id}/privacy").text
    assert "Kontoen for Mette Hansen er lukket. Personen kan ikke længere se din plan." in privacy


def test_the_admin_sees_names_and_links_never_plan_content(client: Client, db: Session) -> None:
    mette = factories.consultant(db, name="Mette Hansen")
    anna = factories.citizen(db, mette, name="Anna Jensen")
    factories.challenge(db, anna, title="Hemmelig udfordring")
    factories.agreement(db, anna, what="Hemmelig aftale")
    _admin(client, db)
    page = client.get("/admin").text
    assert "Anna Jensen" in page and "Mette Hansen" in page
    assert "Hemmelig" not in page
    for tail in ("", "/board", "/privacy", "/export"):
        assert client.get(f"/citizens/{anna.id}{tail}").status_code == 404

"""Network members: the citizen invites them with a link, they choose a PIN, and the citizen can
remove them at any time, which ends their sessions at once."""

import re

from sqlmodel import Session, select

from app.models import AuthSession, Invitation, InvitationKind, NetworkLink, Role, User
from tests import factories
from tests.conftest import Client
from tests.routes.test_invitations import NEW_PIN, invite_link, personal_code


def invite(client: Client, citizen: User, name: str = "Mette Jensen", relation: str = "min søster") -> str:
    response = client.post_form(f"/citizens/{citizen.id}/network", {"name": name, "relation": relation})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_citizen_invites_a_member_who_chooses_a_pin_and_sees_the_citizen(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, name="Anna Jensen", code="ANNA-1")
    client.sign_in_citizen("ANNA-1")
    page = client.get(invite(client, citizen))
    assert "Mette Jensen" in page.text and "min søster" in page.text
    assert "Har ikke åbnet invitationen endnu" in page.text
    link, code = invite_link(page.text), personal_code(page.text)
    assert code.startswith("METT-")
    member = db.exec(select(User).where(User.name == "Mette Jensen")).one()
    assert member.role == Role.network
    assert db.get(NetworkLink, (citizen.id, member.id)) is not None
    assert db.exec(select(Invitation)).one().kind == InvitationKind.network

    with Client(client.app, base_url="http://testserver") as phone:
        welcome = phone.get(link)
        assert "Anna Jensen vil gerne have dig med i sit netværk" in welcome.text
        chosen = phone.post_form(link, {"pin": NEW_PIN, "pin_again": NEW_PIN})
        assert chosen.status_code == 303 and chosen.headers["location"] == "/network"
        home = phone.get("/network")
        assert home.status_code == 200 and "Anna Jensen" in home.text
        # A member sees nothing of the plan unless the access rules say so.
        assert phone.get(f"/citizens/{citizen.id}").status_code == 404
        assert phone.get(f"/citizens/{citizen.id}/network").status_code == 404
    assert "Er kommet med" in client.get(f"/citizens/{citizen.id}/network").text


def test_removing_a_member_ends_their_sessions_and_their_way_in(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, name="Anna Jensen", code="ANNA-2")
    client.sign_in_citizen("ANNA-2")
    link = invite_link(client.get(invite(client, citizen)).text)
    member = db.exec(select(User).where(User.role == Role.network)).one()
    with Client(client.app, base_url="http://testserver") as phone:
        assert phone.post_form(link, {"pin": NEW_PIN, "pin_again": NEW_PIN}).status_code == 303
        assert phone.get("/network").status_code == 200
        assert db.exec(select(AuthSession).where(AuthSession.user_id == member.id)).all()

        removed = client.post_form(f"/citizens/{citizen.id}/network/{member.id}/remove")
        assert removed.status_code == 303
        page = client.get(removed.headers["location"])
        assert "Mette Jensen" not in page.text

        gone = phone.get("/network", follow_redirects=False)
        assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    db.expire_all()
    assert db.exec(select(AuthSession).where(AuthSession.user_id == member.id)).all() == []
    assert db.get(NetworkLink, (citizen.id, member.id)) is None
    left = db.get(User, member.id)
    assert left is not None and left.pin_hash is None and left.invitation_digest is None
    assert client.post_form(f"/citizens/{citizen.id}/network/{member.id}/remove").status_code == 404


def test_invite_form_says_what_is_missing_and_keeps_the_input(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, code="ANNA-3")
    client.sign_in_citizen("ANNA-3")
    empty = client.post_form(f"/citizens/{citizen.id}/network", {"name": "", "relation": "min ven"})
    assert empty.status_code == 400
    assert "Skriv personens navn." in empty.text and 'value="min ven"' in empty.text
    long_relation = client.post_form(f"/citizens/{citizen.id}/network", {"name": "Ole", "relation": "x" * 81})
    assert long_relation.status_code == 400 and "Skriv det kortere" in long_relation.text
    assert db.exec(select(User).where(User.role == Role.network)).all() == []


def test_only_the_citizen_manages_their_network(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    citizen = factories.citizen(db, staff, code="ANNA-4")
    other = factories.citizen(db, staff, code="OTHER-4")
    client.sign_in_citizen("ANNA-4")
    invite(client, citizen)
    member = db.exec(select(User).where(User.role == Role.network)).one()
    client.post_form("/logout")

    client.sign_in_citizen("OTHER-4")
    assert client.get(f"/citizens/{citizen.id}/network").status_code == 404
    assert client.post_form(f"/citizens/{other.id}/network/{member.id}/remove").status_code == 404
    assert client.post_form(f"/citizens/{citizen.id}/network/{member.id}/remove").status_code == 404
    client.post_form("/logout")

    client.sign_in_staff("karin@example.dk")
    assert client.get(f"/citizens/{citizen.id}/network").status_code == 404
    assert client.post_form(f"/citizens/{citizen.id}/network/{member.id}/remove").status_code == 404
    assert db.get(NetworkLink, (citizen.id, member.id)) is not None


def test_a_member_who_lost_the_link_gets_a_new_one(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, code="ANNA-5")
    client.sign_in_citizen("ANNA-5")
    old_link = invite_link(client.get(invite(client, citizen)).text)
    member = db.exec(select(User).where(User.role == Role.network)).one()
    renewed = client.post_form(f"/citizens/{citizen.id}/network/{member.id}/invitation")
    assert renewed.status_code == 303
    new_link = invite_link(client.get(renewed.headers["location"]).text)
    assert new_link != old_link
    with Client(client.app, base_url="http://testserver") as phone:
        assert phone.get(old_link).status_code == 404
        assert phone.get(new_link).status_code == 200


def test_member_signs_in_later_with_code_and_pin(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, name="Anna Holm", code="ANNA-6")
    client.sign_in_citizen("ANNA-6")
    page = client.get(invite(client, citizen)).text
    link, code = invite_link(page), personal_code(page)
    with Client(client.app, base_url="http://testserver") as phone:
        assert phone.post_form(link, {"pin": NEW_PIN, "pin_again": NEW_PIN}).status_code == 303
        phone.post_form("/logout")
        phone.sign_in_citizen(code, NEW_PIN)
        assert "Anna" in phone.get("/network").text
    assert re.search(r"[A-Z]{1,5}-[0-9A-Z]{4}", code)

"""Sign-in for citizens and staff: real sessions, clear messages, and slowed-down guessing."""

from sqlmodel import Session, select

from app.models import AuthSession
from tests import factories
from tests.conftest import Client


def test_citizen_signs_in_with_code_and_pin_and_lands_on_own_plan(client: Client, db: Session) -> None:
    person = factories.citizen(db, code="MIN-KODE")
    response = client.post_form("/login/citizen", {"code": " min-kode ", "pin": factories.PIN})
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"] == f"/citizens/{person.id}"
    page = client.get(f"/citizens/{person.id}")
    assert page.status_code == 200
    assert "Bo" in page.text


def test_session_is_kept_on_the_server_and_cookie_is_httponly(client: Client, db: Session) -> None:
    factories.citizen(db, code="KODE-1")
    response = client.post_form("/login/citizen", {"code": "KODE-1", "pin": factories.PIN})
    cookie = response.headers["set-cookie"]
    assert "tavle_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = client.cookies["tavle_session"]
    assert token not in {row.token_digest for row in db.exec(select(AuthSession)).all()}
    assert len(db.exec(select(AuthSession)).all()) == 1


def test_sign_out_ends_the_server_session(client: Client, db: Session) -> None:
    person = factories.citizen(db, code="KODE-2")
    client.sign_in_citizen("KODE-2")
    assert client.post_form("/logout").status_code == 303
    assert db.exec(select(AuthSession)).all() == []
    page = client.get(f"/citizens/{person.id}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_wrong_pin_gets_a_clear_danish_message_and_keeps_the_code(client: Client, db: Session) -> None:
    factories.citizen(db, code="KODE-3")
    response = client.post_form("/login/citizen", {"code": "KODE-3", "pin": "000000"})
    assert response.status_code == 400
    assert "Koden eller pinkoden er forkert" in response.text
    assert 'value="KODE-3"' in response.text
    assert "tavle_session" not in client.cookies


def test_empty_and_odd_input_gets_field_messages_in_english(client: Client) -> None:
    client.cookies.set("tavle_lang", "en")
    response = client.post_form("/login/citizen", {"code": "", "pin": "12ab"})
    assert response.status_code == 400
    assert "Write the code you got from your consultant." in response.text
    assert "Your PIN is numbers only." in response.text
    too_long = client.post_form("/login/citizen", {"code": "X" * 500, "pin": "1" * 500})
    assert too_long.status_code == 400
    assert "The code is too long" in too_long.text


def test_repeated_wrong_pins_lock_sign_in_even_for_the_right_pin(client: Client, db: Session) -> None:
    factories.citizen(db, code="KODE-4")
    for _ in range(4):
        assert client.post_form("/login/citizen", {"code": "KODE-4", "pin": "999999"}).status_code == 400
    fifth = client.post_form("/login/citizen", {"code": "KODE-4", "pin": "999999"})
    assert "For mange forkerte forsøg" in fifth.text
    right = client.post_form("/login/citizen", {"code": "KODE-4", "pin": factories.PIN})
    assert right.status_code == 400
    assert "For mange forkerte forsøg" in right.text
    assert "tavle_session" not in client.cookies


def test_consultant_signs_in_with_email_and_password(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    response = client.post_form(
        "/login/staff", {"email": "Karin@Example.dk ", "password": factories.PASSWORD}
    )
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"] == "/caseload"
    assert staff.name in client.get("/caseload").text


def test_wrong_password_and_unknown_email_answer_the_same(client: Client, db: Session) -> None:
    factories.consultant(db, email="karin@example.dk")
    wrong = client.post_form("/login/staff", {"email": "karin@example.dk", "password": "nope"})
    unknown = client.post_form("/login/staff", {"email": "nobody@example.dk", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert "E-mailen eller adgangskoden er forkert" in wrong.text
    assert "E-mailen eller adgangskoden er forkert" in unknown.text


def test_a_citizen_cannot_sign_in_as_staff_and_staff_not_with_a_code(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k2@example.dk")
    assert staff.email
    response = client.post_form("/login/citizen", {"code": staff.email, "pin": factories.PIN})
    assert response.status_code == 400


def test_next_only_leads_within_the_site(client: Client, db: Session) -> None:
    factories.citizen(db, code="KODE-5")
    response = client.post_form(
        "/login/citizen", {"code": "KODE-5", "pin": factories.PIN, "next": "//evil.example/"}
    )
    assert response.headers["location"] == "/"


def test_post_without_csrf_token_is_refused_and_nothing_happens(client: Client, db: Session) -> None:
    factories.citizen(db, code="KODE-6")
    client.csrf()
    response = client.post(
        "/login/citizen", data={"code": "KODE-6", "pin": factories.PIN}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "tavle_session" not in client.cookies


def test_pages_for_signed_in_users_send_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get("/caseload", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/caseload"
    htmx = client.get("/caseload", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.headers["HX-Redirect"] == "/login?next=/caseload"


def test_signing_in_as_someone_else_ends_the_first_session_on_the_server(client: Client, db: Session) -> None:
    first = factories.citizen(db, code="FIRST-1")
    second = factories.citizen(db, code="SECOND-1")
    client.sign_in_citizen("FIRST-1")
    first_token = client.cookies["tavle_session"]
    client.sign_in_citizen("SECOND-1")
    assert client.cookies["tavle_session"] != first_token
    db.expire_all()
    assert [row.user_id for row in db.exec(select(AuthSession)).all()] == [second.id]
    # The first person's old token opens nothing any more, wherever it is sent from.
    with Client(client.app, base_url="http://testserver") as elsewhere:
        elsewhere.cookies.set("tavle_session", first_token)
        answer = elsewhere.get(f"/citizens/{first.id}", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert client.get(f"/citizens/{second.id}").status_code == 200


def test_signing_in_again_as_the_same_person_replaces_the_session(client: Client, db: Session) -> None:
    factories.citizen(db, code="AGAIN-1")
    client.sign_in_citizen("AGAIN-1")
    client.sign_in_citizen("AGAIN-1")
    assert len(db.exec(select(AuthSession)).all()) == 1

"""Two-step sign-in for staff: turn it on with an authenticator app, then sign in with password
and a 6-digit code. Wrong codes count towards the same lock as wrong passwords."""

import re
import time

import pyotp
from sqlmodel import Session

from app.identity import pending, totp
from app.models import TotpSecret, User
from tests import factories
from tests.conftest import Client


def enable(client: Client, db: Session, staff: User) -> str:
    assert client.post_form("/account/security/totp/start").status_code == 303
    page = client.get("/account/security")
    assert '<svg role="img"' in page.text and "Skriv denne nøgle i appen" in page.text
    record = db.get(TotpSecret, staff.id)
    assert record is not None and record.enabled_at is None
    shown_key = re.search(r'<code class="personal-code"[^>]*>([A-Z2-7 ]+)</code>', page.text)
    assert shown_key and shown_key.group(1).replace(" ", "") == record.secret
    wrong = client.post_form("/account/security/totp/confirm", {"code": "000000"})
    assert wrong.status_code == 400 and "Koden er forkert" in wrong.text
    right = client.post_form("/account/security/totp/confirm", {"code": pyotp.TOTP(record.secret).now()})
    assert right.status_code == 303
    assert "Log ind i to trin er slået til" in client.get("/account/security").text
    return record.secret


def next_code(secret: str) -> str:
    """The code of the next 30-second step: accepted (clock drift) and not yet used."""
    return pyotp.TOTP(secret).at(time.time() + totp.STEP_SECONDS)


def half_way(client: Client, db: Session, staff: User, next: str = "/caseload") -> None:
    """What the staff sign-in does after a right password when two-step sign-in is on."""
    token = pending.begin(
        session=db, purpose=totp.SECOND_STEP, user_id=staff.id, minutes=5, data={"next": next}
    )
    client.cookies.set(totp.SECOND_STEP_COOKIE, token)


def test_consultant_turns_on_two_step_sign_in_and_then_must_give_a_code(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    secret = enable(client, db, staff)
    assert totp.is_enabled(session=db, user_id=staff.id)
    client.post_form("/logout")

    half_way(client, db, staff)
    form = client.get("/login/code")
    assert form.status_code == 200 and "Kode på 6 cifre" in form.text
    empty = client.post_form("/login/code", {"code": ""})
    assert empty.status_code == 400 and "Skriv koden på 6 cifre" in empty.text
    wrong = client.post_form("/login/code", {"code": "123456"})
    assert wrong.status_code == 400 and "Koden er forkert" in wrong.text
    assert "tavle_session" not in client.cookies
    right = client.post_form("/login/code", {"code": next_code(secret)})
    assert right.status_code == 303 and right.headers["location"] == "/caseload"
    assert client.get("/caseload").status_code == 200
    # The half-way state is used up: the same cookie cannot be used again.
    assert client.get("/login/code", follow_redirects=False).headers["location"] == "/login/staff"


def test_a_code_cannot_be_used_twice(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    secret = enable(client, db, staff)
    client.post_form("/logout")
    code = next_code(secret)
    half_way(client, db, staff)
    assert client.post_form("/login/code", {"code": code}).status_code == 303
    client.post_form("/logout")
    half_way(client, db, staff)
    replay = client.post_form("/login/code", {"code": code})
    assert replay.status_code == 400 and "Koden er forkert" in replay.text


def test_wrong_codes_lock_the_second_step_with_a_clear_message(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    secret = enable(client, db, staff)
    client.post_form("/logout")
    half_way(client, db, staff)
    for _ in range(4):
        assert client.post_form("/login/code", {"code": "000000"}).status_code == 400
    fifth = client.post_form("/login/code", {"code": "000000"})
    assert "For mange forkerte forsøg" in fifth.text
    right = client.post_form("/login/code", {"code": next_code(secret)})
    assert right.status_code == 400 and "For mange forkerte forsøg" in right.text
    assert "tavle_session" not in client.cookies


def test_without_a_started_sign_in_the_code_page_sends_back_to_the_password(client: Client) -> None:
    response = client.get("/login/code", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login/staff"
    client.cookies.set(totp.SECOND_STEP_COOKIE, "forged")
    posted = client.post_form("/login/code", {"code": "123456"})
    assert posted.status_code == 303 and posted.headers["location"] == "/login/staff"


def test_turning_it_off_needs_a_current_code(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    secret = enable(client, db, staff)
    refused = client.post_form("/account/security/totp/disable", {"code": "000000"})
    assert refused.status_code == 400 and "Koden er forkert" in refused.text
    assert totp.is_enabled(session=db, user_id=staff.id)
    assert client.post_form("/account/security/totp/disable", {"code": next_code(secret)}).status_code == 303
    db.expire_all()
    assert not totp.is_enabled(session=db, user_id=staff.id)


def test_citizens_have_passkeys_not_authenticator_codes(client: Client, db: Session) -> None:
    factories.citizen(db, code="MIN-KODE")
    client.sign_in_citizen("MIN-KODE")
    page = client.get("/account/security")
    assert page.status_code == 200 and "Dine adgangsnøgler" in page.text and "to trin" not in page.text
    assert client.post_form("/account/security/totp/start").status_code == 404


def test_staff_sign_in_asks_for_the_code_after_the_password(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    secret = enable(client, db, staff)
    client.post_form("/logout")
    first = client.post_form("/login/staff", {"email": "karin@example.dk", "password": factories.PASSWORD})
    assert first.status_code == 303 and first.headers["location"] == "/login/code"
    assert "tavle_session" not in client.cookies
    second = client.post_form("/login/code", {"code": next_code(secret)})
    assert second.status_code == 303
    assert client.get("/caseload").status_code == 200

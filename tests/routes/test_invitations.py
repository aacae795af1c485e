"""Invitations: a consultant invites a citizen, the citizen opens the link within 72 hours and
chooses a PIN; refused links get a clear page, and guessing at links is locked."""

import re
from datetime import timedelta

from sqlmodel import Session, select

from app.core.config import Settings
from app.models import CaseloadLink, Invitation, Role, User
from app.models.base import utcnow
from tests import factories
from tests.conftest import Client

NEW_PIN = "482916"


def invite_link(html: str) -> str:
    match = re.search(r'href="https?://[^/"]+(/invite/[A-Za-z0-9_-]+)"', html)
    assert match, "the page shows no invitation link"
    return match.group(1)


def personal_code(html: str) -> str:
    match = re.search(r'class="personal-code"[^>]*>([A-Z0-9-]+)<', html)
    assert match, "the page shows no personal code"
    return match.group(1)


def new_citizen(client: Client, name: str = "Anna Jensen", locale: str = "da") -> tuple[str, str, int]:
    created = client.post_form("/caseload/citizens/new", {"name": name, "locale": locale})
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    shown = re.search(r"/citizens/(\d+)/invitation", location)
    assert shown, location
    citizen_id = int(shown.group(1))
    page = client.get(location)
    assert page.status_code == 200
    return invite_link(page.text), personal_code(page.text), citizen_id


def signed_out_client(client: Client) -> Client:
    client.post_form("/logout")
    client.cookies.clear()
    return client


def test_consultant_creates_a_citizen_and_sees_link_qr_and_code(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    link, code, citizen_id = new_citizen(client, "Anna Jensen")
    page = client.get(f"/citizens/{citizen_id}/invitation", params={"shown": "x"})
    assert "personal-code" not in page.text  # a wrong display key shows nothing secret
    assert code.startswith("ANNA-") and len(code) == 9
    citizen = db.get(User, citizen_id)
    assert citizen is not None and citizen.role == Role.citizen and citizen.locale == "da"
    assert db.get(CaseloadLink, (staff.id, citizen_id)) is not None
    invitation = db.exec(select(Invitation).where(Invitation.invited_user_id == citizen_id)).one()
    assert timedelta(hours=71) < invitation.expires_at - utcnow() <= timedelta(hours=72)
    assert link.split("/")[-1] not in invitation.token_digest  # only a digest is stored
    shown = client.get(client.get(f"/citizens/{citizen_id}/invitation").url)
    assert "Anna Jensen" in shown.text
    assert "Anna Jensen" in client.get("/caseload").text


def test_the_page_with_link_and_qr_code_has_an_svg_and_the_code(client: Client, db: Session) -> None:
    factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    created = client.post_form("/caseload/citizens/new", {"name": "Bo", "locale": "en"})
    page = client.get(created.headers["location"])
    assert '<svg role="img"' in page.text and "<title>QR-kode med invitationslinket</title>" in page.text
    assert "Personlig kode" in page.text


def test_new_citizen_form_says_what_is_wrong_and_keeps_the_input(client: Client, db: Session) -> None:
    factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    empty = client.post_form("/caseload/citizens/new", {"name": "  ", "locale": "en"})
    assert empty.status_code == 400
    assert "Skriv personens navn." in empty.text
    assert 'value="en" checked' in empty.text
    too_long = client.post_form("/caseload/citizens/new", {"name": "x" * 300, "locale": "xx"})
    assert too_long.status_code == 400
    assert "Navnet er for langt" in too_long.text and "Vælg et sprog." in too_long.text
    assert db.exec(select(User).where(User.role == Role.citizen)).all() == []


def test_citizen_chooses_a_pin_then_signs_in_later_with_code_and_pin(client: Client, db: Session) -> None:
    factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    link, code, citizen_id = new_citizen(client, "Anna Jensen")
    signed_out_client(client)

    page = client.get(link)
    assert page.status_code == 200
    assert "Velkommen, Anna" in page.text and "Vælg en pinkode" in page.text

    mismatch = client.post_form(link, {"pin": NEW_PIN, "pin_again": "482917"})
    assert mismatch.status_code == 400
    assert "De to pinkoder er ikke ens" in mismatch.text
    short = client.post_form(link, {"pin": "1234", "pin_again": "1234"})
    assert "præcis 6 cifre" in short.text
    letters = client.post_form(link, {"pin": "12ab56", "pin_again": "12ab56"})
    assert "præcis 6 cifre" in letters.text
    easy = client.post_form(link, {"pin": "123456", "pin_again": "123456"})
    assert "for let at gætte" in easy.text
    assert "tavle_session" not in client.cookies

    chosen = client.post_form(link, {"pin": NEW_PIN, "pin_again": NEW_PIN})
    assert chosen.status_code == 303
    # First the two consent questions, before anything is shared.
    assert chosen.headers["location"] == f"/citizens/{citizen_id}/consent?next=/"
    answered = client.post_form(
        f"/citizens/{citizen_id}/consent", {"consultant": "yes", "network": "yes", "next": "/"}
    )
    assert answered.status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"] == f"/citizens/{citizen_id}"
    assert client.get(f"/citizens/{citizen_id}").status_code == 200

    again = client.get(link)
    assert again.status_code == 410
    assert "Invitationen er allerede brugt" in again.text

    signed_out_client(client)
    client.sign_in_citizen(code.lower(), NEW_PIN)
    assert client.get(f"/citizens/{citizen_id}").status_code == 200


def test_an_expired_invitation_is_refused_in_the_persons_own_language(client: Client, db: Session) -> None:
    factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    link, _code, citizen_id = new_citizen(client, "Ann Smith", locale="en")
    signed_out_client(client)
    invitation = db.exec(select(Invitation).where(Invitation.invited_user_id == citizen_id)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.add(invitation)
    db.commit()
    page = client.get(link)
    assert page.status_code == 410
    assert "This invitation has expired" in page.text and "72 hours" in page.text
    refused = client.post_form(link, {"pin": NEW_PIN, "pin_again": NEW_PIN})
    assert refused.status_code == 410
    db.expire_all()
    assert db.get_one(User, citizen_id).pin_hash is None


def test_a_new_invitation_replaces_the_old_link_and_code(client: Client, db: Session) -> None:
    factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    old_link, old_code, citizen_id = new_citizen(client)
    renewed = client.post_form(f"/citizens/{citizen_id}/invitation")
    assert renewed.status_code == 303
    page = client.get(renewed.headers["location"])
    new_link, new_code = invite_link(page.text), personal_code(page.text)
    assert new_link != old_link and new_code != old_code
    signed_out_client(client)
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_wrong_links_are_counted_per_address_and_then_locked_with_a_clear_message(
    client: Client, db: Session, settings: Settings
) -> None:
    factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    link, _code, _citizen_id = new_citizen(client)
    signed_out_client(client)
    limit = settings.login_max_per_address
    for attempt in range(limit - 1):
        unknown = client.get(f"/invite/guess-{attempt}")
        assert unknown.status_code == 404
        assert "Linket virker ikke" in unknown.text
    last = client.get("/invite/guess-last")
    assert last.status_code == 429
    assert "For mange forkerte forsøg" in last.text
    assert client.get("/invite/guess-after").status_code == 429
    # Junk counts against the address only: the real invitation is not held up by it.
    assert client.get(link).status_code == 200


def test_five_junk_links_do_not_stop_a_valid_invitation(client: Client, db: Session) -> None:
    factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    link, _code, citizen_id = new_citizen(client)
    signed_out_client(client)
    for attempt in range(5):
        assert client.get(f"/invite/junk-{attempt}").status_code == 404
    assert client.get(link).status_code == 200
    chosen = client.post_form(link, {"pin": NEW_PIN, "pin_again": NEW_PIN})
    assert chosen.status_code == 303
    assert client.get(f"/citizens/{citizen_id}").status_code == 200


def test_wrong_answers_for_an_invitation_pause_that_invitation_only(
    client: Client, db: Session, settings: Settings
) -> None:
    factories.consultant(db, email="karin@example.dk")
    client.sign_in_staff("karin@example.dk")
    link, _code, _citizen_id = new_citizen(client, "Anna Jensen")
    other_link, _other_code, _other_id = new_citizen(client, "Bo Berg")
    signed_out_client(client)
    client.cookies.set("tavle_lang", "en")
    answers = [
        client.post_form(f"{link}/passkey", {"credential": "{}"}) for _ in range(settings.login_max_attempts)
    ]
    assert [a.status_code for a in answers[:-1]] == [400] * (settings.login_max_attempts - 1)
    assert answers[-1].status_code == 429 and "Too many wrong tries" in answers[-1].json()["error"]
    paused = client.get(link)
    assert paused.status_code == 429 and "Too many wrong tries" in paused.text
    # The same address may still use another invitation.
    assert client.get(other_link).status_code == 200


def test_invitations_only_for_the_consultants_own_caseload(client: Client, db: Session) -> None:
    factories.consultant(db, email="karin@example.dk")
    other = factories.consultant(db, email="other@example.dk")
    foreign = factories.citizen(db, other, name="Fremmed Borger")
    client.sign_in_staff("karin@example.dk")
    assert client.get(f"/citizens/{foreign.id}/invitation").status_code == 404
    assert client.post_form(f"/citizens/{foreign.id}/invitation").status_code == 404
    assert db.exec(select(Invitation)).all() == []


def test_citizens_cannot_make_invitations_or_citizens(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="MIN-KODE")
    client.sign_in_citizen("MIN-KODE")
    assert client.get(f"/citizens/{me.id}/invitation").status_code == 404
    assert client.post_form("/caseload/citizens/new", {"name": "X", "locale": "da"}).status_code == 404

"""CSRF: the token is bound to the session (an HMAC of it), never a cookie's value; a change
must not come from another site by the browser's own account (Sec-Fetch-Site, Origin); and a
refusal is the "page expired" page in the user's language, never a 500."""

import re
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from app.core.config import Settings
from app.main import create_app
from app.models import AuthSession, User
from tests import factories
from tests.conftest import Client

EXPIRED_DA = "Siden var udløbet, så intet blev gemt."
EXPIRED_EN = "The page had expired, so nothing was saved."


def page_token(client: Client, path: str = "/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def sessions(db: Session) -> int:
    db.expire_all()
    return len(db.exec(select(AuthSession)).all())


@pytest.fixture
def other(client: Client) -> Iterator[Client]:
    """A second browser on the same app, with cookies of its own."""
    with Client(client.app, base_url="http://testserver") as second:
        yield second


def test_the_pages_carry_this_sessions_token_and_it_is_no_cookies_value(client: Client, db: Session) -> None:
    token = page_token(client)
    assert token == client.csrf()
    assert token not in dict(client.cookies.items()).values()
    body = client.get("/login").text
    assert f'"X-CSRF-Token": "{token}"' in body
    person = factories.citizen(db, code="TOKEN-1")
    client.sign_in_citizen("TOKEN-1")
    signed_in = page_token(client, f"/citizens/{person.id}")
    assert signed_in == client.csrf() != token
    assert signed_in not in dict(client.cookies.items()).values()


def test_a_planted_cookie_value_as_token_is_refused(client: Client, db: Session) -> None:
    factories.citizen(db, code="PLANT-1")
    planted = "p" * 43
    client.cookies.set("tavle_csrf", planted)
    response = client.post(
        "/login/citizen",
        data={"code": "PLANT-1", "pin": factories.PIN, "csrf_token": planted},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert EXPIRED_DA in response.text
    assert "tavle_session" not in client.cookies
    # The same planted cookie with the token made of it (which only our pages know) works.
    assert client.post_form("/login/citizen", {"code": "PLANT-1", "pin": factories.PIN}).status_code == 303


def test_a_token_from_another_session_is_refused_and_this_sessions_works(
    client: Client, other: Client, db: Session
) -> None:
    factories.citizen(db, code="MINE-1")
    factories.citizen(db, code="THEIRS-1")
    client.sign_in_citizen("MINE-1")
    other.sign_in_citizen("THEIRS-1")
    assert sessions(db) == 2
    theirs = other.csrf()
    refused = client.post("/logout", data={"csrf_token": theirs}, follow_redirects=False)
    assert refused.status_code == 403 and EXPIRED_DA in refused.text
    header = client.post("/logout", headers={"X-CSRF-Token": theirs}, follow_redirects=False)
    assert header.status_code == 403
    assert sessions(db) == 2
    assert (
        client.post("/logout", data={"csrf_token": client.csrf()}, follow_redirects=False).status_code == 303
    )
    assert sessions(db) == 1


def test_after_sign_in_the_pre_session_token_no_longer_works(client: Client, db: Session) -> None:
    person = factories.citizen(db, code="BEFORE-1")
    before = page_token(client)
    presession = client.cookies["tavle_csrf"]
    client.sign_in_citizen("BEFORE-1")
    assert client.cookies["tavle_csrf"] != presession  # a new pre-session id too
    stale = client.post("/language", data={"csrf_token": before, "locale": "en"}, follow_redirects=False)
    assert stale.status_code == 403
    db.expire_all()
    assert db.get(User, person.id).locale != "en"  # type: ignore[union-attr]
    # Signed out again, the token from before sign-in is still worth nothing.
    assert client.post_form("/logout").status_code == 303
    again = client.post("/language", data={"csrf_token": before, "locale": "en"}, follow_redirects=False)
    assert again.status_code == 403
    assert client.post_form("/language", {"locale": "en"}).status_code == 303


@pytest.mark.parametrize("site", ["cross-site", "same-site", "CROSS-SITE"])
def test_a_change_from_another_site_is_refused_even_with_the_right_token(client: Client, site: str) -> None:
    client.cookies.set("tavle_lang", "en")
    response = client.post_form("/language", {"locale": "da"}, headers={"Sec-Fetch-Site": site})
    assert response.status_code == 403
    assert EXPIRED_EN in response.text
    assert client.cookies["tavle_lang"] == "en"


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_a_change_from_our_own_pages_or_typed_in_passes(client: Client, site: str) -> None:
    assert (
        client.post_form("/language", {"locale": "en"}, headers={"Sec-Fetch-Site": site}).status_code == 303
    )


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "null", "http://testserver.evil.example", "http://testserver:8080", "x"],
)
def test_a_change_with_a_foreign_origin_is_refused(client: Client, origin: str) -> None:
    response = client.post_form("/language", {"locale": "en"}, headers={"Origin": origin})
    assert response.status_code == 403
    assert EXPIRED_DA in response.text
    assert "tavle_lang" not in client.cookies


def test_a_change_from_our_own_origin_passes(client: Client) -> None:
    for origin in ("http://testserver", "HTTP://TestServer:80"):
        assert client.post_form("/language", {"locale": "en"}, headers={"Origin": origin}).status_code == 303


@pytest.mark.usefixtures("db")
def test_with_a_public_url_the_origin_must_be_it(settings: Settings) -> None:
    public = settings.model_copy(update={"public_url": "https://tavle.example.dk"})
    # Secure cookies with an https public URL: the client speaks https, as a browser would.
    with Client(create_app(public), base_url="https://testserver") as client:
        own = client.post_form("/language", {"locale": "en"}, headers={"Origin": "https://tavle.example.dk"})
        assert own.status_code == 303
        request_host = client.post_form(
            "/language", {"locale": "en"}, headers={"Origin": "https://testserver"}
        )
        assert request_host.status_code == 403


def test_a_refused_htmx_change_gets_the_message_as_a_fragment(client: Client) -> None:
    client.cookies.set("tavle_lang", "en")
    response = client.post(
        "/language",
        data={"locale": "da", "csrf_token": "forged"},
        headers={"HX-Request": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert EXPIRED_EN in response.text and "<html" not in response.text

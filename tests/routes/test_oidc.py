"""OpenID Connect sign-in against a small provider started inside the test: Authorization Code
with PKCE and nonce, discovery, an RS256 id_token; unknown people are refused clearly."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import Session, select

from app.models import OidcIdentity
from tests import factories
from tests.conftest import Client
from tests.oidc_provider import OpenIdProvider, running_provider


@pytest.fixture
def provider() -> Iterator[OpenIdProvider]:
    with running_provider() as running:
        yield running


def configure(client: Client, **changes: object) -> None:
    """As if the TAVLE_OIDC_* variables were set when the app started."""
    state = client.fastapi_app.state
    state.settings = state.settings.model_copy(update=changes)


@pytest.fixture
def oidc_client(client: Client, provider: OpenIdProvider) -> Client:
    configure(
        client,
        oidc_issuer=provider.issuer,
        oidc_client_id=provider.client_id,
        oidc_client_secret=provider.client_secret,
    )
    return client


def round_trip(client: Client, next: str = "/") -> httpx.Response:
    """The browser's part: to the provider, (auto-)approve, and back to Tavle's callback."""
    start = client.get("/login/oidc", params={"next": next}, follow_redirects=False)
    assert start.status_code == 303, start.text
    to_provider = start.headers["location"]
    approved = httpx.get(to_provider, follow_redirects=False)
    assert approved.status_code == 302, approved.text
    back = urlsplit(approved.headers["location"])
    assert back.path == "/login/oidc/callback"
    answer: httpx.Response = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    return answer


def test_staff_sign_in_with_the_organisation_uses_pkce_and_nonce(
    oidc_client: Client, provider: OpenIdProvider, db: Session
) -> None:
    staff = factories.consultant(db, name="Karin Konsulent", email="karin@example.dk")
    assert 'href="/login/oidc"' in oidc_client.get("/login/staff").text
    start = oidc_client.get("/login/oidc", follow_redirects=False)
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert start.headers["location"].startswith(provider.issuer + "/authorize?")
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0] and query["state"][0]
    assert query["redirect_uri"] == ["http://testserver/login/oidc/callback"]
    assert "openid" in query["scope"][0]

    done = round_trip(oidc_client, next="/caseload")
    assert done.status_code == 303 and done.headers["location"] == "/caseload"
    assert "Karin Konsulent" in oidc_client.get("/caseload").text
    assert provider.token_requests[-1]["code_verifier"]
    identity = db.exec(select(OidcIdentity)).one()
    assert (identity.issuer, identity.subject, identity.user_id) == (provider.issuer, "user-1", staff.id)


def test_a_known_subject_signs_in_even_when_the_email_changed(
    oidc_client: Client, provider: OpenIdProvider, db: Session
) -> None:
    factories.consultant(db, email="karin@example.dk")
    assert round_trip(oidc_client).status_code == 303
    oidc_client.post_form("/logout")
    provider.identity = {"sub": "user-1", "email": "k.konsulent@kommune.dk"}
    assert round_trip(oidc_client).status_code == 303
    assert oidc_client.get("/caseload").status_code == 200


def test_someone_tavle_does_not_know_is_refused_clearly(
    oidc_client: Client, provider: OpenIdProvider, db: Session
) -> None:
    factories.citizen(db, code="BORGER")  # a citizen is not a consultant, whatever the email says
    provider.identity = {"sub": "stranger", "email": "nobody@example.dk"}
    refused = round_trip(oidc_client)
    assert refused.status_code == 403
    assert "Vi kender dig ikke endnu" in refused.text
    assert "tavle_session" not in oidc_client.cookies
    assert db.exec(select(OidcIdentity)).all() == []


def test_a_wrong_nonce_or_a_forged_state_signs_no_one_in(
    oidc_client: Client, provider: OpenIdProvider, db: Session
) -> None:
    factories.consultant(db, email="karin@example.dk")
    provider.wrong_nonce = True
    assert round_trip(oidc_client).status_code == 400
    provider.wrong_nonce = False

    oidc_client.get("/login/oidc", follow_redirects=False)
    forged = oidc_client.get("/login/oidc/callback", params={"code": "x", "state": "forged"})
    assert forged.status_code == 400
    assert "Det lykkedes ikke at logge ind" in forged.text
    no_start = oidc_client.get("/login/oidc/callback", params={"code": "x", "state": "y"})
    assert no_start.status_code == 400
    assert "tavle_session" not in oidc_client.cookies


def test_a_cancelled_sign_in_says_so(oidc_client: Client) -> None:
    oidc_client.get("/login/oidc", follow_redirects=False)
    cancelled = oidc_client.get("/login/oidc/callback", params={"error": "access_denied", "state": "s"})
    assert cancelled.status_code == 400 and "Log ind blev afbrudt" in cancelled.text


def test_switched_off_unless_configured(client: Client) -> None:
    configure(client, oidc_issuer="", oidc_client_id="")
    assert "/login/oidc" not in client.get("/login/staff").text
    assert client.get("/login/oidc", follow_redirects=False).status_code == 404
    assert client.get("/login/oidc/callback", params={"code": "x", "state": "y"}).status_code == 404


def test_an_unreachable_provider_gets_a_clear_page_not_a_crash(client: Client) -> None:
    with running_provider() as gone:
        issuer = gone.issuer
    configure(
        client, oidc_issuer=issuer, oidc_client_id="tavle", oidc_client_secret="x", oidc_timeout_seconds=2
    )
    page = client.get("/login/oidc", follow_redirects=False)
    assert page.status_code == 502
    assert "Vi kunne ikke få forbindelse" in page.text

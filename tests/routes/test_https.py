"""With an https public URL: HSTS on every answer (the event stream's own way in too), and the
language cookie is Secure like the others. With http: neither."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from app.core.config import Settings
from app.main import create_app
from tests import factories
from tests.conftest import Client

HSTS = "max-age=31536000; includeSubDomains"


# `db` for its effect: the test's data is wiped after the client has gone.
@pytest.fixture
def https_client(db: Session, settings: Settings) -> Iterator[Client]:  # noqa: ARG001
    public = settings.model_copy(update={"public_url": "https://tavle.example.dk"})
    with Client(create_app(public), base_url="https://testserver") as client:
        yield client


def language_cookie(answer_headers: list[str]) -> str:
    return next(value for value in answer_headers if value.startswith("tavle_lang="))


def test_https_sends_hsts_everywhere(https_client: Client) -> None:
    for path in ("/login", "/healthz", "/no-such-page", "/citizens/1/board/events", "/static/app.css"):
        assert https_client.get(path, follow_redirects=False).headers["strict-transport-security"] == HSTS, (
            path
        )


def test_http_sends_no_hsts(client: Client) -> None:
    for path in ("/login", "/healthz", "/citizens/1/board/events"):
        assert "strict-transport-security" not in client.get(path, follow_redirects=False).headers


def test_the_language_cookie_is_secure_with_https(https_client: Client, db: Session) -> None:
    chosen = https_client.post_form("/language", {"locale": "en"})
    assert chosen.status_code == 303
    assert "Secure" in language_cookie(chosen.headers.get_list("set-cookie"))
    factories.citizen(db, code="SECURE-1", locale="en")
    signed_in = https_client.post_form("/login/citizen", {"code": "SECURE-1", "pin": factories.PIN})
    assert signed_in.status_code == 303
    assert "Secure" in language_cookie(signed_in.headers.get_list("set-cookie"))


def test_the_language_cookie_is_not_secure_with_http(client: Client) -> None:
    chosen = client.post_form("/language", {"locale": "en"})
    assert "Secure" not in language_cookie(chosen.headers.get_list("set-cookie"))

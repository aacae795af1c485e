from sqlalchemy import create_engine

from tests.conftest import Client


def test_healthz_says_the_process_is_up(client: Client) -> None:
    assert client.get("/healthz").text == "ok"


def test_readyz_checks_the_database(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.text == "ok"


def test_security_headers_are_on_every_response(client: Client) -> None:
    headers = client.get("/login").headers
    csp = headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert headers["x-content-type-options"] == "nosniff"


def test_fragment_or_page_is_decided_by_hx_request(client: Client) -> None:
    page = client.get("/login")
    assert "<html" in page.text
    assert "HX-Request" in page.headers["vary"]


def test_head_on_healthz_and_readyz_is_200_without_a_body(client: Client) -> None:
    for path in ("/healthz", "/readyz"):
        answer = client.head(path)
        assert answer.status_code == 200, path
        assert answer.content == b""


def test_head_on_readyz_says_503_when_the_database_is_gone(client: Client) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    client.app.state.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # type: ignore[attr-defined]
    try:
        answer = client.head("/readyz")
        assert answer.status_code == 503 and answer.content == b""
        assert client.get("/readyz").text == "database unreachable"
    finally:
        client.app.state.engine = engine  # type: ignore[attr-defined]

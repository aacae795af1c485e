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

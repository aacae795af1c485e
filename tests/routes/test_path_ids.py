"""A path id beyond 64 bits is "not found", never a 500, on every route that takes one: swept
from the route table, against the real server (on SQLite and PostgreSQL), over one keep-alive
connection, so that a following request on the same connection is seen to work too."""

import http.client
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.core.path_ids import fits
from app.core.route_table import api_routes
from app.main import create_app
from tests import factories
from tests.browser.conftest import LiveServer
from tests.conftest import Client

TOO_BIG = [str(2**63), str(2**64), str(-(2**63) - 1), "9" * 40]
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def id_path_params(route: APIRoute) -> set[str]:
    """The route's ids: path parameters named *_id, or read as an int by the route or a
    function it depends on."""
    names = {name for name in route.param_convertors if name.endswith("_id")}
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        names |= {field.name for field in dependant.path_params if field.field_info.annotation is int}
        pending.extend(dependant.dependencies)
    return names


def routes_with_ids() -> list[tuple[str, APIRoute]]:
    app = create_app(Settings(database_url="sqlite://", environment="test", seed_demo=False, tune_gc=False))
    found = []
    for route in api_routes(app):
        if id_path_params(route):
            found += [(method, route) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


ROUTES = routes_with_ids()


def test_the_sweep_covers_the_routes_that_take_ids() -> None:
    paths = {route.path for _method, route in ROUTES}
    assert "/citizens/{citizen_id}/board" in paths
    assert "/citizens/{citizen_id}/board/events" in paths
    assert any("{agreement_id}" in path for path in paths)
    assert len(paths) >= 20


def test_only_signed_64_bit_integers_fit() -> None:
    assert fits(str(2**63 - 1)) and fits(str(-(2**63))) and fits("0") and fits("17")
    assert not any(fits(value) for value in [*TOO_BIG, "", "abc", "1.5", " 1", "+1", "0x10", "1_000"])


class Connection:
    """One keep-alive HTTP/1.1 connection to the live server, signed in as a consultant."""

    def __init__(self, server: LiveServer) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.http.request(method, path, body=data, headers=headers)
        response = self.http.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, text

    def token(self) -> str:
        _status, page = self.request("GET", "/no-such-page")  # the not-found page carries it too
        found = re.search(r'"X-CSRF-Token": "([^"]+)"', page)
        assert found is not None
        return found.group(1)

    @property
    def local_port(self) -> int:
        assert self.http.sock is not None
        return int(self.http.sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(database_url: str, engine: Engine) -> Iterator[LiveServer]:  # noqa: ARG001 (migrated first)
    live = LiveServer(database_url)
    yield live
    live.stop()


def fill(path: str, route: APIRoute, value: str) -> str:
    ids = id_path_params(route)
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: value if m.group(1) in ids else "x", path)


def test_every_route_with_an_id_answers_404_beyond_64_bits_and_the_connection_goes_on(
    server: LiveServer, db: Session
) -> None:
    consultant = factories.consultant(db, email="sweep@example.dk")
    factories.citizen(db, consultant, code="SWEEP-1")
    connection = Connection(server)
    connection.token()
    status, _ = connection.request(
        "POST",
        "/login/staff",
        {"email": "sweep@example.dk", "password": factories.PASSWORD, "csrf_token": connection.token()},
    )
    assert status == 303
    token = connection.token()
    port = connection.local_port
    wrong: list[str] = []
    for method, route in ROUTES:
        for value in TOO_BIG[:2]:
            path = fill(route.path, route, value)
            body = {"csrf_token": token} if method in STATE_CHANGING else None
            status, text = connection.request(method, path, body)
            if status != 404:
                wrong.append(f"{method} {path}: {status}")
            elif "Siden findes ikke" not in text and "Page not found" not in text:
                wrong.append(f"{method} {path}: 404 without the not-found page")
            after, ok = connection.request("GET", "/healthz")
            if after != 200 or ok != "ok":
                wrong.append(f"after {method} {path}: {after}")
    assert wrong == []
    assert connection.local_port == port, "the same connection served every request"


def test_text_or_a_huge_number_in_an_ids_place_is_the_not_found_page(client: Client, db: Session) -> None:
    consultant = factories.consultant(db, email="text@example.dk")
    factories.citizen(db, consultant, code="TEXT-1")
    client.sign_in_staff("text@example.dk")
    for path in ("/citizens/abc/board", "/citizens/abc/board/events", f"/citizens/{2**63}/board/events"):
        answer = client.get(path)
        assert answer.status_code == 404 and "Siden findes ikke" in answer.text, path
    moved = client.post_form(f"/citizens/1/agreements/{2**64}/move", {"to": "doing"})
    assert moved.status_code == 404
    assert client.post_form("/citizens/abc/agreements/1/move", {"to": "doing"}).status_code == 404

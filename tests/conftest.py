"""Fixtures shared by the whole suite.

Every test that asks for `db` (directly or through `client`) runs twice: on SQLite and on a
throwaway PostgreSQL database. The schema comes from the real Alembic migrations."""

from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app import clock
from app.board.changes import direct_writes
from app.core.config import Settings
from app.core.csrf import token_for
from app.core.db import make_engine
from app.core.migrate import migrate
from app.main import create_app
from app.models import User
from tests import factories
from tests.databases import postgres_database, sqlite_database, wipe
from tests.live import LiveServer

BACKENDS = ["sqlite", "postgresql"]
T = TypeVar("T")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        with sqlite_database(tmp_path_factory.mktemp("sqlite")) as url:
            yield url
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """The test's own session, for setting up and checking: it may write board content straight
    to the database (nobody is looking yet); the app's own sessions never may."""
    with Session(engine, expire_on_commit=False) as session, direct_writes(session):
        yield session
    wipe(engine)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        environment="test",
        seed_demo=False,
        migrate_on_start=False,
        login_max_attempts=5,
        login_lock_minutes=15,
    )


class Client(TestClient):
    """A browser-like client: it keeps cookies and sends the CSRF token like our pages do."""

    def csrf(self) -> str:
        """The token this client's pages carry now: of its session, or of its pre-session id
        (fetched first when it has none). Tests that it is the pages' token: test_csrf.py."""
        if "tavle_csrf" not in self.cookies:
            self.get("/healthz")
        return token_for(
            self.fastapi_app.state.secret_key,
            session_token=self.cookies.get("tavle_session"),
            presession_id=self.cookies["tavle_csrf"],
        )

    def post_form(self, url: str, data: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        form = {"csrf_token": self.csrf(), **(data or {})}
        kwargs.setdefault("follow_redirects", False)
        response: httpx.Response = self.post(url, data=form, **kwargs)
        return response

    def sign_in_citizen(self, code: str, pin: str = factories.PIN) -> None:
        response = self.post_form("/login/citizen", {"code": code, "pin": pin})
        assert response.status_code == 303, response.text

    def sign_in_staff(self, who: str | User, password: str = factories.PASSWORD) -> None:
        """Signs in with an e-mail address, or as a staff user the test made."""
        email = who if isinstance(who, str) else who.email
        assert email, "staff sign in with an e-mail address"
        response = self.post_form("/login/staff", {"email": email, "password": password})
        assert response.status_code == 303, response.text

    @property
    def fastapi_app(self) -> FastAPI:
        """The app under test as the FastAPI app it is (TestClient knows it only as ASGI)."""
        assert isinstance(self.app, FastAPI)
        return self.app

    def run(self, scenario: Callable[[], Awaitable[T]]) -> T:
        """Runs `scenario` on the app's own event loop, while the client is open."""
        assert self.portal is not None, "the client runs the app only inside its with-block"
        return self.portal.call(scenario)


# `db` for its effect: the test's data is wiped after the client has gone.
@pytest.fixture
def client(db: Session, settings: Settings) -> Iterator[Client]:  # noqa: ARG001
    with Client(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(database_url: str, engine: Engine) -> Iterator[LiveServer]:  # noqa: ARG001
    """One server for the session, on the session's database (each test wipes the data); `engine`
    for its effect: the database is migrated before the server starts."""
    server = LiveServer(database_url)
    yield server
    server.stop()


class FrozenClock:
    """The app's clock held still at a moment the test sets (aware, in any zone); it moves only
    when the test moves it."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        assert moment.tzinfo is not None, "a naive moment would be read in the server's zone"
        self.moment = moment

    def advance(self, by: timedelta) -> None:
        self.moment += by


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """Stops the app's clock (app.clock.source) for this test, at the real time until set."""
    frozen = FrozenClock(clock.system_time())
    monkeypatch.setattr(clock, "source", frozen)
    return frozen


@pytest.fixture
def app_root() -> Path:
    return Path(__file__).resolve().parent.parent


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Says plainly that the PostgreSQL and browser runs happened (CI reads this)."""
    counts: dict[str, dict[str, int]] = {"postgresql": {}, "sqlite": {}, "browser": {}}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            kinds = [k for k in ("postgresql", "sqlite") if f"[{k}" in nodeid or f"-{k}" in nodeid]
            if "tests/browser/" in nodeid:
                kinds.append("browser")
            for kind in kinds:
                counts[kind][outcome] = counts[kind].get(outcome, 0) + 1
    terminalreporter.section("Tavle: what ran")
    for kind, by_outcome in counts.items():
        summary = ", ".join(f"{n} {o}" for o, n in sorted(by_outcome.items())) or "none"
        terminalreporter.write_line(f"{kind:>10} tests: {summary}")

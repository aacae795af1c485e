"""Fixtures shared by the whole suite.

Every test that asks for `db` (directly or through `client`) runs twice: on SQLite and on a
throwaway PostgreSQL database. The schema comes from the real Alembic migrations."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.board.changes import direct_writes
from app.core.config import Settings
from app.core.csrf import token_for
from app.core.db import make_engine
from app.core.migrate import migrate
from app.main import create_app
from tests import factories
from tests.databases import postgres_database, sqlite_database, wipe
from tests.live import LiveServer

BACKENDS = ["sqlite", "postgresql"]


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
            self.app.state.secret_key,  # type: ignore[attr-defined]
            session_token=self.cookies.get("tavle_session"),
            presession_id=self.cookies["tavle_csrf"],
        )

    def post_form(self, url: str, data: dict[str, str] | None = None, **kwargs):  # type: ignore[no-untyped-def]
        form = {"csrf_token": self.csrf(), **(data or {})}
        kwargs.setdefault("follow_redirects", False)
        return self.post(url, data=form, **kwargs)

    def sign_in_citizen(self, code: str, pin: str = factories.PIN) -> None:
        response = self.post_form("/login/citizen", {"code": code, "pin": pin})
        assert response.status_code == 303, response.text

    def sign_in_staff(self, email: str, password: str = factories.PASSWORD) -> None:
        response = self.post_form("/login/staff", {"email": email, "password": password})
        assert response.status_code == 303, response.text


@pytest.fixture
def client(db: Session, settings: Settings) -> Iterator[Client]:
    with Client(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(database_url: str, engine: Engine) -> Iterator[LiveServer]:
    """One server for the session, on the session's database (each test wipes the data)."""
    server = LiveServer(database_url)
    yield server
    server.stop()


@pytest.fixture
def app_root() -> Path:
    return Path(__file__).resolve().parent.parent


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
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

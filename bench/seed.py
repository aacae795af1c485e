"""Data set-up for the benchmark (not measured): throwaway databases, citizens with full boards,
their consultants, and signed-in sessions.

Signing in thousands of people through the sign-in form would spend minutes in Argon2, so the
rows, sessions included, are written straight into the database with the app's own models before
the server starts. Everything measured afterwards goes through HTTP and the event streams."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, func, insert, select, text
from sqlmodel import SQLModel

from app.core.db import make_engine
from app.core.migrate import migrate
from app.core.security import digest, new_token
from app.models import (
    Actor,
    Agreement,
    AgreementStatus,
    AuthSession,
    Board,
    CaseloadLink,
    Challenge,
    ConsentRecord,
    ConsentScope,
    Goal,
    LifeArea,
    NetworkLink,
    Role,
    Strength,
    User,
)
from app.models.base import utcnow

PG_ADMIN_URL = os.environ.get("TAVLE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
# A consultant's caseload in the seeded municipality.
CASELOAD = 10
# The card every write moves, and the other cards that make the board a realistic size.
CARDS = (
    ("Ringe til tandlægen inden fredag", AgreementStatus.todo),
    ("Gå en tur på 20 minutter hver morgen", AgreementStatus.todo),
    ("Skrive en ansøgning til Netto sammen med Mette", AgreementStatus.doing),
    ("Møde op til samtalen med mentoren", AgreementStatus.done),
)


@dataclass(frozen=True)
class SeededBoard:
    citizen_id: int
    card_id: int
    # Signed-in sessions by who holds them: "citizen" (the phone), "consultant" (the laptop),
    # "screen" (the meeting screen, the consultant's second browser), "member" (the network).
    tokens: dict[str, str]
    member_id: int = 0

    @property
    def citizen_token(self) -> str:
        return self.tokens["citizen"]

    @property
    def consultant_token(self) -> str:
        return self.tokens["consultant"]


@dataclass
class Seeded:
    boards: list[SeededBoard]
    citizens: int


@contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / 'bench.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A database of its own on the local PostgreSQL, dropped afterwards (as the tests do)."""
    name = f"tavle_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


def _row(model: SQLModel) -> dict[str, Any]:
    # Building the model applies its defaults (timestamps, flags) exactly as the app would.
    # Every row of a table has the same keys (a batch insert needs that); a missing id is assigned.
    row = model.model_dump()
    if row.get("id", 0) is None:
        del row["id"]
    return row


def _next_id(engine: Engine, model: type[SQLModel]) -> int:
    table = model.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def add_citizens(
    engine: Engine,
    count: int,
    *,
    sessions: bool,
    caseload: int = CASELOAD,
    screen: bool = False,
    member: bool = False,
) -> Seeded:
    """`count` citizens, each with a board (a challenge, a goal, a strength, four cards) and a
    consultant who has `caseload` of them; with `sessions`, everyone is signed in. `screen`: the
    consultant is signed in a second time, on the meeting screen; `member`: each citizen has a
    network member (a sister) who is signed in, and the board's first card is shared."""
    now = utcnow()
    expires = now + timedelta(days=1)
    user_id = _next_id(engine, User)
    card_id = _next_id(engine, Agreement)
    rows: dict[type[SQLModel], list[dict[str, Any]]] = {
        m: []
        for m in (
            User,
            ConsentRecord,
            Board,
            CaseloadLink,
            NetworkLink,
            Challenge,
            Goal,
            Strength,
            Agreement,
            AuthSession,
        )
    }
    boards: list[SeededBoard] = []
    consultant_id = 0
    staff: dict[str, str] = {}

    def signed_in(user: int) -> str:
        token = new_token()
        if sessions:
            rows[AuthSession].append(_session(user, token, expires))
        return token

    for n in range(count):
        if n % caseload == 0:
            consultant_id = user_id
            user_id += 1
            rows[User].append(
                _row(
                    User(
                        id=consultant_id,
                        name=f"Konsulent {consultant_id}",
                        role=Role.consultant,
                        email=f"konsulent{consultant_id}@bench.tavle",
                    )
                )
            )
            staff = {"consultant": signed_in(consultant_id)}
            if screen:
                staff["screen"] = signed_in(consultant_id)
        citizen_id = user_id
        user_id += 1
        rows[User].append(_row(User(id=citizen_id, name=f"Borger {citizen_id}", role=Role.citizen)))
        rows[Board].append(_row(Board(citizen_id=citizen_id, version=0, updated_at=now)))
        # Each citizen shares the plan with the consultant and chosen cards with the network.
        for scope in ConsentScope:
            rows[ConsentRecord].append(
                _row(
                    ConsentRecord(
                        citizen_id=citizen_id, scope=scope, given=True, text_version="bench", at=now
                    )
                )
            )
        rows[CaseloadLink].append(_row(CaseloadLink(consultant_id=consultant_id, citizen_id=citizen_id)))
        rows[Challenge].append(
            _row(
                Challenge(
                    citizen_id=citizen_id,
                    life_area=LifeArea.everyday_life,
                    title="Komme op om morgenen",
                    created_by_id=citizen_id,
                )
            )
        )
        rows[Goal].append(_row(Goal(citizen_id=citizen_id, title="Arbejde 10 timer om ugen")))
        rows[Strength].append(_row(Strength(citizen_id=citizen_id, text="God til at lytte")))
        first_card = card_id
        for position, (what, status) in enumerate(CARDS):
            rows[Agreement].append(
                _row(
                    Agreement(
                        id=card_id,
                        citizen_id=citizen_id,
                        what=what,
                        who=Actor.citizen,
                        status=status,
                        position=position if status == AgreementStatus.todo else 0,
                        accepted_by_citizen=True,
                        accepted_by_consultant=True,
                        created_by_id=consultant_id,
                        shared=member and card_id == first_card,
                    )
                )
            )
            card_id += 1
        tokens = {"citizen": signed_in(citizen_id), **staff}
        member_id = 0
        if member:
            member_id = user_id
            user_id += 1
            rows[User].append(_row(User(id=member_id, name=f"Søster {member_id}", role=Role.network)))
            rows[NetworkLink].append(
                _row(NetworkLink(citizen_id=citizen_id, member_id=member_id, relation="søster"))
            )
            tokens["member"] = signed_in(member_id)
        boards.append(SeededBoard(citizen_id, first_card, tokens, member_id))
    with engine.begin() as connection:
        for model, values in rows.items():
            table = model.__table__  # type: ignore[attr-defined]
            for start in range(0, len(values), 5000):
                connection.execute(insert(table), values[start : start + 5000])
        if engine.dialect.name == "postgresql":
            # Ids were given explicitly: move the sequences past them.
            for name in ("app_user", "agreement", "challenge", "goal", "strength"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                    )
                )
    return Seeded(boards=boards, citizens=count)


def _session(user_id: int, token: str, expires: Any) -> dict[str, Any]:
    return _row(
        AuthSession(token_digest=digest(token), user_id=user_id, csrf_token=new_token(), expires_at=expires)
    )

"""Many requests at once: more than there are database connections, all answered."""

import asyncio

import httpx
from sqlmodel import Session

from app.core.config import Settings
from app.core.csrf import token_for
from app.main import create_app
from tests import factories
from tests.hub.running import run

BOARDS = 40  # moved all at once: more than the pool has connections (size and overflow: 30)
ROUNDS = 4


def test_more_writes_at_once_than_connections_all_succeed(db: Session, settings: Settings) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    boards = []
    for n in range(BOARDS):
        citizen = factories.citizen(db, staff, code=f"LOAD-{n}")
        boards.append((citizen.id, factories.agreement(db, citizen, what=f"Kort {n}").id))
    app = create_app(settings)

    async def scenario() -> list[int]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                await client.get("/healthz")
                before = token_for(
                    app.state.secret_key, session_token=None, presession_id=client.cookies["tavle_csrf"]
                )
                signed_in = await client.post(
                    "/login/staff",
                    data={"email": "k@example.dk", "password": factories.PASSWORD, "csrf_token": before},
                )
                assert signed_in.status_code == 303
                csrf = token_for(
                    app.state.secret_key,
                    session_token=client.cookies["tavle_session"],
                    presession_id=client.cookies["tavle_csrf"],
                )

                async def move(number: int) -> int:
                    citizen_id, card_id = boards[number % BOARDS]
                    answer = await client.post(
                        f"/citizens/{citizen_id}/agreements/{card_id}/move",
                        data={"to": "doing" if (number // BOARDS) % 2 == 0 else "todo"},
                        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
                    )
                    return answer.status_code

                answers: list[int] = []
                for round_ in range(ROUNDS):
                    moves = (move(round_ * BOARDS + n) for n in range(BOARDS))
                    answers += await asyncio.wait_for(asyncio.gather(*moves), 90)
                return answers

    assert run(scenario()) == [200] * (BOARDS * ROUNDS)

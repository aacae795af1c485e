"""The one write path: board content is written only inside a board change, which raises the
board's version, commits and publishes together; anything else is refused before it is written."""

import asyncio

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from app.board.changes import CONTENT_MODELS, OutsideBoardChange, board_change
from app.board.read import board_version
from app.live import board_channel, register, unregister
from app.live.memory import MemoryHub
from app.models import Agreement, Strength, User
from tests import factories
from tests.hub.running import run


def _app_session(engine: Engine) -> Session:
    """A session like the app's own: no set-up privileges."""
    return Session(engine, expire_on_commit=False)


def test_content_written_outside_a_board_change_is_refused(db: Session, engine: Engine) -> None:
    citizen = factories.citizen(db)
    card = factories.agreement(db, citizen, what="Før")
    with _app_session(engine) as session:
        session.add(Strength(citizen_id=citizen.id or 0, text="Er god til at lytte"))
        with pytest.raises(OutsideBoardChange):
            session.commit()
        session.rollback()
        row = session.get(Agreement, card.id)
        assert row is not None
        row.what = "Ændret uden om"
        with pytest.raises(OutsideBoardChange):
            session.flush()
        session.rollback()
        with pytest.raises(OutsideBoardChange):
            session.execute(update(Agreement).where(col(Agreement.id) == card.id).values(what="Også uden om"))
    db.expire_all()
    stored = db.get(Agreement, card.id)
    assert stored is not None and stored.what == "Før"


def test_every_table_the_board_shows_is_guarded() -> None:
    names = {model.__tablename__ for model in CONTENT_MODELS}
    assert {"agreement", "challenge", "goal", "scale_reading", "strength", "intervention"} <= names
    assert {"meaningfulness_rating", "board", "agenda_topic"} <= names


def test_a_board_change_raises_the_version_commits_then_publishes(db: Session, engine: Engine) -> None:
    citizen = factories.citizen(db)
    assert citizen.id is not None
    before = board_version(session=db, citizen_id=citizen.id)

    async def scenario() -> list[int]:
        hub = MemoryHub()
        await hub.start()
        register(engine, hub)
        try:
            with hub.subscribe(board_channel(citizen.id or 0)) as view:

                def change() -> None:
                    with (
                        _app_session(engine) as session,
                        board_change(session, citizen_id=citizen.id or 0, kind="strength") as made,
                    ):
                        session.add(Strength(citizen_id=citizen.id or 0, text="Er god til at lytte"))
                        # Nothing is published before the commit.
                        assert len(view) == 0 and made.version == before + 1

                await asyncio.to_thread(change)
                event = await view.get(2)
                assert event is not None and event.kind == "strength"
                return [event.version]
        finally:
            unregister(engine)

    assert run(scenario()) == [before + 1]
    assert board_version(session=db, citizen_id=citizen.id) == before + 1


def test_a_failed_board_change_leaves_no_trace_and_publishes_nothing(db: Session, engine: Engine) -> None:
    citizen = factories.citizen(db)
    assert citizen.id is not None
    before = board_version(session=db, citizen_id=citizen.id)

    async def scenario() -> int:
        hub = MemoryHub()
        await hub.start()
        register(engine, hub)
        try:
            with hub.subscribe(board_channel(citizen.id or 0)) as view:

                def change() -> None:
                    with _app_session(engine) as session:
                        try:
                            with board_change(session, citizen_id=citizen.id or 0, kind="strength"):
                                session.add(Strength(citizen_id=citizen.id or 0, text="Halvt skrevet"))
                                session.flush()
                                raise RuntimeError("the change fails half-way")
                        except RuntimeError:
                            pass

                await asyncio.to_thread(change)
                await asyncio.sleep(0.05)
                return len(view)
        finally:
            unregister(engine)

    assert run(scenario()) == 0
    db.expire_all()
    assert board_version(session=db, citizen_id=citizen.id) == before
    assert db.get(User, citizen.id) is not None
    assert not db.exec(Strength.__table__.select()).all()  # type: ignore[attr-defined]

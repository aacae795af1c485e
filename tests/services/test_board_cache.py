"""The shared board read: reused while the board's version stands, read again when it moves,
read once for many who ask at the same moment, and forgotten when the citizen is erased."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from app.board import cache as board_cache
from app.board.cache import BoardCache, cache_for, current_board
from app.board.read import load_board
from app.board.view import board_changed
from app.models import Role
from app.privacy.service import erase_citizen
from tests import factories


def test_a_read_is_reused_until_the_board_changes(db: Session, engine: Engine) -> None:
    citizen = factories.citizen(db, code="LISE")
    factories.agreement(db, citizen, what="Ringe til lægen")
    first = current_board(session=db, citizen=citizen)
    assert current_board(session=db, citizen=citizen) is first
    assert [a.what for a in first.agreements] == ["Ringe til lægen"]

    factories.agreement(db, citizen, what="Købe buskort")
    again = current_board(session=db, citizen=citizen)
    assert again is not first and again.version > first.version
    assert [a.what for a in again.agreements] == ["Ringe til lægen", "Købe buskort"]


def test_a_read_never_shares_rows_with_the_requests_session(db: Session) -> None:
    citizen = factories.citizen(db, code="LISE")
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    data = current_board(session=db, citizen=citizen)
    assert all(row is not card for row in data.agreements)
    card.what = "Ændret i anmodningen, ikke gemt"
    assert data.agreements[0].what == "Ringe til lægen"
    db.rollback()


def test_many_asking_at_once_cause_one_read(db: Session, engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    citizen = factories.citizen(db, code="LISE")
    factories.agreement(db, citizen)
    assert citizen.id is not None
    reads = 0
    gate = threading.Event()

    def slow_load(**kwargs):  # type: ignore[no-untyped-def]
        nonlocal reads
        reads += 1
        gate.wait(1)
        return load_board(**kwargs)

    monkeypatch.setattr(board_cache, "load_board", slow_load)
    cache = BoardCache(engine)
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(cache.get, citizen.id, 1) for _ in range(8)]
        gate.set()
        results = [f.result() for f in futures]
    assert reads == 1
    assert all(r is results[0] for r in results)


def test_erasing_the_citizen_leaves_no_copy_of_the_board_in_memory(db: Session, engine: Engine) -> None:
    citizen = factories.citizen(db, code="LISE")
    factories.agreement(db, citizen, what="Ringe til lægen")
    admin = factories.staff(db, Role.admin, "admin@example.dk")
    assert citizen.id is not None
    current_board(session=db, citizen=citizen)
    assert cache_for(engine).fresh(citizen.id, 0) is not None
    erase_citizen(session=db, citizen=citizen, by=admin)
    assert cache_for(engine).fresh(citizen.id, 0) is None


def test_after_a_change_only_what_it_can_alter_is_read_again(db: Session, engine: Engine) -> None:
    citizen = factories.citizen(db, code="LISE")
    factories.goal(db, citizen, title="Cykle til praktik")
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    assert citizen.id is not None
    before = current_board(session=db, citizen=citizen)

    card.what = "Ringe til tandlægen"
    db.add(card)
    db.commit()
    version = board_changed(session=db, citizen_id=citizen.id, kind="agreement")
    after = cache_for(engine).fresh(citizen.id, version)
    assert after is not None and after.version == version
    assert [a.what for a in after.agreements] == ["Ringe til tandlægen"]
    assert after.goals is before.goals and after.strengths is before.strengths

    version = board_changed(session=db, citizen_id=citizen.id)
    everything = cache_for(engine).fresh(citizen.id, version)
    assert everything is not None and everything.goals is not before.goals


def test_a_change_to_a_board_nobody_here_has_open_reads_nothing(db: Session, engine: Engine) -> None:
    citizen = factories.citizen(db, code="LISE")
    assert citizen.id is not None
    board_changed(session=db, citizen_id=citizen.id, kind="agreement")
    assert cache_for(engine).fresh(citizen.id, 0) is None


def test_every_kind_of_change_says_both_what_to_reread_and_what_to_redraw() -> None:
    from app.board.read import KIND_PARTS
    from app.board.view import KIND_REGIONS

    assert set(KIND_PARTS) == set(KIND_REGIONS) - {"presence"}


def test_after_moves_the_copy_brought_up_to_date_in_memory_is_the_board_as_stored(
    db: Session, engine: Engine
) -> None:
    """A move updates this process's copy from what it wrote instead of reading it again: the
    copy must then be exactly what a fresh read of the database gives, after every kind of move."""
    from app.board import agreements

    staff = factories.consultant(db, email="k@example.dk")
    citizen = factories.citizen(db, staff, code="LISE")
    cards = [factories.agreement(db, citizen, what=f"Kort {n}") for n in range(4)]
    assert citizen.id is not None
    current_board(session=db, citizen=citizen)  # the copy exists, so moves bring it up to date
    moves = [
        (cards[0].id, {"to": "doing"}),
        (cards[2].id, {"to": "doing"}),
        (cards[2].id, {"to": "up"}),
        (cards[3].id, {"to": "up"}),
        (cards[3].id, {"to": "down"}),
        (cards[1].id, {"status": "doing", "position": "1"}),
        (cards[0].id, {"to": "done"}),
        (cards[1].id, {"to": "todo"}),
    ]
    for number, (card_id, how) in enumerate(moves):
        actor = staff if number % 2 else citizen
        moved = agreements.move(session=db, citizen=citizen, actor=actor, agreement_id=card_id or 0, **how)
        assert moved.undo is not None
        copy = cache_for(engine).fresh(citizen.id, 0)
        assert copy is not None
        stored = load_board(session=db, citizen=citizen)
        assert copy.version == stored.version
        assert copy.agreements == stored.agreements, how
        assert actor.id in copy.people


def test_a_move_is_one_transaction_and_reads_nothing_after_it(db: Session, engine: Engine) -> None:
    """The board's most frequent change: after its commit, the copy here is brought up to date
    from what was written, so no second transaction (a connection from the pool, a BEGIN) is
    opened to read it again."""
    from app.board import agreements

    citizen = factories.citizen(db, code="LISE")
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    assert citizen.id is not None
    current_board(session=db, citizen=citizen)
    db.commit()
    begun: list[object] = []
    count = begun.append
    event.listen(engine, "begin", count)
    try:
        moved = agreements.move(
            session=db, citizen=citizen, actor=citizen, agreement_id=card.id or 0, to="doing"
        )
    finally:
        event.remove(engine, "begin", count)
    assert moved.undo is not None and moved.undo.action == "move"
    assert len(begun) == 1
    copy = cache_for(engine).fresh(citizen.id, 0)
    assert copy is not None and [a.status for a in copy.agreements] == ["doing"]


def test_a_move_takes_the_cards_from_the_copy_here_when_it_is_current(db: Session, engine: Engine) -> None:
    from app.board import agreements

    citizen = factories.citizen(db, code="LISE")
    cards = [factories.agreement(db, citizen, what=f"Kort {n}") for n in range(3)]
    assert citizen.id is not None
    current_board(session=db, citizen=citizen)
    db.commit()
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        agreements.move(session=db, citizen=citizen, actor=citizen, agreement_id=cards[0].id or 0, to="doing")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert not [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    stored = load_board(session=db, citizen=citizen)
    assert [(a.what, a.status, a.position) for a in stored.agreements] == [
        ("Kort 0", "doing", 0),
        ("Kort 1", "todo", 0),
        ("Kort 2", "todo", 1),
    ]


def test_a_move_after_a_change_made_elsewhere_works_from_the_stored_cards(
    db: Session, engine: Engine
) -> None:
    """Another process moved a card (the copy here has not heard of it): the move must start
    from where the cards really are, not from the copy."""
    from app.board import agreements

    citizen = factories.citizen(db, code="LISE")
    first, second = (factories.agreement(db, citizen, what=w) for w in ("Kort 0", "Kort 1"))
    assert citizen.id is not None
    current_board(session=db, citizen=citizen)
    db.execute(text("UPDATE agreement SET status = 'done', position = 0 WHERE id = :id"), {"id": first.id})
    db.execute(text("UPDATE agreement SET position = 0 WHERE id = :id"), {"id": second.id})
    db.execute(text("UPDATE board SET version = version + 1 WHERE citizen_id = :id"), {"id": citizen.id})
    db.commit()

    agreements.move(session=db, citizen=citizen, actor=citizen, agreement_id=second.id or 0, to="done")

    stored = load_board(session=db, citizen=citizen)
    assert [(a.what, a.status, a.position) for a in stored.agreements] == [
        ("Kort 0", "done", 0),
        ("Kort 1", "done", 1),
    ]
    copy = cache_for(engine).fresh(citizen.id, 0)
    assert copy is not None and copy.version == stored.version
    assert copy.agreements == stored.agreements


def test_the_board_after_ones_own_change_is_drawn_without_asking_the_database(
    db: Session, engine: Engine
) -> None:
    """The answer to a move shows the board at the version the move made: this process's copy
    is at that version already, so the database is not asked (not even for the version)."""
    from app.board import agreements
    from app.core.db import CacheOnlySession, NeedsDatabase

    citizen = factories.citizen(db, code="LISE")
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    assert citizen.id is not None
    current_board(session=db, citizen=citizen)
    moved = agreements.move(session=db, citizen=citizen, actor=citizen, agreement_id=card.id or 0, to="doing")
    assert moved.version > 0
    with CacheOnlySession(engine) as cache_only:
        board = current_board(session=cache_only, citizen=citizen, at_least=moved.version)
    assert board.version == moved.version and [a.status for a in board.agreements] == ["doing"]
    if engine.dialect.name == "postgresql":
        # Without the version it is asked for: a round trip on PostgreSQL.
        with CacheOnlySession(engine) as cache_only, pytest.raises(NeedsDatabase):
            current_board(session=cache_only, citizen=citizen)


def test_a_move_to_where_the_card_already_is_changes_nothing(db: Session) -> None:
    from app.board import agreements

    citizen = factories.citizen(db, code="LISE")
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    before = current_board(session=db, citizen=citizen)
    moved = agreements.move(session=db, citizen=citizen, actor=citizen, agreement_id=card.id or 0, to="up")
    assert moved.undo is None
    assert current_board(session=db, citizen=citizen).version == before.version


def test_another_process_follows_card_moves_from_the_events_alone(db: Session, engine: Engine) -> None:
    """What a card move publishes is enough for a process that did not make it to bring its copy
    of the board up to date without reading it: the result is the board as stored."""
    from app.board import agreements
    from app.live import Event, register, unregister
    from app.live.memory import MemoryHub

    class Recording(MemoryHub):
        def __init__(self) -> None:
            super().__init__()
            self.events: list[Event] = []

        def after_commit(self, event: Event) -> None:
            # Through JSON, as a NOTIFY carries it between processes.
            self.events.append(Event.from_json(event.to_json()))

    staff = factories.consultant(db, email="k@example.dk")
    citizen = factories.citizen(db, staff, code="LISE")
    cards = [factories.agreement(db, citizen, what=f"Kort {n}") for n in range(3)]
    assert citizen.id is not None
    elsewhere, behind = BoardCache(engine), BoardCache(engine)
    start = elsewhere.get(citizen.id, 0).version
    assert behind.get(citizen.id, 0).version == start
    hub = Recording()
    register(engine, hub)
    try:
        for card, how in ((cards[0], {"to": "doing"}), (cards[2], {"to": "up"}), (cards[1], {"to": "done"})):
            agreements.move(session=db, citizen=citizen, actor=staff, agreement_id=card.id or 0, **how)
    finally:
        unregister(engine)
    assert [e.placed != () for e in hub.events] == [True, True, True]
    followed = elsewhere.follow(citizen.id, hub.events)
    stored = load_board(session=db, citizen=citizen)
    assert followed is not None and followed.version == stored.version
    assert followed.agreements == stored.agreements
    # A gap (an event this copy has not seen) means reading, never guessing.
    assert behind.follow(citizen.id, hub.events[1:]) is None
    assert behind.fresh(citizen.id, 0).version == start  # type: ignore[union-attr]

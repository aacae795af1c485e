"""Two people saving the same card at the same moment: truly concurrent requests (two threads
released by one barrier) against a live server, on SQLite and on PostgreSQL. Never may both be
told "saved" while one text is lost: the second saver gets the conflict, with their own words."""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import Session, col, select

from app.models import Agreement, AgreementRevision, AgreementStatus, User
from tests import factories
from tests.live import LiveServer, Visitor

ROUNDS = 50


@pytest.fixture
def pair(db: Session, live_server: LiveServer) -> tuple[User, Visitor, Visitor]:
    staff = factories.consultant(db, email="mette@example.dk", name="Mette Hansen")
    citizen = factories.citizen(db, staff, name="Anna Jensen", code="ANNA")
    anna, mette = Visitor(live_server), Visitor(live_server)
    anna.sign_in_citizen("ANNA")
    mette.sign_in_staff("mette@example.dk")
    return citizen, anna, mette


Post = tuple[Visitor, str, dict[str, str]]


def at_once(*posts: Post) -> list[httpx.Response]:
    """Each form posted from its own thread, all let go by one barrier."""
    barrier = threading.Barrier(len(posts))

    def go(post: Post) -> httpx.Response:
        who, url, data = post
        barrier.wait()
        return who.post(url, data)

    with ThreadPoolExecutor(len(posts)) as pool:
        return list(pool.map(go, posts))


def _card(db: Session, card_id: int) -> Agreement:
    db.expire_all()
    card = db.get(Agreement, card_id)
    assert card is not None
    return card


def test_two_edits_at_once_never_both_save(db: Session, pair: tuple[User, Visitor, Visitor]) -> None:
    citizen, anna, mette = pair
    card = factories.agreement(db, citizen, what="Ringe til jobcentret")
    assert card.id is not None
    url = f"/citizens/{citizen.id}/agreements/{card.id}"
    both_saved = 0
    for round_ in range(ROUNDS):
        seen = _card(db, card.id).revision
        texts = {anna: f"Anna runde {round_}", mette: f"Mette runde {round_}"}
        answers = at_once(
            *(
                (who, url, {"what": texts[who], "who": "citizen", "revision": str(seen)})
                for who in (anna, mette)
            )
        )
        codes = sorted(a.status_code for a in answers)
        stored = _card(db, card.id)
        if codes == [303, 303]:
            both_saved += 1
        assert codes == [303, 409], f"round {round_}: {codes}"
        first_won = answers[0].status_code == 303
        refused = answers[1] if first_won else answers[0]
        winner = anna if first_won else mette
        loser = mette if winner is anna else anna
        assert stored.what == texts[winner] and stored.revision == seen + 1
        # The second saver sees the conflict with their own words kept, and the card as it is.
        assert texts[loser] in refused.text and texts[winner] in refused.text
    assert both_saved == 0
    history = db.exec(select(AgreementRevision).where(AgreementRevision.agreement_id == card.id)).all()
    assert len(history) == ROUNDS, "every saved text but the last is in the history"


def test_two_moves_of_one_card_at_once_never_both_land(
    db: Session, pair: tuple[User, Visitor, Visitor]
) -> None:
    citizen, anna, mette = pair
    card = factories.agreement(db, citizen, what="Søge tre job")
    assert card.id is not None
    url = f"/citizens/{citizen.id}/agreements/{card.id}/move"
    for round_ in range(ROUNDS):
        before = _card(db, card.id)
        columns = (AgreementStatus.doing, AgreementStatus.done, AgreementStatus.todo)
        targets = [s for s in columns if s != before.status]
        seen = {"from_status": before.status, "from_position": str(before.position)}
        answers = at_once((anna, url, {"to": targets[0], **seen}), (mette, url, {"to": targets[1], **seen}))
        codes = sorted(a.status_code for a in answers)
        assert codes == [303, 409], f"round {round_}: {codes}"
        moved_to = targets[0] if answers[0].status_code == 303 else targets[1]
        assert _card(db, card.id).status == moved_to
        # Issue 21, item 12: the one whose move lost is told who moved it, and where it is now,
        # on the card itself (anna is the first post, so she won when answers[0] is the 303).
        winner, lost = (
            ("Anna Jensen", answers[1]) if answers[0].status_code == 303 else ("Mette Hansen", answers[0])
        )
        why = f'id="agreement-{card.id}-why"'
        assert why in lost.text and f"{winner} " in lost.text.split(why, 1)[1].split("</p>", 1)[0]


def test_moves_of_neighbouring_cards_at_once_keep_every_column_in_order(
    db: Session, pair: tuple[User, Visitor, Visitor]
) -> None:
    """Each move is worked out on the board as it is under the board's lock: two moves that do
    not touch the same card both land, and the columns stay numbered 0, 1, 2, …"""
    citizen, anna, mette = pair
    cards = [factories.agreement(db, citizen, what=f"Kort {n}") for n in range(4)]
    ids = [c.id for c in cards]
    for round_ in range(ROUNDS // 2):
        first, second = ids[round_ % 4], ids[(round_ + 1) % 4]
        answers = at_once(
            (anna, f"/citizens/{citizen.id}/agreements/{first}/move", {"to": "doing"}),
            (mette, f"/citizens/{citizen.id}/agreements/{second}/move", {"to": "done"}),
        )
        assert [a.status_code for a in answers] == [303, 303]
        db.expire_all()
        rows = db.exec(
            select(Agreement).where(Agreement.citizen_id == citizen.id, col(Agreement.deleted_at).is_(None))
        ).all()
        for status in {r.status for r in rows}:
            places = sorted(r.position for r in rows if r.status == status)
            assert places == list(range(len(places))), f"round {round_}: {status} {places}"

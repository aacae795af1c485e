"""A change sent twice with one key is made once, and the repeat gets the first answer: a resent
form, a double tap, a replay from the phone's outbox. On SQLite and PostgreSQL; the concurrent
case against a live server, with the sends let go together by a barrier."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from sqlmodel import Session, col, func, select

from app.core.idempotency import KEPT_FOR, new_key
from app.models import Agreement, AgreementStatus, IdempotentRequest, MeaningfulnessRating, User
from app.models.base import utcnow
from tests import factories
from tests.conftest import Client, FrozenClock
from tests.live import LiveServer, Visitor

KEY_FIELD = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _citizen(db: Session) -> User:
    staff = factories.consultant(db, name="Mette Hansen", email="mette-key@example.dk")
    return factories.citizen(db, staff, name="Anna Jensen", code="ANNA-KEY")


def _cards(db: Session, what: str) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Agreement).where(Agreement.what == what)).one()


def test_the_same_form_sent_twice_with_one_key_makes_one_card_and_gets_the_first_answer(
    client: Client, db: Session
) -> None:
    anna = _citizen(db)
    client.sign_in_citizen("ANNA-KEY")
    form = {"what": "Købe buskort", "who": "citizen", "idempotency_key": new_key()}
    first = client.post_form(f"/citizens/{anna.id}/agreements", form)
    again = client.post_form(f"/citizens/{anna.id}/agreements", form)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["x-tavle-replay"] == "1" and "x-tavle-replay" not in first.headers
    assert _cards(db, "Købe buskort") == 1

    # From the board's own script (htmx, the key in a header): the fragment, once.
    headers = {"HX-Request": "true", "Idempotency-Key": new_key()}
    form = {"what": "Ringe til lægen", "who": "citizen"}
    first = client.post_form(f"/citizens/{anna.id}/agreements", form, headers=headers)
    again = client.post_form(f"/citizens/{anna.id}/agreements", form, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and "Ringe til lægen" in first.text
    assert _cards(db, "Ringe til lægen") == 1


def test_without_a_key_or_with_other_fields_each_send_is_its_own_change(client: Client, db: Session) -> None:
    anna = _citizen(db)
    client.sign_in_citizen("ANNA-KEY")
    for _ in range(2):
        client.post_form(f"/citizens/{anna.id}/agreements", {"what": "Gå en tur", "who": "citizen"})
    assert _cards(db, "Gå en tur") == 2
    # One form, two of its buttons (one key): two different changes.
    key = new_key()
    for what in ("Skrive til Louise", "Skrive til Peter"):
        form = {"what": what, "who": "citizen", "idempotency_key": key}
        assert client.post_form(f"/citizens/{anna.id}/agreements", form).status_code == 303
    assert _cards(db, "Skrive til Louise") == _cards(db, "Skrive til Peter") == 1


def test_every_form_on_a_page_carries_a_key_beside_its_token(client: Client, db: Session) -> None:
    anna = _citizen(db)
    factories.agreement(db, anna, what="Ringe til lægen")
    client.sign_in_citizen("ANNA-KEY")
    for path in (f"/citizens/{anna.id}/board", f"/citizens/{anna.id}/agenda", "/account/security"):
        html = client.get(path).text
        tokens = html.count('name="csrf_token"')
        assert tokens >= 1 and len(KEY_FIELD.findall(html)) == tokens, path
    # A new rendering, a new key: the next change from the same form is a change of its own.
    board = f"/citizens/{anna.id}/board"
    assert KEY_FIELD.search(client.get(board).text) != KEY_FIELD.search(client.get(board).text)


def test_a_conflict_is_the_first_answer_too(client: Client, db: Session) -> None:
    """A replayed move onto a card that moved meanwhile: the conflict, every time it is sent."""
    anna = _citizen(db)
    card = factories.agreement(db, anna, what="Ringe til lægen")
    client.sign_in_citizen("ANNA-KEY")
    move = f"/citizens/{anna.id}/agreements/{card.id}/move"
    first = client.post_form(move, {"to": "doing", "from_status": "todo", "from_position": "0"})
    assert first.status_code == 303
    replayed = {"to": "done", "from_status": "todo", "from_position": "0", "idempotency_key": new_key()}
    conflict = client.post_form(move, replayed)
    assert conflict.status_code == 409
    again = client.post_form(move, replayed)
    assert again.status_code == 409 and again.content == conflict.content
    db.expire_all()
    stored = db.get(Agreement, card.id)
    assert stored is not None and stored.status == AgreementStatus.doing


def test_an_answer_that_says_sign_in_first_is_not_kept(client: Client, db: Session) -> None:
    anna = _citizen(db)
    client.sign_in_citizen("ANNA-KEY")
    token = client.cookies["tavle_session"]
    form = {"what": "Søge job", "who": "citizen", "idempotency_key": new_key()}
    client.cookies.delete("tavle_session")
    client.cookies.set("tavle_session", "not-a-session-token-at-all")
    refused = client.post_form(f"/citizens/{anna.id}/agreements", form)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    client.cookies.delete("tavle_session")
    client.cookies.set("tavle_session", token)
    assert client.post_form(f"/citizens/{anna.id}/agreements", form).status_code == 303
    assert _cards(db, "Søge job") == 1


def test_the_outbox_is_told_where_a_redirect_leads(client: Client, db: Session) -> None:
    anna = _citizen(db)
    client.sign_in_citizen("ANNA-KEY")
    form = {"what": "Købe frimærker", "who": "citizen", "idempotency_key": new_key()}
    sent = client.post_form(f"/citizens/{anna.id}/agreements", form, headers={"X-Tavle-Outbox": "1"})
    assert sent.status_code == 204
    assert sent.headers["x-tavle-location"].startswith(f"/citizens/{anna.id}/board#agreement-")
    again = client.post_form(f"/citizens/{anna.id}/agreements", form, headers={"X-Tavle-Outbox": "1"})
    assert again.status_code == 204 and again.headers["x-tavle-location"] == sent.headers["x-tavle-location"]
    assert _cards(db, "Købe frimærker") == 1


def test_a_key_is_kept_for_a_day(client: Client, db: Session, frozen_clock: FrozenClock) -> None:
    anna = _citizen(db)
    client.sign_in_citizen("ANNA-KEY")
    form = {"what": "Træne tirsdag", "who": "citizen", "idempotency_key": new_key()}
    client.post_form(f"/citizens/{anna.id}/agreements", form)
    frozen_clock.advance(KEPT_FOR - timedelta(minutes=1))
    client.post_form(f"/citizens/{anna.id}/agreements", form)
    assert _cards(db, "Træne tirsdag") == 1
    frozen_clock.advance(timedelta(minutes=2))
    client.sign_in_citizen("ANNA-KEY")
    client.post_form(f"/citizens/{anna.id}/agreements", form)
    assert _cards(db, "Træne tirsdag") == 2


def test_a_claim_left_by_a_request_that_died_is_taken_over_unless_its_change_was_made(
    client: Client, db: Session
) -> None:
    """A process that died mid-request leaves its claim without an answer: after a minute the
    change may be sent again, unless the change itself was committed (then it is not made twice)."""
    anna = _citizen(db)
    intervention = factories.intervention(db, anna)
    client.sign_in_citizen("ANNA-KEY")
    rate = f"/citizens/{anna.id}/interventions/{intervention.id}/ratings"
    sent = {"value": "7", "reason": "Jeg lærer meget"}
    for committed, expected in ((False, 1), (True, 0)):
        key = new_key()
        client.post_form(rate, {**sent, "idempotency_key": key})
        db.expire_all()
        row = db.exec(select(IdempotentRequest).order_by(col(IdempotentRequest.created_at).desc())).first()
        assert row is not None
        # As the dead request left it: no answer, an old claim; its change (if made) undone here.
        row.status_code, row.committed = None, committed
        row.created_at = utcnow() - timedelta(minutes=2)
        db.add(row)
        for rating in db.exec(select(MeaningfulnessRating)).all():
            db.delete(rating)
        db.commit()
        answer = client.post_form(rate, {**sent, "idempotency_key": key})
        assert answer.status_code == 303
        assert len(db.exec(select(MeaningfulnessRating)).all()) == expected


def test_the_same_post_sent_at_once_from_many_threads_makes_one_card(
    db: Session, live_server: LiveServer
) -> None:
    anna = _citizen(db)
    visitor = Visitor(live_server)
    visitor.sign_in_citizen("ANNA-KEY")
    senders = 6
    try:
        for round_ in range(10):
            what = f"Runde {round_}: ringe til jobcentret"
            form = {"what": what, "who": "citizen", "idempotency_key": new_key()}
            barrier = threading.Barrier(senders)

            def send(form: dict[str, str] = form, barrier: threading.Barrier = barrier) -> httpx.Response:
                barrier.wait()
                return visitor.post(f"/citizens/{anna.id}/agreements", form)

            with ThreadPoolExecutor(senders) as pool:
                answers = list(pool.map(lambda _n: send(), range(senders)))
            assert [a.status_code for a in answers] == [303] * senders, [a.text[:200] for a in answers]
            assert len({a.headers["location"] for a in answers}) == 1
            assert sum("x-tavle-replay" not in a.headers for a in answers) == 1
            assert _cards(db, what) == 1
    finally:
        visitor.close()

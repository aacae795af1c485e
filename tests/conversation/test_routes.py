"""Conversations through their routes: who takes part (and that nobody else reaches a thread by
an id), writing and answering with "waiting" and "Seen by", bad input, export and erasure."""

import json
import re

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from app.demo import (
    CITIZEN_PIN,
    CONSULTANT_EMAIL,
    CONSULTANT_PASSWORD,
    DEMO_CITIZENS,
    NETWORK_CODE,
    seed_demo,
)
from app.models import Agreement, ConsentRecord, ConsentScope, Message, Notice, Thread, ThreadRead, User
from app.models.conversation import MESSAGE_MAX
from app.privacy.service import erase_citizen
from tests import factories
from tests.conftest import Client


class Cast:
    def __init__(self, db: Session) -> None:
        self.mette = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
        self.anna = factories.citizen(db, self.mette, name="Anna Jensen", code="ANNA")
        self.louise = factories.network_member(db, self.anna, name="Louise Jensen", code="LOUISE")
        self.card = factories.agreement(db, self.anna, what="Ringe til tandlægen")
        self.other = factories.citizen(db, self.mette, name="Jonas Nielsen", code="JONAS")
        self.other_card = factories.agreement(db, self.other, what="Jonas' aftale")


@pytest.fixture
def cast(db: Session) -> Cast:
    return Cast(db)


def _as(client: Client, who: User) -> Client:
    client.cookies.clear()
    client.headers["Accept-Language"] = "en"
    if who.email:
        client.sign_in_staff(who)
    else:
        client.sign_in_citizen(
            {"Anna Jensen": "ANNA", "Louise Jensen": "LOUISE", "Jonas Nielsen": "JONAS"}[who.name]
        )
    return client


def _thread(citizen: User, card: Agreement | None = None) -> str:
    if card is None:
        return f"/citizens/{citizen.id}/messages"
    return f"/citizens/{citizen.id}/agreements/{card.id}/messages"


def _count(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Message)).one()


def _share_with(db: Session, card: Agreement, member: User) -> None:
    card.shared = True
    card.who = "network"  # type: ignore[assignment]
    card.who_user_id = member.id
    db.add(card)
    db.commit()


def test_anna_asks_mette_answers_and_anna_sees_it_was_seen(client: Client, db: Session, cast: Cast) -> None:
    url = _thread(cast.anna, cast.card)
    _as(client, cast.anna)
    sent = client.post_form(url, {"body": "Jeg kan ikke ringe i dag.\nKan vi flytte det?", "waiting": "yes"})
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"{url}?sent=yes#message-")
    thread = db.exec(select(Thread).where(Thread.agreement_id == cast.card.id)).one()
    assert thread.waiting_for == "consultant" and thread.messages == 1
    # Mette is told in Tavle's own list, with no words of the message.
    notice = db.exec(select(Notice).where(Notice.user_id == cast.mette.id)).one()
    assert notice.kind == "message" and notice.link == url and notice.thread == f"agreement:{cast.card.id}"

    page = _as(client, cast.mette).get(url)
    assert page.status_code == 200
    assert "Kan vi flytte det?" in page.text and "Waiting for your answer" in page.text
    answer = client.post_form(url, {"body": "Ja, på torsdag."})
    assert answer.status_code == 303
    db.refresh(thread)
    assert thread.waiting_for is None and thread.messages == 2

    mine = _as(client, cast.anna).get(url).text
    assert "Ja, på torsdag." in mine and "Waiting for your answer" not in mine
    # Under Anna's own latest message: Mette has read it.
    assert re.search(r"Seen by Mette Hansen \d\d:\d\d", mine)
    _as(client, cast.mette).get(url)
    db.expire_all()
    reads = {r.user_id: r.last_message_id for r in db.exec(select(ThreadRead)).all()}
    assert reads[cast.anna.id] == reads[cast.mette.id]


def test_seen_by_the_reader_with_the_time_in_copenhagen(client: Client, cast: Cast) -> None:
    url = _thread(cast.anna)
    _as(client, cast.anna).post_form(url, {"body": "Hej Mette"})
    assert "Seen by" not in client.get(url).text
    _as(client, cast.mette).get(url)
    page = _as(client, cast.anna).get(url).text
    assert re.search(r"Seen by Mette Hansen \d\d:\d\d", page), page[-2000:]


def test_a_consultants_question_waits_for_the_citizen(client: Client, db: Session, cast: Cast) -> None:
    url = _thread(cast.anna)
    _as(client, cast.mette).post_form(url, {"body": "Hvordan gik det?", "waiting": "yes"})
    assert "Waiting for an answer" in client.get(url).text
    notice = db.exec(select(Notice).where(Notice.user_id == cast.anna.id)).one()
    assert notice.state == "pending"
    assert "Waiting for your answer" in _as(client, cast.anna).get(url).text
    # Read in Tavle: the notice still waiting is not sent.
    db.refresh(notice)
    assert notice.state == "dropped"


def test_another_citizens_threads_are_not_reachable_by_any_id(
    client: Client, db: Session, cast: Cast
) -> None:
    _as(client, cast.mette).post_form(_thread(cast.other, cast.other_card), {"body": "Til Jonas"})
    _as(client, cast.anna)
    before = _count(db)
    for url in (
        _thread(cast.other),
        _thread(cast.other, cast.other_card),
        # Her own citizen id with his card's id, and his citizen id with her card's.
        f"/citizens/{cast.anna.id}/agreements/{cast.other_card.id}/messages",
        f"/citizens/{cast.other.id}/agreements/{cast.card.id}/messages",
    ):
        for path in (url, f"{url}/events"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "Til Jonas" not in response.text
        assert client.post_form(url, {"body": "Hej"}).status_code == 404, url
    assert _count(db) == before


def test_a_network_member_only_on_a_shared_card_that_names_them(
    client: Client, db: Session, cast: Cast
) -> None:
    url = _thread(cast.anna, cast.card)
    _as(client, cast.louise)
    # Not shared: nothing.
    assert client.get(url).status_code == 404
    assert client.post_form(url, {"body": "Hej"}).status_code == 404
    # Shared, but naming nobody (or someone else): nothing either.
    cast.card.shared = True
    db.add(cast.card)
    db.commit()
    assert client.get(url).status_code == 404
    # Shared and naming her: she takes part.
    _share_with(db, cast.card, cast.louise)
    assert client.get(url).status_code == 200
    assert client.post_form(url, {"body": "Jeg kører dig derhen"}).status_code == 303
    # Never the general thread.
    assert client.get(_thread(cast.anna)).status_code == 404
    assert client.post_form(_thread(cast.anna), {"body": "Hej"}).status_code == 404
    # Anna withdraws consent (b): the card's thread is closed to her at once.
    db.add(
        ConsentRecord(citizen_id=cast.anna.id or 0, scope=ConsentScope.network, given=False, text_version="t")
    )
    db.commit()
    for path in (url, f"{url}/events"):
        assert client.get(path).status_code == 404, path
    assert client.post_form(url, {"body": "Hallo?"}).status_code == 404
    assert _count(db) == 1


def test_the_member_is_told_and_the_citizens_general_thread_is_not_theirs(
    client: Client, db: Session, cast: Cast
) -> None:
    _share_with(db, cast.card, cast.louise)
    _as(client, cast.anna).post_form(_thread(cast.anna, cast.card), {"body": "Kan du køre mig?"})
    _as(client, cast.anna).post_form(_thread(cast.anna), {"body": "Kun til Mette"})
    told = {n.user_id for n in db.exec(select(Notice)).all()}
    assert told == {cast.mette.id, cast.louise.id}
    general = db.exec(select(Notice).where(Notice.thread == f"citizen:{cast.anna.id}")).all()
    assert [n.user_id for n in general] == [cast.mette.id]


def test_a_consultant_without_consent_a_or_a_deleted_card_has_no_thread(
    client: Client, db: Session, cast: Cast
) -> None:
    db.add(
        ConsentRecord(
            citizen_id=cast.anna.id or 0, scope=ConsentScope.consultant, given=False, text_version="t"
        )
    )
    db.commit()
    _as(client, cast.mette)
    for url in (_thread(cast.anna), _thread(cast.anna, cast.card)):
        assert client.get(url).status_code == 404
        assert client.post_form(url, {"body": "Hej"}).status_code == 404
    _as(client, cast.anna)
    url = _thread(cast.anna, cast.card)
    assert client.post_form(f"/citizens/{cast.anna.id}/agreements/{cast.card.id}/delete").status_code == 303
    assert client.get(url).status_code == 404
    assert client.post_form(url, {"body": "Hej"}).status_code == 404


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("   \n  ", "Write a message before you send it."),
        ("x" * (MESSAGE_MAX + 1), "Please write at most 2,000 characters. Now there are 2,001."),
        ("Ring til \u202elægen", "The text has characters we cannot save"),
    ],
    ids=["empty", "too long", "direction override"],
)
def test_bad_input_is_refused_clearly_and_keeps_what_was_typed(
    client: Client, db: Session, cast: Cast, typed: str, says: str
) -> None:
    url = _thread(cast.anna, cast.card)
    _as(client, cast.anna)
    response = client.post_form(url, {"body": typed, "waiting": "yes"})
    assert response.status_code == 400
    assert says in response.text and "Please check the form" in response.text
    if typed.strip():
        assert typed in response.text, "the form keeps what was typed"
    assert 'id="message-waiting" name="waiting" value="yes" checked' in response.text
    assert _count(db) == 0


def test_messages_are_in_the_citizens_export_and_read_aloud(client: Client, cast: Cast) -> None:
    _as(client, cast.mette).post_form(_thread(cast.anna, cast.card), {"body": "Husk kortet"})
    _as(client, cast.anna).post_form(_thread(cast.anna), {"body": "Tak for i dag"})
    page = client.get(_thread(cast.anna)).text
    assert 'data-read-aloud="Tak for i dag"' in page
    data = json.loads(client.get(f"/citizens/{cast.anna.id}/export.json").text)
    bodies = {row["body"] for row in data["tables"]["message"]}
    assert bodies == {"Husk kortet", "Tak for i dag"}
    assert {row["key"] for row in data["tables"]["thread"]} == {
        f"agreement:{cast.card.id}",
        f"citizen:{cast.anna.id}",
    }
    readable = client.get(f"/citizens/{cast.anna.id}/export").text
    assert "My messages" in readable and "Husk kortet" in readable and "Tak for i dag" in readable
    assert "About “Ringe til tandlægen”" in readable and "Mette Hansen" in readable
    # Jonas's export holds none of it.
    other = json.loads(_as(client, cast.other).get(f"/citizens/{cast.other.id}/export.json").text)
    assert "message" not in other["tables"]


def test_erasure_removes_every_message_and_read_mark(client: Client, db: Session, cast: Cast) -> None:
    _as(client, cast.anna).post_form(_thread(cast.anna, cast.card), {"body": "Hej", "waiting": "yes"})
    _as(client, cast.mette).get(_thread(cast.anna, cast.card))
    _as(client, cast.mette).post_form(_thread(cast.other), {"body": "Til Jonas"})
    anna = db.get(User, cast.anna.id)
    assert anna is not None
    erase_citizen(session=db, citizen=anna, by=None)
    db.expire_all()
    assert [m.body for m in db.exec(select(Message)).all()] == ["Til Jonas"]
    assert [t.citizen_id for t in db.exec(select(Thread)).all()] == [cast.other.id]
    left = db.exec(select(Thread)).one()
    assert {r.thread_id for r in db.exec(select(ThreadRead)).all()} == {left.id}


def test_the_board_card_and_the_caseload_say_it_waits_for_mette(client: Client, cast: Cast) -> None:
    url = _thread(cast.anna, cast.card)
    _as(client, cast.anna).post_form(url, {"body": "Kan vi flytte det?", "waiting": "yes"})
    board = client.get(f"/citizens/{cast.anna.id}/board").text
    assert f'id="thread-link-{cast.card.id}"' in board and "1 message" in board
    assert f'id="thread-waiting-{cast.card.id}"' not in board, "Anna waits; it is not hers to answer"
    _as(client, cast.mette)
    assert f'id="thread-waiting-{cast.card.id}"' in client.get(f"/citizens/{cast.anna.id}/board").text
    caseload = client.get("/caseload").text
    assert f'id="caseload-waiting-{cast.anna.id}"' in caseload
    assert f'id="caseload-waiting-{cast.other.id}"' not in caseload
    client.post_form(url, {"body": "Ja."})
    assert f'id="thread-waiting-{cast.card.id}"' not in client.get(f"/citizens/{cast.anna.id}/board").text
    assert f'id="caseload-waiting-{cast.anna.id}"' not in client.get("/caseload").text


def test_a_member_sees_the_thread_link_only_on_the_card_that_names_them(
    client: Client, db: Session, cast: Cast
) -> None:
    _share_with(db, cast.card, cast.louise)
    named_other = factories.agreement(db, cast.anna, what="Delt, men ikke med hende", shared=True)
    board = _as(client, cast.louise).get(f"/citizens/{cast.anna.id}/board").text
    assert f'id="thread-link-{cast.card.id}"' in board
    assert f'id="thread-link-{named_other.id}"' not in board
    assert 'id="general-thread-link"' not in board


def test_the_same_message_sent_twice_is_written_once(client: Client, db: Session, cast: Cast) -> None:
    url = _thread(cast.anna, cast.card)
    _as(client, cast.anna)
    form = {"body": "Dobbelt tryk", "idempotency_key": "double-tap-key-1"}
    first, again = client.post_form(url, form), client.post_form(url, form)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert _count(db) == 1


def test_the_board_says_when_the_general_thread_waits_for_mette(client: Client, cast: Cast) -> None:
    _as(client, cast.anna).post_form(_thread(cast.anna), {"body": "Et spørgsmål", "waiting": "yes"})
    mine = client.get(f"/citizens/{cast.anna.id}/board").text
    assert "Messages with your consultant (1)" in mine and 'id="general-thread-waiting"' not in mine
    board = _as(client, cast.mette).get(f"/citizens/{cast.anna.id}/board").text
    assert "Messages with Anna Jensen (1)" in board and 'id="general-thread-waiting"' in board
    assert f'id="caseload-waiting-{cast.anna.id}"' in client.get("/caseload").text


def test_the_demo_has_a_question_waiting_for_mette_and_louise_on_the_walk(
    engine: Engine, client: Client
) -> None:
    seed_demo(engine)
    client.headers["Accept-Language"] = "en"
    client.sign_in_staff(CONSULTANT_EMAIL, CONSULTANT_PASSWORD)
    anna = DEMO_CITIZENS[0]
    caseload = client.get("/caseload").text
    row = caseload[caseload.index(f">{anna.name}<") :]
    assert "Waiting for your answer" in row[: row.index("</li>")]
    client.cookies.clear()
    client.sign_in_citizen(NETWORK_CODE, CITIZEN_PIN)
    board = client.get("/network", follow_redirects=True).text
    walk = re.search(r'href="(/citizens/\d+/agreements/\d+/messages)"', client.get(_board_of(board)).text)
    assert walk is not None
    assert "Vi gik tur i søndags" in client.get(walk.group(1)).text


def _board_of(page: str) -> str:
    found = re.search(r'href="(/citizens/\d+/board)"', page)
    assert found is not None
    return found.group(1)


def test_anna_chooses_who_in_her_network_takes_part(client: Client, db: Session, cast: Cast) -> None:
    url = _thread(cast.anna, cast.card)
    stranger = factories.network_member(db, cast.other, name="Fremmed Person", code="STRANGER")
    _as(client, cast.anna)
    page = client.get(url).text
    assert 'id="thread-member-choice"' in page and "Louise Jensen" in page and "Fremmed Person" not in page
    # Only her own network's members, and only she chooses.
    assert client.post_form(f"{url}/member", {"member": str(stranger.id)}).status_code == 404
    assert client.post_form(f"{url}/member", {"member": "abc"}).status_code == 404
    assert (
        _as(client, cast.mette).post_form(f"{url}/member", {"member": str(cast.louise.id)}).status_code == 404
    )
    assert 'id="thread-member-choice"' not in client.get(url).text
    chosen = _as(client, cast.anna).post_form(f"{url}/member", {"member": str(cast.louise.id)})
    assert chosen.status_code == 303
    db.refresh(cast.card)
    assert cast.card.who_user_id == cast.louise.id
    # Named, but the card is not shared yet: not hers.
    assert _as(client, cast.louise).get(url).status_code == 404
    _share_with(db, cast.card, cast.louise)
    assert _as(client, cast.louise).get(url).status_code == 200
    # No one again: closed to her.
    assert _as(client, cast.anna).post_form(f"{url}/member", {"member": ""}).status_code == 303
    assert _as(client, cast.louise).get(url).status_code == 404

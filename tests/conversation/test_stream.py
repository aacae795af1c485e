"""A thread's open stream, on a live server (SQLite and PostgreSQL): messages arrive live, and
the stream asks again before every event whether its viewer still takes part. When the card is
no longer shared with the member it names, consent (b) is withdrawn, or the card is deleted, the
stream closes within a second and nothing written afterwards reaches it."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, select

from app.models import Message, Thread
from tests import factories
from tests.board.test_concurrent_changes import at_once
from tests.live import CLOSES_WITHIN, LiveServer, Stream, Visitor, closes_and_stays_silent


class Talk:
    def __init__(self, db: Session, server: LiveServer) -> None:
        mette = factories.consultant(db, email="mette@example.dk", name="Mette Hansen")
        self.anna_user = factories.citizen(db, mette, name="Anna Jensen", code="ANNA")
        louise = factories.network_member(db, self.anna_user, code="LOUISE", name="Louise Jensen")
        self.card = factories.agreement(db, self.anna_user, what="Køre til tandlægen")
        self.card.who_user_id = louise.id
        db.add(self.card)
        db.commit()
        self.anna, self.mette, self.louise = Visitor(server), Visitor(server), Visitor(server)
        self.anna.sign_in_citizen("ANNA")
        self.mette.sign_in_staff("mette@example.dk")
        self.louise.sign_in_citizen("LOUISE")
        # "tandlægen" is about health: Anna was asked first and said share.
        asked = {"shared": "yes", "asked_at": str(self.card.revision)}
        assert self.anna.post(self.url(f"/agreements/{self.card.id}/share"), asked).status_code == 303

    def url(self, tail: str = "") -> str:
        return f"/citizens/{self.anna_user.id}{tail}"

    @property
    def thread(self) -> str:
        return self.url(f"/agreements/{self.card.id}/messages")

    def stream(self, who: Visitor) -> Stream:
        stream = who.open_stream(f"{self.thread}/events")
        assert stream.status == 200
        stream.wait_for('id="thread-messages"')
        return stream

    def write(self, body: str) -> None:
        assert self.anna.post(self.thread, {"body": body}).status_code == 303


@pytest.fixture
def talk(db: Session, live_server: LiveServer) -> Iterator[Talk]:
    made = Talk(db, live_server)
    yield made
    for visitor in (made.anna, made.mette, made.louise):
        visitor.close()


def test_a_message_reaches_every_open_view_of_the_thread(talk: Talk) -> None:
    member, consultant = talk.stream(talk.louise), talk.stream(talk.mette)
    talk.write("Kan du køre mig torsdag?")
    member.wait_for("Kan du køre mig torsdag?")
    consultant.wait_for("Kan du køre mig torsdag?")
    # Read on their open views: Anna's own view is told who has seen it.
    mine = talk.stream(talk.anna)
    mine.wait_for("Louise Jensen")


def test_unsharing_the_card_closes_the_members_open_thread(talk: Talk) -> None:
    stream = talk.stream(talk.louise)
    other = talk.stream(talk.mette)
    assert talk.anna.post(talk.url(f"/agreements/{talk.card.id}/share"), {"shared": "no"}).status_code == 303
    closes_and_stays_silent(stream, talk.write)
    other.wait_for("Skrevet efter at adgangen sluttede")


def test_withdrawing_consent_b_closes_the_members_open_thread(talk: Talk) -> None:
    stream = talk.stream(talk.louise)
    assert talk.anna.post(talk.url("/consent/network"), {"given": "no"}).status_code == 303
    closes_and_stays_silent(stream, talk.write)


def test_deleting_the_card_closes_its_thread_for_everyone(talk: Talk) -> None:
    streams = [talk.stream(talk.louise), talk.stream(talk.mette)]
    assert talk.anna.post(talk.url(f"/agreements/{talk.card.id}/delete")).status_code == 303
    for stream in streams:
        took = stream.wait_until_ended(CLOSES_WITHIN + 1.0)
        assert took <= CLOSES_WITHIN, f"the stream stayed open {took:.2f} s"


def test_first_messages_written_at_the_same_moment_make_one_thread(db: Session, talk: Talk) -> None:
    """Anna and Mette both write a card's first message at once (two threads released by one
    barrier), round after round on new cards: each time one thread holding both messages, and
    the waiting flag of the one written last."""
    for round_ in range(10):
        card = factories.agreement(db, talk.anna_user, what=f"Runde {round_}")
        thread = talk.url(f"/agreements/{card.id}/messages")
        answers = at_once(
            (talk.anna, thread, {"body": f"Anna {round_}", "waiting": "yes"}),
            (talk.mette, thread, {"body": f"Mette {round_}", "waiting": "yes"}),
        )
        assert [a.status_code for a in answers] == [303, 303]
        db.expire_all()
        made = db.exec(select(Thread).where(Thread.agreement_id == card.id)).one()
        messages = db.exec(
            select(Message).where(Message.thread_id == made.id).order_by(col(Message.id))
        ).all()
        assert made.messages == len(messages) == 2
        last = messages[-1]
        assert made.waiting_for == ("citizen" if last.author_id != talk.anna_user.id else "consultant")

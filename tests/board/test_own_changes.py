"""A change is not sent back to the open page that made it (the page names itself on its stream
and on its requests, and has the change from its own answer); every other open view gets it."""

import time
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from app.models import User
from tests import factories
from tests.live import LiveServer, Stream, Visitor


@pytest.fixture
def anna(db: Session, live_server: LiveServer) -> Iterator[tuple[User, Visitor]]:
    mette = factories.consultant(db, email="mette@example.dk")
    citizen = factories.citizen(db, mette, name="Anna Jensen", code="ANNA")
    visitor = Visitor(live_server)
    visitor.sign_in_citizen("ANNA")
    yield citizen, visitor
    visitor.close()


def _stream(visitor: Visitor, citizen: User, view: str) -> Stream:
    stream = visitor.open_stream(f"/citizens/{citizen.id}/board/events?view={view}")
    assert stream.status == 200
    stream.wait_for('id="board-columns"')
    return stream


def _propose(visitor: Visitor, citizen: User, what: str, view: str) -> None:
    answer = visitor.post(
        f"/citizens/{citizen.id}/agreements", {"what": what, "who": "citizen"}, **{"X-Tavle-View": view}
    )
    assert answer.status_code == 303


def test_the_page_that_made_a_change_is_not_sent_it_again(anna: tuple[User, Visitor]) -> None:
    citizen, visitor = anna
    phone, laptop = _stream(visitor, citizen, "phone"), _stream(visitor, citizen, "laptop")
    before = len(phone.events)
    _propose(visitor, citizen, "Ringe til tandlægen", view="phone")
    laptop.wait_for("Ringe til tandlægen")
    time.sleep(0.5)
    assert all("Ringe til tandlægen" not in e.data for e in phone.events[before:])
    # A change from the laptop reaches the phone, with the phone's own change in it too.
    _propose(visitor, citizen, "Gå en tur", view="laptop")
    update = phone.wait_for("Gå en tur", after=before)
    assert "Ringe til tandlægen" in update.data


@pytest.mark.parametrize("name", ["", "../x", "a" * 65, "to words"])
def test_a_page_without_a_valid_name_gets_every_change(anna: tuple[User, Visitor], name: str) -> None:
    citizen, visitor = anna
    stream = visitor.open_stream(f"/citizens/{citizen.id}/board/events?view={name}")
    stream.wait_for('id="board-columns"')
    _propose(visitor, citizen, "Skrive til jobcentret", view=name)
    stream.wait_for("Skrive til jobcentret")

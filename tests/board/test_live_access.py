"""An open board stream never outlives its viewer's access. Each way access ends is tried
against a stream held open on a live server (SQLite and PostgreSQL): the stream closes within a
second, and nothing of the board reaches it afterwards, however much the board goes on changing."""

import time
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from app.models import Role
from tests import factories
from tests.live import CLOSES_WITHIN, LiveServer, Stream, Visitor, closes_and_stays_silent


class Board:
    """Anna's board with her consultant Mette and her sister Louise (a network member), each
    signed in on a browser of their own."""

    def __init__(self, db: Session, server: LiveServer) -> None:
        self.db = db
        self.mette_user = factories.consultant(db, email="mette@example.dk", name="Mette Hansen")
        self.anna_user = factories.citizen(db, self.mette_user, name="Anna Jensen", code="ANNA")
        self.louise_user = factories.network_member(db, self.anna_user, code="LOUISE", name="Louise Jensen")
        self.shared = factories.agreement(db, self.anna_user, what="Gå en tur med Louise")
        self.private = factories.agreement(db, self.anna_user, what="Tale med lægen om søvn")
        self.anna, self.mette, self.louise = Visitor(server), Visitor(server), Visitor(server)
        self.anna.sign_in_citizen("ANNA")
        self.mette.sign_in_staff("mette@example.dk")
        self.louise.sign_in_citizen("LOUISE")
        answer = self.anna.post(self.url(f"/agreements/{self.shared.id}/share"), {"shared": "yes"})
        assert answer.status_code == 303

    def url(self, tail: str = "") -> str:
        return f"/citizens/{self.anna_user.id}{tail}"

    def stream(self, who: Visitor) -> Stream:
        stream = who.open_stream(self.url("/board/events?since=0"))
        assert stream.status == 200
        stream.wait_for('id="board-columns"')
        return stream

    def new_card(self, what: str) -> None:
        answer = self.anna.post(self.url("/agreements"), {"what": what, "who": "citizen", "shared": "yes"})
        assert answer.status_code == 303


@pytest.fixture
def board(db: Session, live_server: LiveServer) -> Iterator[Board]:
    made = Board(db, live_server)
    yield made
    for visitor in (made.anna, made.mette, made.louise):
        visitor.close()


def test_signing_out_closes_the_open_board(board: Board) -> None:
    stream = board.stream(board.mette)
    other = board.stream(board.anna)
    assert board.mette.post("/logout").status_code == 303
    closes_and_stays_silent(stream, board.new_card)
    # Anna's own view goes on.
    board.new_card("Anna ser det stadig")
    other.wait_for("Anna ser det stadig")


def test_signing_out_everywhere_closes_every_open_view(board: Board, live_server: LiveServer) -> None:
    phone = board.stream(board.louise)
    second_browser = Visitor(live_server)
    second_browser.sign_in_citizen("LOUISE")
    laptop = board.stream(second_browser)
    assert board.louise.post("/sessions/end-all").status_code == 303
    for stream in (phone, laptop):
        closes_and_stays_silent(stream, board.new_card)
    second_browser.close()


def test_removal_from_the_network_closes_the_members_view(board: Board) -> None:
    stream = board.stream(board.louise)
    assert "Gå en tur med Louise" in stream.wait_for('id="board-columns"').data
    answer = board.anna.post(board.url(f"/network/{board.louise_user.id}/remove"))
    assert answer.status_code == 303
    closes_and_stays_silent(stream, board.new_card)
    # Reconnecting does not get back in.
    again = board.louise.open_stream(board.url("/board/events"))
    assert again.status in (303, 404)


def test_a_card_no_longer_shared_leaves_the_members_view_at_once(board: Board) -> None:
    stream = board.stream(board.louise)
    assert "Gå en tur med Louise" in stream.wait_for('id="board-columns"').data
    before = len(stream.events)
    started = time.monotonic()
    answer = board.anna.post(board.url(f"/agreements/{board.shared.id}/share"), {"shared": "no"})
    assert answer.status_code == 303
    update = stream.wait_for('id="board-columns"', seconds=CLOSES_WITHIN, after=before)
    assert update.at - started <= CLOSES_WITHIN
    assert "Gå en tur med Louise" not in update.data
    # Anna goes on changing the card: none of it reaches her sister.
    edit = board.anna.post(
        board.url(f"/agreements/{board.shared.id}"),
        {"what": "Gå en lang tur alene", "who": "citizen", "revision": "1"},
    )
    assert edit.status_code == 303
    time.sleep(0.3)
    assert all("alene" not in e.data for e in stream.events)
    assert all("Tale med lægen" not in e.data for e in stream.events)


def test_withdrawing_consent_a_closes_the_consultants_open_board(board: Board) -> None:
    """(a) "share my plan with my consultant": withdrawn with Mette's board open, her stream
    empties her screen and ends within a second, and a fresh look is refused."""
    stream = board.stream(board.mette)
    own = board.stream(board.anna)
    caseload = board.mette.open_stream("/caseload/events")
    assert caseload.status == 200
    answer = board.anna.post(board.url("/consent/consultant"), {"given": "no"})
    assert answer.status_code == 303
    closes_and_stays_silent(stream, board.new_card)
    assert 'id="board" class="board board-ended"' in stream.events[-1].data
    assert board.mette.get(board.url("/board")).status_code == 404
    # Her caseload row says so at once; Anna's own board goes on.
    row = caseload.wait_for("Har ikke delt sin plan.", seconds=CLOSES_WITHIN)
    assert "Skrevet efter" not in row.data and "Gå en tur med Louise" not in row.data
    board.new_card("Anna bruger Tavle selv")
    own.wait_for("Anna bruger Tavle selv")
    # Nothing was deleted: given again, the plan is there again.
    assert board.anna.post(board.url("/consent/consultant"), {"given": "yes"}).status_code == 303
    again = board.mette.get(board.url("/board"))
    assert again.status_code == 200 and "Tale med lægen om søvn" in again.text
    caseload.close()


def test_withdrawing_consent_b_closes_the_members_open_board(board: Board) -> None:
    """(b) "share the cards I choose with my network": withdrawn with Louise's board open."""
    stream = board.stream(board.louise)
    consultant = board.stream(board.mette)
    answer = board.anna.post(board.url("/consent/network"), {"given": "no"})
    assert answer.status_code == 303
    closes_and_stays_silent(stream, board.new_card)
    assert board.louise.get(board.url("/board")).status_code == 404
    # The consultant's view stays open and says the network sees nothing now.
    consultant.wait_for("Deler ikke noget med sit netværk.", seconds=CLOSES_WITHIN)
    assert consultant.ended_at is None
    assert board.anna.post(board.url("/consent/network"), {"given": "yes"}).status_code == 303
    assert "Gå en tur med Louise" in board.louise.get(board.url("/board")).text


def _admin(db: Session, server: LiveServer) -> Visitor:
    factories.staff(db, Role.admin, email="admin@example.dk", name="Adam Holm")
    admin = Visitor(server)
    admin.sign_in_staff("admin@example.dk")
    return admin


def test_closing_a_consultants_account_closes_their_open_views_and_refuses_sign_in(
    board: Board, db: Session, live_server: LiveServer
) -> None:
    admin = _admin(db, live_server)
    stream = board.stream(board.mette)
    caseload = board.mette.open_stream("/caseload/events")
    assert caseload.status == 200
    answer = admin.post(f"/admin/staff/{board.mette_user.id}/close")
    assert answer.status_code == 303, answer.text
    closes_and_stays_silent(stream, board.new_card)
    assert caseload.wait_until_ended(CLOSES_WITHIN + 1.0) <= CLOSES_WITHIN
    assert 'id="caseload-live" hx-swap-oob="outerHTML"' in caseload.events[-1].data
    again = Visitor(live_server)
    again.get("/login/staff")
    refused = again.post("/login/staff", {"email": "mette@example.dk", "password": factories.PASSWORD})
    assert refused.status_code == 403
    again.close()
    admin.close()


def test_removing_the_consultant_from_the_citizen_closes_their_open_board(
    board: Board, db: Session, live_server: LiveServer
) -> None:
    admin = _admin(db, live_server)
    stream = board.stream(board.mette)
    answer = admin.post(
        "/admin/caseload/remove",
        {"consultant_id": str(board.mette_user.id), "citizen_id": str(board.anna_user.id)},
    )
    assert answer.status_code == 303, answer.text
    closes_and_stays_silent(stream, board.new_card)
    assert board.mette.get(board.url("/board")).status_code == 404
    admin.close()


def test_erasure_closes_every_view_of_the_board(board: Board, db: Session, live_server: LiveServer) -> None:
    factories.staff(db, Role.admin, email="admin@example.dk")
    admin = Visitor(live_server)
    admin.sign_in_staff("admin@example.dk")
    streams = [board.stream(board.anna), board.stream(board.mette), board.stream(board.louise)]
    answer = admin.post(f"/admin/citizens/{board.anna_user.id}/erase", {"confirm_name": "Anna Jensen"})
    assert answer.status_code == 303, answer.text
    for stream in streams:
        took = stream.wait_until_ended(CLOSES_WITHIN + 1.0)
        assert took <= CLOSES_WITHIN
    admin.close()


def test_a_viewer_is_checked_before_every_event_not_only_when_the_stream_opens(
    board: Board, db: Session
) -> None:
    """Access that ends without anyone publishing it (here: the member's link deleted straight
    in the database, as a careless script might): the next change of the board is not sent."""
    from app.models import NetworkLink

    stream = board.stream(board.louise)
    link = db.get(NetworkLink, (board.anna_user.id, board.louise_user.id))
    assert link is not None
    db.delete(link)
    db.commit()
    board.new_card("Efter linket forsvandt")
    took = stream.wait_until_ended(CLOSES_WITHIN + 1.0)
    assert took <= CLOSES_WITHIN
    assert all("Efter linket forsvandt" not in e.data for e in stream.events)


@pytest.fixture
def second_server(database_url: str) -> Iterator[LiveServer]:
    server = LiveServer(database_url)
    yield server
    server.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_each_consent_and_a_closed_account_close_streams_held_by_the_other_process(
    board: Board, db: Session, second_server: LiveServer
) -> None:
    """Two processes on one PostgreSQL database: the streams are held by the first; consent (b)
    and (a) are withdrawn, and the consultant's account closed, through the second. Each stream
    ends within a second, and giving consent again lets the viewer back in."""
    member_stream = board.stream(board.louise)
    consultant_stream = board.stream(board.mette)
    caseload = board.mette.open_stream("/caseload/events")
    assert caseload.status == 200
    anna_elsewhere = Visitor(second_server)
    factories.staff(db, Role.admin, email="admin@example.dk", name="Adam Holm")
    admin_elsewhere = Visitor(second_server)
    try:
        anna_elsewhere.sign_in_citizen("ANNA")
        assert anna_elsewhere.post(board.url("/consent/network"), {"given": "no"}).status_code == 303
        closes_and_stays_silent(member_stream, board.new_card)
        # The consultant's view on the first process stays open and says so.
        consultant_stream.wait_for("Deler ikke noget med sit netværk.", seconds=CLOSES_WITHIN)
        assert consultant_stream.ended_at is None
        assert anna_elsewhere.post(board.url("/consent/network"), {"given": "yes"}).status_code == 303
        assert "Gå en tur med Louise" in board.louise.get(board.url("/board")).text

        assert anna_elsewhere.post(board.url("/consent/consultant"), {"given": "no"}).status_code == 303
        closes_and_stays_silent(consultant_stream, board.new_card)
        caseload.wait_for("Har ikke delt sin plan.", seconds=CLOSES_WITHIN)
        assert board.mette.get(board.url("/board")).status_code == 404
        assert anna_elsewhere.post(board.url("/consent/consultant"), {"given": "yes"}).status_code == 303

        consultant_stream = board.stream(board.mette)
        admin_elsewhere.sign_in_staff("admin@example.dk")
        closed = admin_elsewhere.post(f"/admin/staff/{board.mette_user.id}/close")
        assert closed.status_code == 303, closed.text
        closes_and_stays_silent(consultant_stream, board.new_card)
        assert caseload.wait_until_ended(CLOSES_WITHIN + 1.0) <= CLOSES_WITHIN
    finally:
        anna_elsewhere.close()
        admin_elsewhere.close()
        caseload.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_access_ended_through_one_process_closes_a_stream_held_by_the_other(
    board: Board, second_server: LiveServer
) -> None:
    """Two processes on one PostgreSQL database, as behind a load balancer: the streams are held
    by the first, the changes are made through the second."""
    member_stream = board.stream(board.louise)
    consultant_stream = board.stream(board.mette)
    anna_elsewhere = Visitor(second_server)
    mette_elsewhere = Visitor(second_server)
    mette_elsewhere.http.cookies.update(dict(board.mette.http.cookies.items()))
    try:
        anna_elsewhere.sign_in_citizen("ANNA")
        answer = anna_elsewhere.post(board.url(f"/network/{board.louise_user.id}/remove"))
        assert answer.status_code == 303
        closes_and_stays_silent(member_stream, board.new_card)
        # Consent (a) withdrawn through the second process: the first one's stream ends.
        answer = anna_elsewhere.post(board.url("/consent/consultant"), {"given": "no"})
        assert answer.status_code == 303
        closes_and_stays_silent(consultant_stream, board.new_card)
        assert anna_elsewhere.post(board.url("/consent/consultant"), {"given": "yes"}).status_code == 303
        consultant_stream = board.stream(board.mette)
        mette_elsewhere.get("/caseload")
        assert mette_elsewhere.post("/logout").status_code == 303
        closes_and_stays_silent(consultant_stream, board.new_card)
    finally:
        anna_elsewhere.close()
        mette_elsewhere.close()

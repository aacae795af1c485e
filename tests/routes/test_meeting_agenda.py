"""Issue 21, item 11: the agenda travels on the board's stream only to a meeting screen, and only
to those who may open one; its access is checked like every other part of the board."""

import asyncio

import pytest
from sqlmodel import Session

from app.models import AgendaTopic
from tests import factories
from tests.conftest import Client
from tests.live import LiveServer, Visitor
from tests.routes.test_events import OpenStream


def _with_topic(db: Session) -> tuple[int, int]:
    staff = factories.consultant(db, email="mette@example.dk")
    anna = factories.citizen(db, staff, name="Anna", code="ANNA-1")
    sister = factories.network_member(db, anna, name="Louise", code="NET-LOUISE")
    db.add(AgendaTopic(citizen_id=anna.id or 0, text="Min gæld, privat", created_by_id=anna.id))
    db.commit()
    factories.changed_board(db, anna)
    return anna.id or 0, sister.id or 0


def _full_board(client: Client, citizen_id: int) -> str:
    """A stream that asks for everything (Last-Event-ID 0) as a meeting screen."""

    async def scenario() -> str:
        path = f"/citizens/{citizen_id}/board/events?screen=meeting"
        stream = OpenStream(client, path, {"Last-Event-ID": "0"})
        stream.open()
        await stream.until(lambda: 'id="board-columns"' in stream.text or "board-ended" in stream.text)
        await asyncio.sleep(0.05)
        stream.leave()
        await stream.ended(2.0)
        return stream.text

    return client.run(scenario)


def test_the_meeting_screen_stream_carries_the_agenda(client: Client, db: Session) -> None:
    anna, _ = _with_topic(db)
    client.sign_in_staff("mette@example.dk")
    text = _full_board(client, anna)
    assert 'id="meeting-agenda"' in text and "Min gæld, privat" in text


def test_a_network_member_asking_for_the_meeting_screen_never_gets_the_agenda(
    client: Client, db: Session
) -> None:
    anna, _ = _with_topic(db)
    client.sign_in_citizen("NET-LOUISE")
    text = _full_board(client, anna)
    assert "meeting-agenda" not in text and "Min gæld" not in text


def test_the_caseload_card_says_an_agenda_exists(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    anna, _ = _with_topic(db)
    client.sign_in_staff("mette@example.dk")
    page = client.get("/caseload").text
    assert f'id="caseload-agenda-{anna}"' in page and "1 thing to talk about" in page


@pytest.mark.parametrize(
    ("language", "count"), [("en", "1 thing to talk about"), ("da", "1 ting at tale om")]
)
def test_a_goal_put_on_the_agenda_reaches_the_open_caseload_live(
    db: Session, live_server: LiveServer, language: str, count: str
) -> None:
    staff = factories.consultant(db, email="mette@example.dk")
    staff.locale = language  # the stream speaks the consultant's own language
    db.add(staff)
    db.commit()
    anna = factories.citizen(db, staff, name="Anna", code="ANNA-1")
    goal = factories.goal(db, anna, title="Arbejde 10 timer om ugen")
    mette, citizen = Visitor(live_server), Visitor(live_server)
    mette.sign_in_staff("mette@example.dk")
    citizen.sign_in_citizen("ANNA-1")
    stream = mette.open_stream("/caseload/events")
    try:
        citizen.get(f"/citizens/{anna.id}/agenda")
        answer = citizen.post(f"/citizens/{anna.id}/goals/{goal.id}/agenda")
        assert answer.status_code == 303
        stream.wait_for(count, seconds=10)
    finally:
        stream.close()
        mette.close()
        citizen.close()

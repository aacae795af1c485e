"""Issue 21, item 13: a live view that comes back after a gap (a phone in a pocket) marks what
changed while it was away as new; what it watched live stays unmarked."""

from sqlmodel import Session

from app.board.read import board_version
from app.board.view import watched_until
from tests import factories
from tests.conftest import Client
from tests.routes.test_events import OpenStream

MARKER = 'class="board-marker"'


def test_a_stream_back_after_a_gap_marks_what_changed_meanwhile(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="mette@example.dk", name="Mette Hansen")
    anna = factories.citizen(db, staff, name="Anna", code="ANNA-1")
    watched = factories.agreement(db, anna, what="Ringe til lægen")
    client.headers["Accept-Language"] = "en"
    client.sign_in_staff("mette@example.dk")
    assert MARKER not in client.get(f"/citizens/{anna.id}/board").text
    version = board_version(session=db, citizen_id=anna.id or 0)
    # Her live view closes (it records how long she watched); Anna adds a card meanwhile.
    watched_until(session=db, viewer_id=staff.id or 0, citizen_id=anna.id or 0)
    added = factories.agreement(db, anna, what="Købe buskort")

    async def scenario() -> str:
        path = f"/citizens/{anna.id}/board/events?since={version}"
        stream = OpenStream(client, path, {"Accept-Language": "en"})
        stream.open()
        await stream.until(lambda: "Købe buskort" in stream.text)
        stream.leave()
        await stream.ended(2.0)
        return stream.text

    text = client.run(scenario)
    assert MARKER in _card(text, added.id) and MARKER not in _card(text, watched.id)


def _card(html: str, card_id: int | None) -> str:
    """One card's markup, up to the next card."""
    start = html.index(f'<li id="agreement-{card_id}"')
    end = html.find('<li id="agreement-', start + 1)
    return html[start : end if end > 0 else len(html)]

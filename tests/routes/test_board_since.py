"""The board read by version, for a page whose live streams do not get through (it polls
`?since=<version>`): what changed after that version, as the stream would send it, through the
board's own route and its access rules."""

import time

from sqlmodel import Session

from app.board.read import board_version
from app.live.hub import Hub, board_channel
from tests import factories
from tests.conftest import Client

POLL = {"HX-Request": "true"}


def hub_heard(client: Client, *, channel: str, version: int) -> None:
    """Waits (bounded) until the hub remembers the change that made `version`."""
    hub: Hub = client.fastapi_app.state.hub
    deadline = time.monotonic() + 5
    while not (hub.history(channel, version - 1) or []):
        assert time.monotonic() < deadline, f"the hub never heard of version {version}"
        time.sleep(0.01)


def test_a_poll_gets_nothing_when_up_to_date_and_the_change_when_behind(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="LISE")
    card = factories.agreement(db, me, what="Ringe til lægen")
    factories.agreement(db, me, what="Købe buskort")
    client.sign_in_citizen("LISE")
    board = f"/citizens/{me.id}/board"
    seen = board_version(session=db, citizen_id=me.id or 0)

    quiet = client.get(f"{board}?since={seen}", headers=POLL)
    assert quiet.status_code == 204 and quiet.headers["X-Tavle-Version"] == str(seen)

    moved = client.post_form(f"/citizens/{me.id}/agreements/{card.id}/move", {"to": "doing"})
    assert moved.status_code == 303
    # The change reaches the hub after the commit (through NOTIFY on PostgreSQL); until then a
    # poll gets the whole board, which is right but not what this test is about.
    hub_heard(
        client, channel=board_channel(me.id or 0), version=board_version(session=db, citizen_id=me.id or 0)
    )
    answer = client.get(f"{board}?since={seen}", headers=POLL)
    assert answer.status_code == 200
    assert int(answer.headers["X-Tavle-Version"]) > seen
    html = answer.text
    # Only the columns, as out-of-band parts: the rest of the board did not change.
    assert 'id="board-columns"' in html and 'hx-swap-oob="true"' in html
    assert "board-goals" not in html and "<html" not in html
    doing = html.index('id="column-doing"')
    assert html.index("Ringe til lægen") > doing

    # A version the page cannot know (ahead of the board's): the whole board, not an error.
    whole = client.get(f"{board}?since=999999", headers=POLL)
    assert whole.status_code == 200 and "board-goals" in whole.text and "Købe buskort" in whole.text

    # Without htmx it is the ordinary page.
    page = client.get(f"{board}?since={seen}")
    assert page.status_code == 200 and "<html" in page.text


def test_a_poll_for_someone_elses_board_is_not_found(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="LISE")
    other = factories.citizen(db, code="ANNA")
    factories.agreement(db, other, what="Anna's hemmelighed")
    client.sign_in_citizen("LISE")
    answer = client.get(f"/citizens/{other.id}/board?since=0", headers=POLL)
    assert answer.status_code == 404 and "hemmelighed" not in answer.text
    assert client.get(f"/citizens/{me.id}/board?since=0", headers=POLL).status_code in (200, 204)


def test_a_poll_after_sign_out_gets_no_board(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="LISE")
    factories.agreement(db, me, what="Ringe til lægen")
    client.sign_in_citizen("LISE")
    client.post_form("/logout")
    answer = client.get(f"/citizens/{me.id}/board?since=0", headers=POLL)
    assert "Ringe til lægen" not in answer.text
    # htmx's way to say "sign in first": the polling page follows it.
    assert answer.status_code == 204 and answer.headers["HX-Redirect"].startswith("/login")

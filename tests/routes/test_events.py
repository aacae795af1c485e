"""What a live update carries: rendered for one viewer, in their language, with only what they
may see; and the stream that carries it, served by the app as a server would (an endless
response would hang the TestClient, so the app is called directly, on the TestClient's loop)."""

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest
from sqlmodel import Session
from starlette.types import Message

from app.access import audit
from app.board.read import board_version, load_board
from app.board.routes import announce, render_update
from app.board.view import BoardView, regions_for
from app.core.i18n import translator
from app.live import Event, Hub, board_channel
from app.live import sse as live_sse
from app.live.sse import frame
from app.models import Actor, User
from tests import factories
from tests.conftest import Client


def _view(db: Session, citizen: User, viewer: User) -> BoardView:
    return BoardView(data=load_board(session=db, citizen_id=citizen.id or 0), viewer=viewer, seen_at=None)


def _render(view: BoardView, locale: str, regions: set[str], events: list[Event] | None = None) -> str:
    t = translator(locale)
    return render_update(
        view=view,
        regions=regions,
        translator=t,
        context={"user": view.viewer, "csrf_token": "tok", "viewers": []},
        announcement=announce(view, events or [], t),
    )


def _moved(citizen: User, card_id: int | None, actor: User, version: int = 2) -> Event:
    return Event(
        channel=board_channel(citizen.id or 0),
        version=version,
        kind="agreement",
        action="moved",
        item_id=card_id,
        actor_id=actor.id,
    )


def test_each_viewer_gets_the_update_in_their_own_language(db: Session) -> None:
    staff = factories.consultant(db, name="Mette Hansen")
    me = factories.citizen(db, staff, name="Lise Lund")
    card = factories.agreement(db, me, what="Ringe til lægen")
    event = _moved(me, card.id, staff)
    danish = _render(_view(db, me, me), "da", {"columns"}, [event])
    english = _render(_view(db, me, staff), "en", {"columns"}, [event])
    assert "Skal gøres" in danish and "To do" not in danish
    assert "To do" in english and "Skal gøres" not in english
    assert "Mette Hansen har flyttet “Ringe til lægen” til Skal gøres." in danish
    assert "announce" not in english and 'id="board-live"' not in english, (
        "no announcement of one's own change"
    )
    assert "Ringe til lægen" in danish and "Ringe til lægen" in english


def test_an_update_holds_only_the_parts_that_changed_as_out_of_band_swaps(db: Session) -> None:
    me = factories.citizen(db)
    html = _render(_view(db, me, me), "da", set(regions_for(["strength"])))
    assert 'id="board-strengths"' in html and 'hx-swap-oob="true"' in html
    assert 'id="board-columns"' not in html and 'id="board-goals"' not in html
    every = _render(_view(db, me, me), "da", set(regions_for(["board"])))
    for region in ("board-challenges", "board-goals", "board-strengths", "board-columns"):
        assert f'id="{region}"' in every


def test_a_network_member_never_receives_a_card_that_is_not_shared(db: Session) -> None:
    me = factories.citizen(db, name="Lise Lund")
    factories.challenge(db, me, title="Privat udfordring")
    sister = factories.network_member(db, me, name="Louise")
    theirs = factories.agreement(db, me, what="Gå tur med Louise")
    theirs.shared = True
    db.add(theirs)
    db.commit()
    private = factories.agreement(db, me, what="Privat aftale om gæld")
    private.who, private.who_user_id = Actor.network, sister.id  # naming them is not sharing
    db.add(private)
    db.commit()
    factories.intervention(db, me)
    view = _view(db, me, sister)
    about_private = _render(view, "da", set(regions_for(["board"])), [_moved(me, private.id, me)])
    assert "Gå tur med Louise" in about_private
    assert "Privat" not in about_private, "neither the card, the challenge nor an announcement of it"
    for region in ("board-challenges", "board-goals", "board-strengths", "board-interventions"):
        assert region not in about_private
    deleted = Event(
        channel="board:1", version=3, kind="agreement", action="deleted", item_id=private.id, actor_id=me.id
    )
    assert announce(view, [deleted], translator("da")) == ""
    several = [
        _moved(me, private.id, me, 4),
        Event(channel="board:1", version=5, kind="goal", actor_id=me.id),
    ]
    assert announce(view, several, translator("da")) == "", "not even that something private changed"
    shared_moved = announce(view, [_moved(me, theirs.id, me, 6)], translator("da"))
    assert "Gå tur med Louise" in shared_moved


def test_several_changes_at_once_are_announced_once() -> None:
    class Viewer:
        id = 99

    class View:
        viewer = Viewer()
        shows_plan = True

    events = [Event(channel="board:1", version=v, kind="goal", actor_id=1) for v in (2, 3)]
    assert announce(View(), events, translator("en")) == "The board was updated."  # type: ignore[arg-type]


def test_server_sent_event_framing_carries_the_version_as_id() -> None:
    framed = frame("<p>a</p>\n<p>b</p>", event="board", version=12)
    assert framed == "event: board\nid: 12\ndata: <p>a</p>\ndata: <p>b</p>\n\n"
    assert frame("<p>x</p>", event="board") == "event: board\ndata: <p>x</p>\n\n"


def test_only_what_ends_a_line_in_an_event_stream_splits_the_data() -> None:
    # CR and CRLF end lines too; a line separator typed into a card is text, kept as it is.
    assert frame("a\r\nb\rc\u2028d", event="board") == "event: board\ndata: a\ndata: b\ndata: c\u2028d\n\n"


# -- the stream itself, served by the app as the server would, one ASGI call per stream ----------


class OpenStream:
    """One stream of the app's, its ASGI messages kept as they are sent; `leave()` is the
    client going away (the server then answers `receive()` with http.disconnect)."""

    def __init__(self, client: Client, path: str, headers: dict[str, str] | None = None) -> None:
        self.app = client.app
        path, _, query = path.partition("?")
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [
                (b"host", b"testserver"),
                (b"accept", b"text/event-stream"),
                (b"cookie", cookies.encode()),
                *((name.lower().encode(), value.encode()) for name, value in (headers or {}).items()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "state": {},
        }
        self.messages: list[Message] = []
        self.asked = False
        self.gone = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def open(self) -> None:
        self.task = asyncio.ensure_future(self.app(self.scope, self._receive, self._send))

    async def _receive(self) -> Message:
        if not self.asked:
            self.asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: Message) -> None:
        self.messages.append(message)

    def leave(self) -> None:
        self.gone.set()

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"]) if self.messages else 0

    @property
    def text(self) -> str:
        return b"".join(m.get("body", b"") for m in self.messages[1:]).decode()

    @property
    def finished(self) -> bool:
        """The response ended properly (its last body message says there is no more)."""
        return bool(self.messages) and self.messages[-1].get("more_body") is False

    async def until(self, done: Callable[[], bool], seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            assert self.task is not None
            if self.task.done():
                self.task.result()
                raise AssertionError(f"the stream ended first: {self.text!r}")
            assert time.monotonic() < deadline, f"still waiting; the stream so far: {self.text!r}"
            await asyncio.sleep(0.01)

    async def ended(self, seconds: float) -> None:
        assert self.task is not None
        await asyncio.wait_for(asyncio.shield(self.task), seconds)


def _channel(citizen: User) -> str:
    return board_channel(citizen.id or 0)


def _events_path(db: Session, citizen: User) -> str:
    version = board_version(session=db, citizen_id=citizen.id or 0)
    return f"/citizens/{citizen.id}/board/events?since={version}"


def _signed_in_citizen(client: Client, db: Session) -> User:
    """A citizen with a consultant, signed in on `client`."""
    me = factories.citizen(db, factories.consultant(db), code="MINE")
    client.sign_in_citizen("MINE")
    return me


def _hub(client: Client) -> Hub:
    hub: Hub = client.fastapi_app.state.hub
    return hub


def test_a_viewer_who_leaves_an_idle_stream_is_unsubscribed_at_once(client: Client, db: Session) -> None:
    me = _signed_in_citizen(client, db)
    hub = _hub(client)

    async def scenario() -> None:
        stream = OpenStream(client, _events_path(db, me))
        stream.open()
        await stream.until(lambda: "retry: 1000" in stream.text and hub.subscriber_count(_channel(me)) == 1)
        await stream.until(lambda: "event: board" in stream.text)  # presence: "also looking now"
        await asyncio.sleep(0.1)
        stream.leave()
        # Long before the first heartbeat (15 s) would have found out.
        await stream.ended(1.0)
        assert hub.subscriber_count(_channel(me)) == 0
        assert hub.viewers(_channel(me)) == []

    client.run(scenario)


def test_a_change_reaches_every_open_stream_with_the_board_version_as_id(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="mette@example.dk", name="Mette Hansen")
    me = factories.citizen(db, staff, code="MINE")
    card = factories.agreement(db, me, what="Ringe til lægen")
    client.sign_in_staff("mette@example.dk")
    version = board_version(session=db, citizen_id=me.id or 0)

    async def scenario() -> None:
        stream = OpenStream(client, _events_path(db, me))
        stream.open()
        await stream.until(lambda: "event: board" in stream.text)
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
            browser.cookies.update(dict(client.cookies.items()))
            moved = await browser.post(
                f"/citizens/{me.id}/agreements/{card.id}/move",
                data={"to": "doing"},
                headers={"X-CSRF-Token": client.csrf(), "HX-Request": "true"},
            )
            assert moved.status_code == 200
        await stream.until(lambda: f"id: {version + 1}" in stream.text)
        assert 'id="board-columns"' in stream.text and "Ringe til lægen" in stream.text
        assert stream.status == 200 and not stream.finished
        stream.leave()
        await stream.ended(1.0)

    client.run(scenario)


def test_a_reconnecting_view_gets_what_it_missed(client: Client, db: Session) -> None:
    me = factories.citizen(db, factories.consultant(db), code="MINE")
    factories.agreement(db, me, what="Ringe til lægen")
    client.sign_in_citizen("MINE")

    async def scenario() -> None:
        stream = OpenStream(client, f"/citizens/{me.id}/board/events", {"Last-Event-ID": "0"})
        stream.open()
        version = board_version(session=db, citizen_id=me.id or 0)
        await stream.until(lambda: f"id: {version}" in stream.text)
        assert "Ringe til lægen" in stream.text
        stream.leave()
        await stream.ended(1.0)

    client.run(scenario)


def test_an_idle_stream_sends_heartbeats_and_ends_with_the_sign_in(
    client: Client, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_sse, "HEARTBEAT_SECONDS", 0.05)
    me = _signed_in_citizen(client, db)
    hub = _hub(client)

    async def scenario() -> None:
        stream = OpenStream(client, _events_path(db, me))
        stream.open()
        await stream.until(lambda: stream.text.count(": still here\n\n") >= 2)
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
            browser.cookies.update(dict(client.cookies.items()))
            await browser.post("/logout", headers={"X-CSRF-Token": client.csrf()})
        await stream.ended(2.0)
        assert stream.finished, "the response ends properly, so the browser's next try meets the sign-in"
        assert hub.subscriber_count(_channel(me)) == 0

    client.run(scenario)


def test_shutting_down_ends_every_open_stream_at_once(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="mette@example.dk")
    me = factories.citizen(db, staff, code="MINE")
    client.sign_in_citizen("MINE")
    hub = _hub(client)

    async def scenario() -> None:
        streams = [OpenStream(client, _events_path(db, me)) for _ in range(3)]
        for stream in streams:
            stream.open()
        await streams[0].until(lambda: all("retry: 1000" in s.text for s in streams))
        await streams[0].until(lambda: hub.subscriber_count(_channel(me)) == 3)
        hub.close_streams()
        for stream in streams:
            await stream.ended(1.0)
            assert stream.finished
        assert hub.subscriber_count() == 0

    client.run(scenario)


def test_a_stream_of_a_board_one_may_not_see_is_not_found(client: Client, db: Session) -> None:
    mine = factories.citizen(db, factories.consultant(db), code="MINE")
    other = factories.citizen(db, factories.consultant(db, email="other@example.dk"), code="OTHER")
    client.sign_in_citizen("MINE")
    assert client.get(f"/citizens/{other.id}/board/events").status_code == 404
    assert client.get("/citizens/nobody/board/events").status_code == 404
    assert client.post(f"/citizens/{mine.id}/board/events", data={}).status_code == 405
    client.cookies.clear()
    signed_out = client.get(f"/citizens/{mine.id}/board/events", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/login")
    # Refusals carry what every answer carries.
    assert "frame-ancestors 'none'" in signed_out.headers["content-security-policy"]
    assert signed_out.headers["set-cookie"].startswith("tavle_csrf=")


def test_an_open_stream_carries_the_security_headers_and_is_in_the_audit_trail(
    client: Client, db: Session
) -> None:
    staff = factories.consultant(db, email="mette@example.dk")
    me = factories.citizen(db, staff, code="MINE")
    client.sign_in_staff("mette@example.dk")

    async def scenario() -> None:
        stream = OpenStream(client, _events_path(db, me))
        stream.open()
        await stream.until(lambda: "event: board" in stream.text)
        headers = dict(stream.messages[0]["headers"])
        assert headers[b"content-type"].startswith(b"text/event-stream")
        assert b"frame-ancestors 'none'" in headers[b"content-security-policy"]
        assert headers[b"x-content-type-options"] == b"nosniff"
        stream.leave()
        await stream.ended(1.0)

    client.run(scenario)
    assert me.id is not None
    # The stream is the same look as the board page it belongs to: named, and counted, as that.
    targets = [e.target for e in audit.entries_for(session=db, citizen_id=me.id)]
    assert targets == ["GET /citizens/{citizen_id}/board"]
    assert client.get(f"/citizens/{me.id}/board").status_code == 200
    assert [e.target for e in audit.entries_for(session=db, citizen_id=me.id)] == targets

"""What a live update carries: rendered for one viewer, in their language, with only what they
may see. (The stream itself is tested against a live server in tests/browser/test_live_stream.py:
an endless response would hang the TestClient.)"""

from sqlmodel import Session

from app.hub import Event, board_channel
from app.i18n import translator
from app.models import Actor, User
from app.routes.board import announce, render_update
from app.routes.events import sse
from app.services.board import BoardView, regions_for
from app.services.board_data import load_board
from tests import factories


def _view(db: Session, citizen: User, viewer: User) -> BoardView:
    return BoardView(data=load_board(session=db, citizen=citizen), viewer=viewer, seen_at=None)


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
    framed = sse("<p>a</p>\n<p>b</p>", version=12)
    assert framed == "event: board\nid: 12\ndata: <p>a</p>\ndata: <p>b</p>\n\n"
    assert sse("<p>x</p>") == "event: board\ndata: <p>x</p>\n\n"

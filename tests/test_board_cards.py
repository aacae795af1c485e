"""Cards drawn once and reused: never with another viewer's form token, and never as another
kind of viewer sees them."""

import re

from sqlmodel import Session

from app.core.config import Settings
from app.main import create_app
from app.models import User
from tests import factories
from tests.conftest import Client


def _card(html: str, card_id: int | None) -> str:
    start = html.index(f'id="agreement-{card_id}"')
    return html[start : html.index("</li>", start)]


def test_each_viewer_gets_the_card_with_their_own_token_and_their_own_buttons(
    client: Client, db: Session, settings: Settings
) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    citizen = factories.citizen(db, staff, code="LISE")
    card = factories.agreement(db, citizen, what="Ringe til lægen")  # accepted by nobody yet
    client.sign_in_citizen("LISE")
    with Client(create_app(settings), base_url="http://testserver") as other:
        other.sign_in_staff("k@example.dk")
        for _ in range(2):  # the second time from the shared copy
            mine = _card(client.get(f"/citizens/{citizen.id}/board").text, card.id)
            theirs = _card(other.get(f"/citizens/{citizen.id}/board").text, card.id)
            assert set(re.findall(r'name="csrf_token" value="([^"]+)"', mine)) == {client.csrf()}
            assert set(re.findall(r'name="csrf_token" value="([^"]+)"', theirs)) == {other.csrf()}
            # Both are asked to accept it; only the citizen may share it with the network.
            assert f'id="accept-{card.id}"' in mine and f'id="accept-{card.id}"' in theirs
            assert f'id="share-{card.id}"' in mine and f'id="share-{card.id}"' not in theirs


def test_a_card_drawn_again_after_it_changes(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, code="LISE")
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    client.sign_in_citizen("LISE")
    before = _card(client.get(f"/citizens/{citizen.id}/board").text, card.id)
    assert f'id="accept-{card.id}"' in before
    accepted = client.post_form(f"/citizens/{citizen.id}/agreements/{card.id}/accept")
    assert accepted.status_code == 303
    after = _card(client.get(f"/citizens/{citizen.id}/board").text, card.id)
    assert f'id="accept-{card.id}"' not in after


def test_a_card_in_english_is_never_served_in_danish(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, code="LISE")
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    client.sign_in_citizen("LISE")
    assert "Flyt eller ret" in _card(client.get(f"/citizens/{citizen.id}/board").text, card.id)
    client.post_form("/language", {"locale": "en", "next": "/"})
    assert "Move or change" in _card(client.get(f"/citizens/{citizen.id}/board").text, card.id)


def test_a_live_update_drawn_once_is_never_sent_to_another_viewer(db: Session) -> None:
    from app.board.cache import current_board
    from app.board.routes import render_update
    from app.board.view import BoardView
    from app.core.i18n import translator

    staff = factories.consultant(db, email="k@example.dk")
    citizen = factories.citizen(db, staff, code="LISE")
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    data = current_board(session=db, citizen=citizen)

    def update(viewer, token: str) -> str:  # type: ignore[no-untyped-def]
        view = BoardView(data=data, viewer=viewer, seen_at=None)
        context = {"user": viewer, "csrf_token": token}
        return render_update(view=view, regions={"columns"}, translator=translator("da"), context=context)

    for _ in range(2):
        mine, theirs = update(citizen, "a" * 43), update(staff, "b" * 43)
        assert "a" * 43 in mine and "b" * 43 not in mine
        assert "b" * 43 in theirs and "a" * 43 not in theirs
        assert f'id="share-{card.id}"' in mine and f'id="share-{card.id}"' not in theirs


def test_a_card_is_drawn_from_its_drawn_fields_only(db: Session) -> None:
    """The shared copy is found by the fields the drawing shows: a change to any other field must
    leave the drawing exactly as it was, or a card would be shown as it was before."""
    import dataclasses
    from datetime import timedelta

    from app.board.cache import current_board
    from app.board.cards import CARDS, DRAWN
    from app.board.read import Card
    from app.board.routes import BLOCKS, render_update
    from app.board.view import BoardView
    from app.core.i18n import translator

    staff = factories.consultant(db, email="k@example.dk")
    citizen = factories.citizen(db, staff, code="LISE")
    factories.agreement(db, citizen, what="Ringe til lægen")
    data = current_board(session=db, citizen=citizen)
    [card] = data.agreements
    # Changed values for every field the drawing does not show (its key leaves them out).
    others = {
        "position": card.position + 3,
        "who_user_id": (card.who_user_id or 0) + 1,
        "on_agenda": not card.on_agenda,
        "revision": card.revision + 1,
        "created_by_id": (card.created_by_id or 0) + 1,
        "updated_by_id": (card.updated_by_id or 0) + 1,
        "created_at": card.created_at - timedelta(days=2),
        "updated_at": card.updated_at - timedelta(days=1),
    }
    assert set(others) | set(DRAWN) == set(Card.__slots__), "a new Card field: drawn or not?"

    def drawn(changed: Card, viewer: User) -> str:
        CARDS.clear()  # drawn afresh, never a kept copy
        BLOCKS.clear()
        view = BoardView(data=dataclasses.replace(data, agreements=[changed]), viewer=viewer, seen_at=None)
        context = {"user": viewer, "csrf_token": "t" * 43}
        html = render_update(view=view, regions={"columns"}, translator=translator("da"), context=context)
        return _card(html, card.id)

    for viewer in (citizen, staff):
        as_it_is = drawn(card, viewer)
        assert drawn(dataclasses.replace(card, what="Ringe til tandlægen"), viewer) != as_it_is
        for name, value in others.items():
            assert drawn(dataclasses.replace(card, **{name: value}), viewer) == as_it_is, name


def _column(html: str, status: str) -> str:
    start = html.index(f'id="column-{status}"')
    return html[start : html.index("</ol>", start)]


def test_a_column_heading_counts_its_cards_and_says_when_it_is_empty(client: Client, db: Session) -> None:
    """A column's frame is drawn once per language and count and kept: it must still follow the
    cards, in the viewer's language, and put each viewer's own cards in the right column."""
    citizen = factories.citizen(db, code="LISE")
    first = factories.agreement(db, citizen, what="Ringe til lægen")
    factories.agreement(db, citizen, what="Gå en tur")
    client.sign_in_citizen("LISE")
    board = f"/citizens/{citizen.id}/board"
    for _ in range(2):  # the second time from the kept frames
        html = client.get(board).text
        assert 'Skal gøres <span class="board-count">(2)</span>' in html
        assert 'I gang <span class="board-count">(0)</span>' in html
        assert f'id="agreement-{first.id}"' in _column(html, "todo")
        assert html.count("Ingen aftaler her.") == 2  # "in progress" and "done"
    client.post_form(f"{board.removesuffix('/board')}/agreements/{first.id}/accept")
    moved = client.post_form(f"/citizens/{citizen.id}/agreements/{first.id}/move", {"to": "doing"})
    assert moved.status_code == 303
    html = client.get(board).text
    assert 'Skal gøres <span class="board-count">(1)</span>' in html
    assert 'I gang <span class="board-count">(1)</span>' in html
    assert f'id="agreement-{first.id}"' in _column(html, "doing")
    assert f'id="agreement-{first.id}"' not in _column(html, "todo")
    assert html.count("Ingen aftaler her.") == 1
    client.post_form("/language", {"locale": "en", "next": "/"})
    html = client.get(board).text
    assert 'In progress <span class="board-count">(1)</span>' in html
    assert "Skal gøres" not in html and "Ingen aftaler her." not in html
    assert html.count("No agreements here.") == 1


def test_the_columns_carry_the_boards_version_and_the_viewers_token_only(db: Session) -> None:
    from app.board.cache import current_board
    from app.board.routes import render_update
    from app.board.view import BoardView
    from app.core.i18n import translator

    citizen = factories.citizen(db, code="LISE")
    factories.agreement(db, citizen, what="Ringe til lægen")
    data = current_board(session=db, citizen=citizen)
    view = BoardView(data=data, viewer=citizen, seen_at=None)
    html = render_update(
        view=view, regions={"columns"}, translator=translator("en"), context={"csrf_token": "c" * 43}
    )
    assert f'data-version="{data.version}" hx-swap-oob="true"' in html
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
    assert tokens == {"c" * 43}
    from app.board.cards import CONTENT_SLOT, TOKEN_SLOT, VERSION_SLOT

    assert not any(slot in html for slot in (CONTENT_SLOT, TOKEN_SLOT, VERSION_SLOT))

"""A network member on the citizen's board: read-only, shared cards only, nothing of the plan;
the citizen alone decides which cards are shared."""

from sqlmodel import Session

from app.models import Agreement, User
from tests import factories
from tests.conftest import Client


def _setup(db: Session) -> tuple[User, User, Agreement, Agreement]:
    staff = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    me = factories.citizen(db, staff, name="Lise Lund", code="LISE")
    member = factories.network_member(db, me, name="Louise Søster", code="LOUISE")
    factories.challenge(db, me, title="Privat udfordring")
    factories.goal(db, me, title="Privat mål")
    shared = factories.agreement(db, me, what="Gå tur søndag")
    shared.shared = True
    db.add(shared)
    db.commit()
    private = factories.agreement(db, me, what="Privat aftale om gæld")
    return me, member, shared, private


def test_a_member_sees_the_shared_cards_read_only_and_nothing_else(client: Client, db: Session) -> None:
    me, _member, _shared, private = _setup(db)
    client.sign_in_citizen("LOUISE")
    page = client.get(f"/citizens/{me.id}/board")
    assert page.status_code == 200
    assert "Gå tur søndag" in page.text
    assert "Privat" not in page.text, "no private card, challenge or goal"
    assert "agreement-new" not in page.text and "/move" not in page.text, "read-only"
    assert f'href="/citizens/{me.id}"' not in page.text, "no link to the plan they cannot open"
    # Every other route of the citizen stays closed, and so does the private card.
    for path in ("", "/meeting", f"/agreements/{private.id}", "/network"):
        response = client.get(f"/citizens/{me.id}{path}")
        assert response.status_code == 404, path
        assert "Privat" not in response.text
    home = client.get("/network")
    assert f"/citizens/{me.id}/board" in home.text


def test_a_member_cannot_change_anything_on_the_board(client: Client, db: Session) -> None:
    me, _member, shared, _private = _setup(db)
    client.sign_in_citizen("LOUISE")
    base = f"/citizens/{me.id}/agreements"
    for url, data in (
        (base, {"what": "Ny aftale"}),
        (f"{base}/{shared.id}/share", {"shared": "no"}),
        (f"{base}/{shared.id}/move", {"to": "done"}),
        (f"{base}/{shared.id}/delete", {}),
        (f"{base}/{shared.id}/accept", {}),
    ):
        assert client.post_form(url, data).status_code == 404, url
    db.refresh(shared)
    assert shared.shared and shared.status == "todo" and shared.deleted_at is None


def test_only_the_citizen_shares_and_unshares_a_card(client: Client, db: Session) -> None:
    me, _member, shared, private = _setup(db)
    client.sign_in_staff("mette@example.dk")
    refused = client.post_form(f"/citizens/{me.id}/agreements/{private.id}/share", {"shared": "yes"})
    assert refused.status_code == 403
    assert "Kun borgeren bestemmer" in refused.text or "Only the citizen decides" in refused.text
    db.refresh(private)
    assert not private.shared
    client.post_form("/logout")
    client.sign_in_citizen("LISE")
    # The card mentions debt: she was asked first and said share (tests/routes/test_sensitive_guard.py).
    asked = {"shared": "yes", "asked_at": str(private.revision)}
    answer = client.post_form(f"/citizens/{me.id}/agreements/{private.id}/share", asked)
    assert answer.status_code == 303
    client.post_form(f"/citizens/{me.id}/agreements/{shared.id}/share", {"shared": "no"})
    db.refresh(private)
    db.refresh(shared)
    assert private.shared and not shared.shared
    board = client.get(f"/citizens/{me.id}/board").text
    card = board[board.index(f'id="agreement-{private.id}"') :]
    card = card[: card.index("</li>")]
    assert 'name="shared" value="no"' in card, "the menu now offers to stop sharing"
    assert "board-sharing" in card


def test_new_agreements_are_private_unless_the_citizen_shares_them(client: Client, db: Session) -> None:
    me, _member, _shared, _private = _setup(db)
    client.sign_in_staff("mette@example.dk")
    client.post_form(f"/citizens/{me.id}/agreements", {"what": "Fra konsulenten", "shared": "yes"})
    client.post_form("/logout")
    client.sign_in_citizen("LISE")
    assert 'name="shared"' in client.get(f"/citizens/{me.id}/board").text
    client.post_form(f"/citizens/{me.id}/agreements", {"what": "Delt af Lise", "shared": "yes"})
    client.post_form(f"/citizens/{me.id}/agreements", {"what": "Kun os to"})
    client.post_form("/logout")
    client.sign_in_citizen("LOUISE")
    page = client.get(f"/citizens/{me.id}/board").text
    assert "Delt af Lise" in page
    assert "Fra konsulenten" not in page, "the consultant cannot share for the citizen"
    assert "Kun os to" not in page


def test_a_member_of_someone_else_never_opens_this_board(client: Client, db: Session) -> None:
    me, _member, _shared, _private = _setup(db)
    other = factories.citizen(db, code="OTHER")
    factories.network_member(db, other, name="Anders Ven", code="ANDERS")
    client.sign_in_citizen("ANDERS")
    for path in ("board", "board/events", "meeting"):
        response = client.get(f"/citizens/{me.id}/{path}")
        assert response.status_code == 404, path
        assert "Gå tur" not in response.text

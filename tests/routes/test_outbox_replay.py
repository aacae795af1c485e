"""Changes replayed from the phone's outbox (issue 23, item 3): a change made offline onto a card
that changed meanwhile gets the same conflict page as online, with the person's own text and the
current card; it is kept under its key, so the phone can show it again (after a new sign-in too,
with a new form token) without the change being tried twice; and nothing is dropped silently."""

from sqlmodel import Session, col, func, select

from app.core.idempotency import new_key
from app.models import Agreement, User
from tests import factories
from tests.conftest import Client

OUTBOX = {"X-Tavle-Outbox": "1"}


def _anna(db: Session) -> User:
    staff = factories.consultant(db, name="Mette Hansen", email="mette-outbox@example.dk")
    return factories.citizen(db, staff, name="Anna Jensen", code="ANNA-OUT")


def _revisions(db: Session, card_id: int | None) -> int:
    db.expire_all()
    found = select(func.count()).select_from(Agreement).where(col(Agreement.id) == card_id)
    card = db.get(Agreement, card_id)
    assert db.exec(found).one() == 1 and card is not None
    return card.revision


def test_a_wording_replayed_onto_a_changed_card_is_the_conflict_with_her_text(
    client: Client, db: Session
) -> None:
    anna = _anna(db)
    card = factories.agreement(db, anna, what="Købe buskort")
    url = f"/citizens/{anna.id}/agreements/{card.id}"
    client.sign_in_staff("mette-outbox@example.dk")
    assert (
        client.post_form(url, {"what": "Købe månedskort", "who": "citizen", "revision": "1"}).status_code
        == 303
    )
    client.cookies.clear()

    # Anna wrote her wording offline, on revision 1; the phone sends it when back online.
    client.sign_in_citizen("ANNA-OUT")
    offline = {"what": "Købe klippekort", "who": "citizen", "revision": "1", "idempotency_key": new_key()}
    replayed = client.post_form(url, offline, headers=OUTBOX)
    assert replayed.status_code == 409
    assert "En anden har ændret aftalen, mens du skrev" in replayed.text
    assert ">Købe klippekort</textarea>" in replayed.text, "her text is kept"
    assert "Købe månedskort" in replayed.text, "the current card is shown"
    assert _revisions(db, card.id) == 2

    # She signs in anew (a new form token), then opens what happened from the outbox: the same
    # page, the first answer, and the change is not tried again.
    client.cookies.clear()
    client.sign_in_citizen("ANNA-OUT")
    shown = client.post_form(url, offline)
    assert shown.status_code == 409 and shown.headers.get("x-tavle-replay") == "1"
    assert shown.content == replayed.content
    assert _revisions(db, card.id) == 2


def test_a_replay_that_did_get_through_is_not_made_twice_and_says_where_it_led(
    client: Client, db: Session
) -> None:
    anna = _anna(db)
    card = factories.agreement(db, anna, what="Ringe til lægen")
    client.sign_in_citizen("ANNA-OUT")
    move = f"/citizens/{anna.id}/agreements/{card.id}/move"
    fields = {"to": "doing", "from_status": "todo", "from_position": "0", "idempotency_key": new_key()}
    # The page and the service worker both send it (Background Sync and "online" at once).
    first = client.post_form(move, fields, headers=OUTBOX)
    second = client.post_form(move, fields, headers=OUTBOX)
    assert first.status_code == second.status_code == 204
    assert first.headers["x-tavle-location"] == second.headers["x-tavle-location"]
    assert second.headers.get("x-tavle-replay") == "1"
    assert _revisions(db, card.id) == 1
    db.expire_all()
    moved = db.get(Agreement, card.id)
    assert moved is not None and moved.status == "doing" and moved.position == 0


def test_a_change_sent_by_someone_else_with_annas_key_is_their_own_change(
    client: Client, db: Session
) -> None:
    """The key counts with who sent it: another person's phone replaying the same key and fields
    is never answered with Anna's result (and is refused by the rules for that person)."""
    anna = _anna(db)
    other = factories.citizen(db, name="Bo Berg", code="BO-OUT")
    url = f"/citizens/{anna.id}/agreements"
    form = {"what": "Anna's egen aftale", "who": "citizen", "idempotency_key": new_key()}
    client.sign_in_citizen("ANNA-OUT")
    assert client.post_form(url, form, headers=OUTBOX).status_code == 204
    client.cookies.clear()
    client.sign_in_citizen("BO-OUT")
    answer = client.post_form(url, form, headers=OUTBOX)
    assert answer.status_code == 404 and "x-tavle-replay" not in answer.headers
    assert other.id != anna.id

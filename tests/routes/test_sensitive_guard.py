"""The guard on sensitive words: a card that mentions health, addiction, debt or a criminal
record is shared with the network only after the citizen was asked about these very words; it
works without JavaScript, and from the board's own requests. Such cards are private by default."""

from sqlmodel import Session, select

from app.board import agreements as service
from app.board.agreements import Wording
from app.models import Actor, Agreement, Message, User
from tests import factories
from tests.conftest import Client


def _citizen(db: Session) -> tuple[User, User]:
    staff = factories.consultant(db, email="k@example.dk")
    return staff, factories.citizen(db, staff, name="Lise Lund", code="LISE")


def _shared(db: Session, card_id: int | None) -> bool:
    db.expire_all()
    card = db.get(Agreement, card_id)
    assert card is not None
    return card.shared


def test_sharing_a_card_about_misbrug_asks_first(client: Client, db: Session) -> None:
    _staff, me = _citizen(db)
    card = factories.agreement(db, me, what="Tale om mit misbrug med Louise")
    client.sign_in_citizen("LISE")
    base = f"/citizens/{me.id}/agreements/{card.id}"
    answer = client.post_form(f"{base}/share", {"shared": "yes"})
    assert answer.status_code == 303 and answer.headers["location"] == f"{base}/share"
    assert not _shared(db, card.id)
    question = client.get(f"{base}/share")
    assert question.status_code == 200
    assert "Før du deler: Dit netværk kan læse denne aftale." in question.text
    assert "Den nævner misbrug („misbrug“)" in question.text
    assert f'name="asked_at" value="{card.revision}"' in question.text
    confirmed = client.post_form(f"{base}/share", {"shared": "yes", "asked_at": str(card.revision)})
    assert confirmed.status_code == 303 and confirmed.headers["location"].endswith(f"#agreement-{card.id}")
    assert _shared(db, card.id)


def test_from_the_board_htmx_is_sent_to_the_question(client: Client, db: Session) -> None:
    _staff, me = _citizen(db)
    card = factories.agreement(db, me, what="Ringe til gældsrådgivningen")
    client.sign_in_citizen("LISE")
    base = f"/citizens/{me.id}/agreements/{card.id}"
    answer = client.post_form(f"{base}/share", {"shared": "yes"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and answer.headers["HX-Redirect"] == f"{base}/share"
    assert not _shared(db, card.id)


def test_an_answer_about_older_words_is_asked_again(client: Client, db: Session) -> None:
    _staff, me = _citizen(db)
    card = factories.agreement(db, me, what="Tale om mit misbrug")
    client.sign_in_citizen("LISE")
    base = f"/citizens/{me.id}/agreements/{card.id}"
    answer = client.post_form(f"{base}/share", {"shared": "yes", "asked_at": str(card.revision - 1)})
    assert answer.headers["location"] == f"{base}/share" and not _shared(db, card.id)


def test_a_card_without_sensitive_words_is_shared_at_once(client: Client, db: Session) -> None:
    _staff, me = _citizen(db)
    card = factories.agreement(db, me, what="Gå tur med min søster")
    client.sign_in_citizen("LISE")
    answer = client.post_form(f"/citizens/{me.id}/agreements/{card.id}/share", {"shared": "yes"})
    assert answer.headers["location"].endswith(f"#agreement-{card.id}") and _shared(db, card.id)


def test_a_new_card_to_share_asks_first_and_keeps_what_was_typed(client: Client, db: Session) -> None:
    _staff, me = _citizen(db)
    client.sign_in_citizen("LISE")
    form = {"what": "Gå til psykolog hver uge", "who": "citizen", "shared": "yes"}
    asked = client.post_form(f"/citizens/{me.id}/agreements", form)
    assert asked.status_code == 200
    assert "Den nævner psykisk trivsel („psykolog“)" in asked.text
    assert ">Gå til psykolog hver uge</textarea>" in asked.text
    assert db.exec(select(Agreement)).first() is None
    kept = client.post_form(f"/citizens/{me.id}/agreements", {**form, "sensitive": "private"})
    assert kept.status_code == 303
    assert not db.exec(select(Agreement)).one().shared
    form["what"] = "Starte i misbrugsbehandling"
    client.post_form(f"/citizens/{me.id}/agreements", {**form, "sensitive": "share"})
    assert db.exec(select(Agreement).where(Agreement.what == form["what"])).one().shared


def test_only_the_citizen_is_asked(client: Client, db: Session) -> None:
    _staff, me = _citizen(db)
    card = factories.agreement(db, me, what="Tale om mit misbrug")
    factories.citizen(db, code="OTHER")
    url = f"/citizens/{me.id}/agreements/{card.id}/share"
    client.sign_in_staff("k@example.dk")
    assert client.get(url).status_code == 404
    client.cookies.clear()
    client.sign_in_citizen("OTHER")
    answer = client.get(url)
    assert answer.status_code == 404 and "misbrug" not in answer.text


def test_cards_about_the_psychologist_or_treatment_are_private_by_default(db: Session) -> None:
    _staff, me = _citizen(db)
    for what in ("Første tid hos psykologen", "Misbrugsbehandling på mandag", "Fysioterapi"):
        wording = Wording(what=what, who=Actor.citizen, who_name="", due_on=None, goal_id=None)
        card = service.propose(session=db, citizen=me, actor=me, wording=wording, shared=True)
        assert not card.shared, what


def test_a_message_on_a_shared_card_asks_before_the_network_reads_it(client: Client, db: Session) -> None:
    staff, me = _citizen(db)
    sister = factories.network_member(db, me, code="SISTER")
    card = factories.agreement(db, me, what="Gå tur med Louise", shared=True)
    card.who, card.who_user_id = Actor.network, sister.id
    db.add(card)
    db.commit()
    client.sign_in_citizen("LISE")
    thread = f"/citizens/{me.id}/agreements/{card.id}/messages"
    asked = client.post_form(thread, {"body": "Jeg har fået mere gæld"})
    assert asked.status_code == 200
    assert "Før du sender: Netværket kan læse beskederne om denne aftale." in asked.text
    assert ">Jeg har fået mere gæld</textarea>" in asked.text
    assert db.exec(select(Message)).first() is None
    sent = client.post_form(thread, {"body": "Jeg har fået mere gæld", "sensitive": "send"})
    assert sent.status_code == 303 and db.exec(select(Message)).one().body == "Jeg har fået mere gæld"
    # Between the citizen and the consultant only (the general thread): nothing to ask.
    general = client.post_form(f"/citizens/{me.id}/messages", {"body": "Min gæld er vokset"})
    assert general.status_code == 303
    # The consultant is asked too: the network reads what she writes on the card.
    client.cookies.clear()
    client.sign_in_staff(staff)
    asked = client.post_form(thread, {"body": "Har du talt med lægen?"})
    assert asked.status_code == 200 and "helbred („lægen“)" in asked.text


def test_the_consultants_message_has_the_meter_and_check_sends_nothing(client: Client, db: Session) -> None:
    staff, me = _citizen(db)
    client.sign_in_staff(staff)
    thread = f"/citizens/{me.id}/messages"
    page = client.get(thread).text
    assert (
        'id="message-body-readability"' in page
        and 'hx-post="/readability?field=body&amp;meter=message-body"' in page
    )
    checked = client.post_form(
        thread, {"body": "Konsulenten anbefaler arbejdsprøvning.", "check": "readability"}
    )
    assert checked.status_code == 200 and "LIX 103 – Svær" in checked.text
    assert db.exec(select(Message)).first() is None


def test_new_words_on_a_shared_card_are_asked_about_before_the_network_reads_them(
    client: Client, db: Session
) -> None:
    staff, me = _citizen(db)
    card = factories.agreement(db, me, what="Gå tur med Louise", shared=True)
    base = f"/citizens/{me.id}/agreements/{card.id}"
    form = {"what": "Gå tur med Louise og tale om min gæld", "who": "citizen", "revision": str(card.revision)}
    client.sign_in_staff(staff)
    asked = client.post_form(base, form)
    assert asked.status_code == 200
    assert "Før du gemmer: Borgerens netværk kan læse denne aftale." in asked.text
    db.expire_all()
    assert db.get(Agreement, card.id).what == "Gå tur med Louise"  # type: ignore[union-attr]
    # Only the citizen can keep it private; from the consultant "private" is no answer.
    assert client.post_form(base, {**form, "sensitive": "private"}).status_code == 200
    client.cookies.clear()
    client.sign_in_citizen("LISE")
    kept = client.post_form(base, {**form, "sensitive": "private"})
    assert kept.status_code == 303
    db.expire_all()
    saved = db.get(Agreement, card.id)
    assert saved is not None and saved.what == form["what"] and not saved.shared
    # Words already asked about are not asked again: a typo fixed on a shared card just saves.
    saved.shared = True
    db.add(saved)
    db.commit()
    again = {**form, "what": "Gå tur med Louise og tale om min gæld.", "revision": str(saved.revision)}
    assert client.post_form(base, again).status_code == 303

"""The citizen's two consents govern what anyone else sees: (a) the plan with the consultant,
(b) the chosen cards with the network. Asked at the first sign-in, changed on the privacy page,
every change in the citizen's own trail; withdrawing deletes nothing."""

from sqlmodel import Session, col, select

from app.models import AuditEntry, ConsentRecord, ConsentScope, User
from tests import factories
from tests.conftest import Client


def _plan(db: Session, citizen: User) -> None:
    factories.challenge(db, citizen, title="Sove bedre om natten")
    card = factories.agreement(db, citizen, what="Gå tur med Louise")
    card.shared = True
    db.add(card)
    db.commit()
    factories.changed_board(db, citizen)
    factories.intervention(db, citizen, kind="psychologist")


def _choose(client: Client, citizen: User, scope: str, given: str) -> None:
    answer = client.post_form(f"/citizens/{citizen.id}/consent/{scope}", {"given": given})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/citizens/{citizen.id}/privacy#consent-{scope}"


def test_a_citizen_is_asked_both_questions_at_the_first_sign_in(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="LISE", consent=False)
    signed_in = client.post_form("/login/citizen", {"code": "LISE", "pin": factories.PIN})
    assert signed_in.headers["location"] == f"/citizens/{me.id}/consent?next=/"
    page = client.get(signed_in.headers["location"]).text
    assert "Før du går i gang" in page
    assert "Må din konsulent se din plan i Tavle?" in page
    assert "Må dit netværk se de kort, du vælger at dele?" in page
    assert "Nej: Min konsulent ser kun mit navn. Jeg kan stadig bruge Tavle selv." in page
    assert "Jobnet (Min Plan)" in page
    # Every text can be read aloud.
    assert page.count('data-read-aloud="') >= 7
    # Nothing is shared before an answer; the start page asks again.
    assert (
        client.get("/", follow_redirects=False).headers["location"].startswith(f"/citizens/{me.id}/consent")
    )

    half = client.post_form(f"/citizens/{me.id}/consent", {"consultant": "yes", "next": "/"})
    assert half.status_code == 400
    assert "Vælg ja eller nej." in half.text
    # What was chosen stays chosen.
    assert 'id="consent-consultant-yes" name="consultant" value="yes" checked' in half.text
    assert db.exec(select(ConsentRecord)).all() == []

    done = client.post_form(f"/citizens/{me.id}/consent", {"consultant": "yes", "network": "no", "next": "/"})
    assert done.status_code == 303 and done.headers["location"] == "/"
    chosen = {(r.scope, r.given) for r in db.exec(select(ConsentRecord)).all()}
    assert chosen == {(ConsentScope.consultant, True), (ConsentScope.network, False)}
    assert client.get("/", follow_redirects=False).headers["location"] == f"/citizens/{me.id}"
    # Asked once: the next sign-in goes straight on.
    client.post_form("/logout")
    again = client.post_form("/login/citizen", {"code": "LISE", "pin": factories.PIN})
    assert again.headers["location"] == "/"


def test_the_questions_speak_english_to_an_english_citizen(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="SARA", locale="en", consent=False)
    client.sign_in_citizen("SARA")
    page = client.get(f"/citizens/{me.id}/consent").text
    assert "May your consultant see your plan in Tavle?" in page
    assert "No: my network sees nothing." in page


def test_without_consent_a_the_consultant_sees_the_name_and_nothing_else(client: Client, db: Session) -> None:
    mette = factories.consultant(db, email="mette@example.dk")
    anna = factories.citizen(db, mette, name="Anna Jensen", code="ANNA", consent=False)
    _plan(db, anna)
    client.sign_in_staff("mette@example.dk")
    for tail in ("", "/board", "/challenges", "/interventions", "/meeting", "/board/events"):
        assert client.get(f"/citizens/{anna.id}{tail}").status_code == 404, tail
    caseload = client.get("/caseload").text
    assert "Anna Jensen" in caseload and "Har ikke delt sin plan." in caseload
    for secret in ("Sove bedre", "Gå tur", f'href="/citizens/{anna.id}"', f"/citizens/{anna.id}/board"):
        assert secret not in caseload
    # Not even a look is recorded: nothing was seen.
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "read")).all() == []
    # The invitation is for the citizen in the caseload, consent or not; the citizen reads it
    # as a look at the invitation, not at the plan, and it leads back to the caseload.
    invitation = client.get(f"/citizens/{anna.id}/invitation").text
    assert "Anna Jensen" in invitation and 'href="/caseload">Tilbage til mine borgere' in invitation
    assert f'href="/citizens/{anna.id}"' not in invitation
    # The citizen uses Tavle on their own, and is told what the consultant sees.
    client.post_form("/logout")
    client.sign_in_citizen("ANNA")
    assert "Sove bedre om natten" in client.get(f"/citizens/{anna.id}").text
    board = client.get(f"/citizens/{anna.id}/board").text
    assert "Din konsulent ser kun dit navn: Du deler ikke din plan med konsulenten." in board
    privacy = client.get(f"/citizens/{anna.id}/privacy").text
    assert "så på din invitation til Tavle" in privacy and "så på din plan" not in privacy


def test_withdrawing_a_deletes_nothing_and_giving_it_again_restores_the_plan(
    client: Client, db: Session
) -> None:
    mette = factories.consultant(db, email="mette@example.dk")
    anna = factories.citizen(db, mette, name="Anna Jensen", code="ANNA")
    _plan(db, anna)
    from tests.conftest import Client as Browser

    with Browser(client.app, base_url="http://testserver") as consultant:
        consultant.sign_in_staff("mette@example.dk")
        assert "Sove bedre om natten" in consultant.get(f"/citizens/{anna.id}/board").text
        assert "Deler sin plan med dig." in consultant.get(f"/citizens/{anna.id}/board").text
        client.sign_in_citizen("ANNA")
        _choose(client, anna, "consultant", "no")
        assert consultant.get(f"/citizens/{anna.id}/board").status_code == 404
        assert "Har ikke delt sin plan." in consultant.get("/caseload").text
        _choose(client, anna, "consultant", "yes")
        board = consultant.get(f"/citizens/{anna.id}/board")
        assert board.status_code == 200 and "Sove bedre om natten" in board.text
        assert "Gå tur med Louise" in board.text


def test_without_consent_b_a_network_member_sees_nothing(client: Client, db: Session) -> None:
    anna = factories.citizen(db, name="Anna Jensen", code="ANNA")
    factories.network_member(db, anna, name="Louise Jensen", code="LOUISE")
    _plan(db, anna)
    from tests.conftest import Client as Browser

    with Browser(client.app, base_url="http://testserver") as louise:
        louise.sign_in_citizen("LOUISE")
        assert "Gå tur med Louise" in louise.get(f"/citizens/{anna.id}/board").text
        client.sign_in_citizen("ANNA")
        _choose(client, anna, "network", "no")
        assert louise.get(f"/citizens/{anna.id}/board").status_code == 404
        assert louise.get(f"/citizens/{anna.id}/board/events").status_code == 404
        home = louise.get("/network").text
        assert "Anna deler ikke noget med dig lige nu." in home
        assert f"/citizens/{anna.id}/board" not in home
        # The citizen is told on the network page and the board.
        assert "Dit netværk ser ingenting" in client.get(f"/citizens/{anna.id}/network").text
        assert "Dit netværk ser ingenting" in client.get(f"/citizens/{anna.id}/board").text
        _choose(client, anna, "network", "yes")
        assert "Gå tur med Louise" in louise.get(f"/citizens/{anna.id}/board").text


def test_every_consent_change_is_in_the_citizens_own_trail(client: Client, db: Session) -> None:
    mette = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    anna = factories.citizen(db, mette, name="Anna Jensen", code="ANNA")
    client.sign_in_citizen("ANNA")
    _choose(client, anna, "consultant", "no")
    _choose(client, anna, "network", "no")
    _choose(client, anna, "consultant", "yes")
    # The same answer again changes nothing, and is not written twice.
    _choose(client, anna, "consultant", "yes")
    trail = db.exec(
        select(AuditEntry).where(AuditEntry.citizen_id == anna.id).order_by(col(AuditEntry.id))
    ).all()
    assert [(e.action, e.target, e.actor_id) for e in trail] == [
        ("consent", "consent:consultant:no", anna.id),
        ("consent", "consent:network:no", anna.id),
        ("consent", "consent:consultant:yes", anna.id),
    ]
    page = client.get(f"/citizens/{anna.id}/privacy").text
    assert "Du sagde nej: Din konsulent må ikke se din plan." in page
    assert "Du sagde nej: Dit netværk må ikke se noget." in page
    assert "Du sagde ja: Din konsulent må se din plan." in page
    # Who has access now, in words.
    assert "Mette Hansen (konsulent)" in page and "Kan se din plan." in page
    assert "Stop med at dele min plan med min konsulent" in page
    assert "Del de kort, jeg vælger, med mit netværk" in page
    # No route or column name reaches the citizen.
    assert "consent:" not in page and "GET /" not in page


def test_a_bad_answer_changes_nothing_and_an_unknown_consent_is_not_found(
    client: Client, db: Session
) -> None:
    anna = factories.citizen(db, code="ANNA")
    client.sign_in_citizen("ANNA")
    before = len(db.exec(select(ConsentRecord)).all())
    assert (
        client.post_form(f"/citizens/{anna.id}/consent/consultant", {"given": "perhaps"}).status_code == 303
    )
    assert client.post_form(f"/citizens/{anna.id}/consent/everything", {"given": "no"}).status_code == 404
    assert len(db.exec(select(ConsentRecord)).all()) == before

"""The agenda: "I want to talk about this" on a challenge, goal or agreement, or a topic in the
citizen's words; the consultant's view of the citizen shows it first."""

from sqlmodel import Session, col, select

from app.models import AgendaTopic, User
from tests import factories
from tests.conftest import Client


def _pair(db: Session) -> tuple[User, User]:
    staff = factories.consultant(db, name="Mette Hansen", email="k@example.dk")
    return staff, factories.citizen(db, staff, name="Sara Ahmed", code="SARA", locale="en")


def test_marked_items_and_topics_show_first_in_the_consultants_view(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    challenge = factories.challenge(db, me, title="Getting up early")
    goal = factories.goal(db, me, title="A job with animals")
    card = factories.agreement(db, me, what="Call the dentist")
    client.sign_in_citizen("SARA")
    base = f"/citizens/{me.id}"
    assert client.post_form(f"{base}/challenges/{challenge.id}/agenda").status_code == 303
    assert client.post_form(f"{base}/goals/{goal.id}/agenda").status_code == 303
    assert client.post_form(f"{base}/agenda/agreements/{card.id}").status_code == 303
    assert client.post_form(f"{base}/agenda/topics", {"text": "My bike is broken"}).status_code == 303
    client.cookies.clear()
    client.sign_in_staff("k@example.dk")
    page = client.get(base).text
    agenda_at = page.index("My bike is broken")
    for words in ("Getting up early", "A job with animals", "Call the dentist"):
        assert words in page[agenda_at - 2000 : agenda_at + 3000]
    # The agenda comes before the rest of the plan.
    assert agenda_at < page.rindex("Getting up early")
    meeting = client.get(f"{base}/meeting").text
    assert 'id="meeting-agenda"' in meeting
    assert meeting.index("My bike is broken") < meeting.index('id="column-todo"')
    agenda = client.get(f"{base}/agenda").text
    assert all(w in agenda for w in ("My bike is broken", "Getting up early", "Call the dentist"))


def test_topic_limits_and_empty_input_keep_what_was_typed(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_citizen("SARA")
    url = f"/citizens/{me.id}/agenda/topics"
    empty = client.post_form(url, {"text": ""})
    assert empty.status_code == 400 and "Write what you want to talk about." in empty.text
    long = client.post_form(url, {"text": "w" * 301})
    assert long.status_code == 400 and "w" * 301 in long.text
    nul = client.post_form(url, {"text": "bad\x07bell"})
    assert nul.status_code == 400 and "characters we cannot save" in nul.text
    assert db.exec(select(AgendaTopic)).all() == []


def test_done_topics_are_kept_and_clearing_empties_the_agenda(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    staff, me = _pair(db)
    challenge = factories.challenge(db, me, title="Getting up early")
    client.sign_in_citizen("SARA")
    client.post_form(f"/citizens/{me.id}/agenda/topics", {"text": "Bike"})
    client.post_form(f"/citizens/{me.id}/challenges/{challenge.id}/agenda")
    client.cookies.clear()
    client.sign_in_staff("k@example.dk")
    # The consultant may add a topic too, shown as theirs.
    client.post_form(f"/citizens/{me.id}/agenda/topics", {"text": "Internship"})
    assert client.post_form(f"/citizens/{me.id}/challenges/{challenge.id}/agenda").status_code == 403
    assert client.post_form(f"/citizens/{me.id}/agenda/clear").status_code == 303
    db.expire_all()
    topics = db.exec(select(AgendaTopic).order_by(col(AgendaTopic.id))).all()
    assert [(t.text, t.done, t.created_by_id) for t in topics] == [
        ("Bike", True, me.id),
        ("Internship", True, staff.id),
    ]
    db.refresh(challenge)
    assert not challenge.on_agenda
    assert "Nothing on the agenda yet." in client.get(f"/citizens/{me.id}/agenda").text


def test_another_caseload_and_another_citizen_get_404(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    factories.consultant(db, email="other@example.dk")
    other = factories.citizen(db, None, code="OTHER")
    theirs = factories.agreement(db, other, what="Theirs")
    client.sign_in_staff("other@example.dk")
    assert client.get(f"/citizens/{me.id}/agenda").status_code == 404
    assert client.post_form(f"/citizens/{me.id}/agenda/topics", {"text": "x"}).status_code == 404
    client.cookies.clear()
    client.sign_in_citizen("SARA")
    assert client.post_form(f"/citizens/{me.id}/agenda/agreements/{theirs.id}").status_code == 404
    db.refresh(theirs)
    assert not theirs.on_agenda

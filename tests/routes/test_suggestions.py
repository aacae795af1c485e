"""The consultant never overwrites the citizen's words: they comment, or suggest new words that
replace the text only when the citizen accepts. Who wrote and who decided is kept."""

from sqlmodel import Session, col, select

from app.models import PlanSuggestion, User
from tests import factories
from tests.conftest import Client


def _pair(db: Session) -> tuple[User, User]:
    staff = factories.consultant(db, name="Mette Hansen", email="k@example.dk")
    return staff, factories.citizen(db, staff, name="Sara Ahmed", code="SARA", locale="en")


def _suggestions(db: Session) -> list[PlanSuggestion]:
    db.expire_all()
    return list(db.exec(select(PlanSuggestion).order_by(col(PlanSuggestion.id))).all())


def test_wording_suggestion_changes_the_words_only_when_the_citizen_accepts(
    client: Client, db: Session
) -> None:
    staff, me = _pair(db)
    challenge = factories.challenge(db, me, title="Sleeping")
    goal = factories.goal(db, me, title="Work a bit")
    client.sign_in_staff("k@example.dk")
    base = f"/citizens/{me.id}"
    for url, words in (
        (f"{base}/challenges/{challenge.id}", "Sleep at night"),
        (f"{base}/goals/{goal.id}", "Work 10 hours"),
    ):
        assert client.post_form(f"{url}/comments", {"kind": "wording", "text": words}).status_code == 303
    assert (
        client.post_form(
            f"{base}/goals/{goal.id}/comments", {"kind": "comment", "text": "Nice goal"}
        ).status_code
        == 303
    )
    on_challenge, on_goal, comment = _suggestions(db)
    assert (on_challenge.status, on_challenge.author_id, comment.status) == ("pending", staff.id, "open")
    db.refresh(challenge)
    assert challenge.title == "Sleeping"  # nothing changed yet
    # The consultant cannot decide for the citizen.
    assert client.post_form(f"{base}/suggestions/{on_challenge.id}/accept").status_code == 403
    client.cookies.clear()
    client.sign_in_citizen("SARA")
    page = client.get(f"{base}/challenges/{challenge.id}").text
    assert "Sleep at night" in page and "Mette Hansen" in page
    assert client.post_form(f"{base}/suggestions/{on_challenge.id}/accept").status_code == 303
    assert client.post_form(f"{base}/suggestions/{on_goal.id}/decline").status_code == 303
    db.refresh(challenge)
    db.refresh(goal)
    assert (challenge.title, challenge.updated_by_id) == ("Sleep at night", me.id)
    assert goal.title == "Work a bit"
    on_challenge, on_goal, _ = _suggestions(db)
    assert (on_challenge.status, on_challenge.decided_by_id, on_challenge.author_id) == (
        "accepted",
        me.id,
        staff.id,
    )
    assert on_challenge.decided_at is not None
    assert (on_goal.status, on_goal.decided_by_id) == ("declined", me.id)
    # Deciding again changes nothing.
    client.post_form(f"{base}/suggestions/{on_goal.id}/accept")
    db.refresh(goal)
    assert goal.title == "Work a bit"


def test_citizen_comments_but_does_not_suggest_wording_to_themself(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    challenge = factories.challenge(db, me)
    client.sign_in_citizen("SARA")
    url = f"/citizens/{me.id}/challenges/{challenge.id}/comments"
    assert client.post_form(url, {"kind": "comment", "text": "Thanks"}).status_code == 303
    assert client.post_form(url, {"kind": "wording", "text": "New"}).status_code == 403
    assert client.post_form(url, {"kind": "shout", "text": "New"}).status_code == 403
    assert [(s.kind, s.author_id) for s in _suggestions(db)] == [("comment", me.id)]


def test_limits_and_empty_input_keep_what_was_typed(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    _staff, me = _pair(db)
    challenge = factories.challenge(db, me)
    client.sign_in_staff("k@example.dk")
    url = f"/citizens/{me.id}/challenges/{challenge.id}/comments"
    empty = client.post_form(url, {"kind": "comment", "text": " "})
    assert empty.status_code == 400 and "Write your comment or suggestion." in empty.text
    long = client.post_form(url, {"kind": "wording", "text": "s" * 201})
    assert long.status_code == 400 and "s" * 201 in long.text and "at most 200" in long.text
    assert _suggestions(db) == []


def test_another_caseload_and_another_citizen_get_404(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    other_staff = factories.consultant(db, email="other@example.dk")
    other = factories.citizen(db, other_staff, code="OTHER")
    theirs = factories.challenge(db, other, title="Theirs")
    mine = factories.challenge(db, me, title="Mine")
    client.sign_in_staff("other@example.dk")
    assert (
        client.post_form(
            f"/citizens/{other.id}/challenges/{theirs.id}/comments", {"kind": "wording", "text": "Hi"}
        ).status_code
        == 303
    )
    [suggestion] = _suggestions(db)
    assert (
        client.post_form(
            f"/citizens/{me.id}/challenges/{mine.id}/comments", {"kind": "comment", "text": "Hi"}
        ).status_code
        == 404
    )
    client.cookies.clear()
    client.sign_in_citizen("SARA")
    # Someone else's suggestion, reached through my own plan's URL.
    assert client.post_form(f"/citizens/{me.id}/suggestions/{suggestion.id}/accept").status_code == 404
    assert (
        client.post_form(
            f"/citizens/{me.id}/challenges/{theirs.id}/comments", {"kind": "comment", "text": "x"}
        ).status_code
        == 404
    )
    db.refresh(theirs)
    assert theirs.title == "Theirs" and _suggestions(db)[0].status == "pending"

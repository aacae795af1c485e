"""Goals: the citizen's words linked to their challenges, the 0–10 scale kept as history, belief
from both sides, and "one step higher" turned into an agreement on the board with one tap."""

from datetime import timedelta

from sqlmodel import Session, col, select

from app.models import Agreement, Goal, GoalChallengeLink, ScaleReading, User
from tests import factories
from tests.conftest import Client


def _pair(db: Session) -> tuple[User, User]:
    staff = factories.consultant(db, name="Mette Hansen", email="k@example.dk")
    return staff, factories.citizen(db, staff, name="Sara Ahmed", code="SARA", locale="en")


def _new_goal(client: Client, db: Session, me: User, title: str = "Work 10 hours a week") -> Goal:
    challenge = factories.challenge(db, me, title="Getting up")
    response = client.post_form(
        f"/citizens/{me.id}/goals", {"title": title, "challenge_ids": str(challenge.id)}
    )
    assert response.status_code == 303, response.text
    db.expire_all()
    goal = db.exec(select(Goal).where(Goal.citizen_id == me.id, Goal.title == title)).one()
    links = db.exec(select(GoalChallengeLink).where(GoalChallengeLink.goal_id == goal.id)).all()
    assert [link.challenge_id for link in links] == [challenge.id]
    return goal


def test_goal_in_own_words_linked_to_challenges_with_clear_messages(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_citizen("SARA")
    goal = _new_goal(client, db, me)
    assert goal.created_by_id == me.id
    stranger = factories.citizen(db, None, code="STRANGER")
    theirs = factories.challenge(db, stranger)
    mine = factories.challenge(db, me, title="Mine")
    cases = [
        ({"title": "", "challenge_ids": str(mine.id)}, "Write your goal in your own words."),
        ({"title": "x" * 301, "challenge_ids": str(mine.id)}, "Please write at most 300 characters"),
        ({"title": "Keep me typed"}, "Choose at least one challenge the goal is about."),
        ({"title": "Keep me typed", "challenge_ids": str(theirs.id)}, "Choose among your own challenges."),
        ({"title": "Keep me typed", "challenge_ids": "abc"}, "Choose among your own challenges."),
    ]
    for data, message in cases:
        response = client.post_form(f"/citizens/{me.id}/goals", data)
        assert response.status_code == 400, data
        assert message in response.text, data
        if data["title"] == "Keep me typed":
            assert "Keep me typed" in response.text
    assert len(db.exec(select(Goal).where(Goal.citizen_id == me.id)).all()) == 1


def test_scale_is_kept_as_history_and_progress_is_said_in_words(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_citizen("SARA")
    goal = _new_goal(client, db, me)
    url = f"/citizens/{me.id}/goals/{goal.id}"
    assert "You have not answered yet" in client.get(url).text
    assert client.post_form(f"{url}/readings", {"kind": "today", "value": "3"}).status_code == 303
    # The first answer was some days ago.
    db.expire_all()
    first = db.exec(select(ScaleReading).where(ScaleReading.goal_id == goal.id)).one()
    first.recorded_at = first.recorded_at - timedelta(days=7)
    db.add(first)
    db.commit()
    assert client.post_form(f"{url}/readings", {"kind": "today", "value": "5"}).status_code == 303
    db.expire_all()
    readings = db.exec(
        select(ScaleReading).where(ScaleReading.goal_id == goal.id).order_by(col(ScaleReading.recorded_at))
    ).all()
    assert [r.value for r in readings] == [3, 5]
    assert all(r.recorded_by_id == me.id for r in readings)
    assert readings[0].recorded_at.date() != readings[1].recorded_at.date()
    page = client.get(url).text
    assert "You have gone from 3 to 5" in page
    assert "<svg" in page and 'role="img"' in page and "3 of 10" in page and "5 of 10" in page
    for bad in ("11", "-1", "seven", ""):
        response = client.post_form(f"{url}/readings", {"kind": "today", "value": bad})
        assert response.status_code == 400 and "Choose a number from 0 to 10." in response.text
    # A step back is never held against anyone.
    client.post_form(f"{url}/readings", {"kind": "today", "value": "2"})
    assert "quite normal" in client.get(url).text


def test_belief_from_each_side_is_shown_side_by_side(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    _staff, me = _pair(db)
    client.sign_in_citizen("SARA")
    goal = _new_goal(client, db, me)
    url = f"/citizens/{me.id}/goals/{goal.id}"
    assert client.post_form(f"{url}/readings", {"kind": "belief_citizen", "value": "7"}).status_code == 303
    assert client.post_form(f"{url}/readings", {"kind": "belief_consultant", "value": "9"}).status_code == 403
    client.cookies.clear()
    client.sign_in_staff("k@example.dk")
    assert client.post_form(f"{url}/readings", {"kind": "belief_consultant", "value": "6"}).status_code == 303
    # The consultant cannot answer for the citizen.
    assert client.post_form(f"{url}/readings", {"kind": "today", "value": "9"}).status_code == 403
    assert client.post_form(f"{url}/readings", {"kind": "belief_citizen", "value": "9"}).status_code == 403
    db.expire_all()
    kinds = {(r.kind, r.value) for r in db.exec(select(ScaleReading).where(ScaleReading.goal_id == goal.id))}
    assert kinds == {("belief_citizen", 7), ("belief_consultant", 6)}
    page = client.get(url).text
    assert "7 of 10" in page and "6 of 10" in page


def test_one_step_higher_becomes_an_agreement_on_the_board_with_one_tap(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_citizen("SARA")
    goal = _new_goal(client, db, me)
    url = f"/citizens/{me.id}/goals/{goal.id}"
    empty = client.post_form(f"{url}/step", {"text": "  ", "action": "agreement"})
    assert empty.status_code == 400 and "Write what one step higher would look like." in empty.text
    long = client.post_form(f"{url}/step", {"text": "z" * 301})
    assert long.status_code == 400 and "z" * 301 in long.text
    response = client.post_form(f"{url}/step", {"text": "Up at 8 three days a week", "action": "agreement"})
    assert response.status_code == 303
    # Tapping again gives the same card, not a second one.
    client.post_form(f"{url}/step/agreement")
    db.expire_all()
    [card] = db.exec(select(Agreement).where(Agreement.citizen_id == me.id)).all()
    assert (card.what, card.goal_id, card.who) == ("Up at 8 three days a week", goal.id, "citizen")
    assert card.accepted_by_citizen and card.created_by_id == me.id
    assert "Up at 8 three days a week" in client.get(f"/citizens/{me.id}/board").text


def test_consultant_comments_but_never_changes_the_goal(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    goal = factories.goal(db, me, title="My own words")
    challenge = factories.challenge(db, me)
    client.sign_in_staff("k@example.dk")
    url = f"/citizens/{me.id}/goals/{goal.id}"
    assert client.get(url).status_code == 200
    edit = client.post_form(url, {"title": "Consultant's words", "challenge_ids": str(challenge.id)})
    assert edit.status_code == 403
    assert client.post_form(f"{url}/step", {"text": "Something"}).status_code == 403
    assert client.post_form(f"{url}/agenda").status_code == 403
    assert (
        client.post_form(
            f"/citizens/{me.id}/goals", {"title": "x", "challenge_ids": str(challenge.id)}
        ).status_code
        == 403
    )
    db.refresh(goal)
    assert goal.title == "My own words" and goal.step_higher == "" and not goal.on_agenda


def test_another_caseload_and_another_citizen_get_404(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    factories.consultant(db, email="other@example.dk")
    other = factories.citizen(db, None, code="OTHER")
    mine, theirs = factories.goal(db, me), factories.goal(db, other)
    client.sign_in_staff("other@example.dk")
    assert client.get(f"/citizens/{me.id}/goals/{mine.id}").status_code == 404
    assert (
        client.post_form(
            f"/citizens/{me.id}/goals/{mine.id}/readings", {"kind": "belief_consultant", "value": "5"}
        ).status_code
        == 404
    )
    client.cookies.clear()
    client.sign_in_citizen("SARA")
    assert client.get(f"/citizens/{me.id}/goals/{theirs.id}").status_code == 404
    assert (
        client.post_form(
            f"/citizens/{me.id}/goals/{theirs.id}/readings", {"kind": "today", "value": "5"}
        ).status_code
        == 404
    )
    assert client.post_form(f"/citizens/{me.id}/goals/{theirs.id}/step", {"text": "x"}).status_code == 404
    assert db.exec(select(ScaleReading)).all() == []

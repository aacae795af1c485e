"""Strengths: the citizen's own, or the consultant's shown as the consultant's."""

from sqlmodel import Session, col, select

from app.models import Strength, User
from tests import factories
from tests.conftest import Client


def _pair(db: Session) -> tuple[User, User]:
    staff = factories.consultant(db, name="Mette Hansen", email="k@example.dk")
    return staff, factories.citizen(db, staff, name="Sara Ahmed", code="SARA", locale="en")


def _strengths(db: Session, me: User) -> list[Strength]:
    db.expire_all()
    return list(
        db.exec(select(Strength).where(Strength.citizen_id == me.id).order_by(col(Strength.id))).all()
    )


def test_both_sides_add_and_authorship_is_shown(client: Client, db: Session) -> None:
    staff, me = _pair(db)
    client.sign_in_citizen("SARA")
    assert (
        client.post_form(f"/citizens/{me.id}/strengths", {"text": "I am good with animals"}).status_code
        == 303
    )
    client.cookies.clear()
    client.sign_in_staff("k@example.dk")
    assert client.post_form(f"/citizens/{me.id}/strengths", {"text": "Always on time"}).status_code == 303
    mine, theirs = _strengths(db, me)
    assert (mine.created_by_id, theirs.created_by_id) == (me.id, staff.id)
    client.cookies.clear()
    client.sign_in_citizen("SARA")
    page = client.get(f"/citizens/{me.id}/strengths").text
    assert "I am good with animals" in page and "Always on time" in page
    assert "Mette Hansen" in page or "written by the consultant" in page
    # Shown beside the goals on the plan.
    assert "Always on time" in client.get(f"/citizens/{me.id}").text


def test_bad_input_gets_a_message_and_keeps_the_text(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_citizen("SARA")
    url = f"/citizens/{me.id}/strengths"
    empty = client.post_form(url, {"text": "   "})
    assert empty.status_code == 400 and "Write something you are good at." in empty.text
    long = client.post_form(url, {"text": "q" * 301})
    assert long.status_code == 400 and "q" * 301 in long.text and "at most 300" in long.text
    odd = client.post_form(url, {"text": "Good\u202eevil"})
    assert odd.status_code == 400 and "characters we cannot save" in odd.text
    emoji = client.post_form(url, {"text": "Jeg er god til æ, ø, å 🐶 <b>"})
    assert emoji.status_code == 303
    assert [s.text for s in _strengths(db, me)] == ["Jeg er god til æ, ø, å 🐶 <b>"]
    assert "&lt;b&gt;" in client.get(url).text


def test_the_consultant_removes_only_their_own_words(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_citizen("SARA")
    client.post_form(f"/citizens/{me.id}/strengths", {"text": "Mine"})
    client.cookies.clear()
    client.sign_in_staff("k@example.dk")
    client.post_form(f"/citizens/{me.id}/strengths", {"text": "Theirs"})
    mine, theirs = _strengths(db, me)
    assert client.post_form(f"/citizens/{me.id}/strengths/{mine.id}/delete").status_code == 403
    assert client.post_form(f"/citizens/{me.id}/strengths/{theirs.id}/delete").status_code == 303
    assert [s.text for s in _strengths(db, me)] == ["Mine"]


def test_another_caseload_and_another_citizen_get_404(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    factories.consultant(db, email="other@example.dk")
    other = factories.citizen(db, None, code="OTHER")
    assert other.id is not None
    db.add(Strength(citizen_id=other.id, text="Not yours", created_by_id=other.id))
    db.commit()
    [theirs] = _strengths(db, other)
    client.sign_in_staff("other@example.dk")
    assert client.get(f"/citizens/{me.id}/strengths").status_code == 404
    assert client.post_form(f"/citizens/{me.id}/strengths", {"text": "x"}).status_code == 404
    client.cookies.clear()
    client.sign_in_citizen("SARA")
    assert client.post_form(f"/citizens/{me.id}/strengths/{theirs.id}/delete").status_code == 404
    assert client.get(f"/citizens/{other.id}/strengths").status_code == 404
    assert [s.text for s in _strengths(db, other)] == ["Not yours"]

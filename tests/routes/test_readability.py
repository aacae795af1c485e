"""The readability meter where the consultant writes for the citizen: the same server code answers
the as-you-type request and renders the meter on a page after a plain submit ("check the
readability", which saves nothing). A hint that never blocks; the citizen's own forms have none."""

from sqlmodel import Session, select

from app.models import Agreement, Intervention, PlanSuggestion, User
from tests import factories
from tests.conftest import Client

HARD = "Konsulenten anbefaler arbejdsprøvning."
LONG = " ".join(["Ord"] + ["ord"] * 21) + "."


def _pair(db: Session, locale: str | None = None) -> tuple[User, User]:
    staff = factories.consultant(db, name="Mette Hansen", email="k@example.dk")
    if locale:
        staff.locale = locale
        db.add(staff)
        db.commit()
    return staff, factories.citizen(db, staff, name="Lise Lund", code="LISE")


def test_the_meter_answers_as_the_consultant_types_in_their_language(client: Client, db: Session) -> None:
    _pair(db)
    client.sign_in_staff("k@example.dk")
    answer = client.post_form("/readability?field=what&meter=new-what", {"what": HARD})
    assert answer.status_code == 200
    assert 'id="new-what-readability"' in answer.text
    assert "LIX 103 – Svær" in answer.text
    easy = client.post_form("/readability?field=what&meter=new-what", {"what": "Vi ses i morgen."})
    assert "LIX 4 – Let" in easy.text
    marked = client.post_form("/readability?field=text&meter=comment-text", {"text": f"Kort. {LONG}"})
    assert "1 sætning har 21 ord eller flere" in marked.text
    assert f"<mark>{LONG}</mark>" in marked.text


def test_in_english_the_words_are_english(client: Client, db: Session) -> None:
    _pair(db, locale="en")
    client.sign_in_staff("k@example.dk")
    answer = client.post_form("/readability?field=what&meter=new-what", {"what": HARD})
    assert "Readability: LIX 103 – Hard" in answer.text


def test_only_signed_in_people_and_only_our_own_field_names(client: Client, db: Session) -> None:
    _pair(db)
    anonymous = client.post_form("/readability?field=what&meter=new-what", {"what": HARD})
    assert anonymous.status_code in (303, 401)
    assert "LIX" not in anonymous.text
    client.sign_in_staff("k@example.dk")
    odd = client.post_form('/readability?field=what&meter="><script>', {"what": HARD})
    assert odd.status_code == 404


def test_the_consultants_board_has_the_meter_and_the_citizens_has_not(client: Client, db: Session) -> None:
    _staff, citizen = _pair(db)
    client.sign_in_staff("k@example.dk")
    board = client.get(f"/citizens/{citizen.id}/board").text
    assert 'id="new-what-readability"' in board
    assert 'hx-post="/readability?field=what&amp;meter=new-what"' in board
    client.cookies.clear()
    client.sign_in_citizen("LISE")
    assert "readability" not in client.get(f"/citizens/{citizen.id}/board").text


def test_without_javascript_check_shows_the_meter_and_saves_nothing(client: Client, db: Session) -> None:
    _staff, citizen = _pair(db)
    client.sign_in_staff("k@example.dk")
    page = client.post_form(
        f"/citizens/{citizen.id}/agreements", {"what": HARD, "who": "citizen", "check": "readability"}
    )
    assert page.status_code == 200
    assert "LIX 103 – Svær" in page.text
    assert f">{HARD}</textarea>" in page.text
    assert db.exec(select(Agreement)).first() is None
    # The hint never blocks: the same hard text is saved when the consultant sends it.
    saved = client.post_form(f"/citizens/{citizen.id}/agreements", {"what": HARD, "who": "citizen"})
    assert saved.status_code == 303
    assert db.exec(select(Agreement)).one().what == HARD


def test_a_new_wording_is_checked_before_it_is_saved(client: Client, db: Session) -> None:
    _staff, citizen = _pair(db)
    card = factories.agreement(db, citizen, what="Ringe til lægen")
    client.sign_in_staff("k@example.dk")
    page = client.get(f"/citizens/{citizen.id}/agreements/{card.id}")
    assert "LIX" in page.text and 'id="edit-what-readability"' in page.text
    checked = client.post_form(
        f"/citizens/{citizen.id}/agreements/{card.id}",
        {"what": HARD, "who": "citizen", "revision": str(card.revision), "check": "readability"},
    )
    assert checked.status_code == 200 and "LIX 103 – Svær" in checked.text
    db.expire_all()
    assert db.get(Agreement, card.id).what == "Ringe til lægen"  # type: ignore[union-attr]


def test_a_comment_is_checked_before_it_is_sent(client: Client, db: Session) -> None:
    _staff, citizen = _pair(db)
    goal = factories.goal(db, citizen, title="Kunne cykle til praktik")
    client.sign_in_staff("k@example.dk")
    page = client.post_form(
        f"/citizens/{citizen.id}/goals/{goal.id}/comments",
        {"kind": "comment", "text": HARD, "check": "readability"},
    )
    assert page.status_code == 200 and "LIX 103 – Svær" in page.text and f">{HARD}</textarea>" in page.text
    assert db.exec(select(PlanSuggestion)).first() is None
    challenge = factories.challenge(db, citizen, title="Sove bedre")
    page = client.post_form(
        f"/citizens/{citizen.id}/challenges/{challenge.id}/comments",
        {"kind": "comment", "text": HARD, "check": "readability"},
    )
    assert page.status_code == 200 and "LIX 103 – Svær" in page.text


def test_an_intervention_description_is_written_with_the_meter_and_read_aloud(
    client: Client, db: Session
) -> None:
    _staff, citizen = _pair(db)
    client.sign_in_staff("k@example.dk")
    url = f"/citizens/{citizen.id}/interventions"
    page = client.get(url).text
    assert 'hx-post="/readability?field=description&amp;meter=intervention-description"' in page
    form = {"kind": "mentor", "description": HARD}
    checked = client.post_form(url, {**form, "check": "readability"})
    assert checked.status_code == 200 and "LIX 103 – Svær" in checked.text
    assert db.exec(select(Intervention)).first() is None
    plain = "Du mødes med din mentor en gang om ugen. I taler om, hvad der går godt."
    added = client.post_form(url, {**form, "description": plain})
    assert added.status_code == 303
    item = db.exec(select(Intervention)).one()
    assert item.description == plain
    client.cookies.clear()
    client.sign_in_citizen("LISE")
    detail = client.get(f"{url}/{item.id}").text
    assert f'data-read-aloud="{plain}"' in detail and "Det her sker" in detail
    assert "readability" not in client.get(url).text

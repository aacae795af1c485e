"""The board page, the meeting screen and the "new since you last looked" markers, as a
citizen and a consultant see them (without JavaScript: plain pages and forms)."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from app import clock
from app.models import Actor, AgreementStatus, Role, ScaleKind, ScaleReading, Strength
from tests import factories
from tests.conftest import Client, FrozenClock


def test_citizen_board_shows_challenges_goal_reading_strengths_and_columns(
    client: Client, db: Session
) -> None:
    me = factories.citizen(db, name="Lise Lund", code="LISE")
    factories.challenge(db, me, title="Sove bedre om natten")
    goal = factories.goal(db, me, title="Kunne cykle til praktik")
    db.add(ScaleReading(goal_id=goal.id or 0, kind=ScaleKind.today, value=4))
    db.add(Strength(citizen_id=me.id or 0, text="God til dyr"))
    db.commit()
    factories.agreement(db, me, what="Ringe til lægen", status=AgreementStatus.todo)
    factories.agreement(db, me, what="Købe buskort", status=AgreementStatus.doing)
    factories.agreement(db, me, what="Rydde op i papirer", status=AgreementStatus.done)
    factories.agreement(db, me, what="Gammel idé", status=AgreementStatus.dropped)
    client.sign_in_citizen("LISE")
    page = client.get(f"/citizens/{me.id}/board")
    assert page.status_code == 200
    html = page.text
    assert "Min tavle" in html
    for text in ("Sove bedre om natten", "Kunne cykle til praktik", "I dag: 4 ud af 10", "God til dyr"):
        assert text in html, text
    todo, doing, done = (html.index(f'id="column-{s}"') for s in ("todo", "doing", "done"))
    assert todo < html.index("Ringe til lægen") < doing < html.index("Købe buskort") < done
    assert html.index("Rydde op i papirer") > done
    # Dropped cards are there, but folded away in a closed <details>.
    dropped = html.index('id="column-dropped-details"')
    assert "<details" in html[dropped - 20 : dropped] and "open" not in html[dropped : dropped + 80]
    assert html.index("Gammel idé") > dropped
    assert f'data-events="/citizens/{me.id}/board/events"' in html


def test_overdue_cards_stand_out_with_words_not_colour_only(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="LISE")
    factories.agreement(db, me, what="For sent", due_on=clock.today() - timedelta(days=2))
    factories.agreement(db, me, what="I god tid", due_on=clock.today() + timedelta(days=2))
    client.sign_in_citizen("LISE")
    html = client.get(f"/citizens/{me.id}/board").text
    late = html[html.index("For sent") : html.index("I god tid")]
    assert "Overskredet" in late
    assert "Overskredet" not in html[html.index("I god tid") :]


def test_a_card_due_on_new_years_eve_is_overdue_once_it_is_new_year_in_copenhagen(
    client: Client, db: Session, frozen_clock: FrozenClock
) -> None:
    # 23:30 UTC on 31 December is half past midnight on 1 January in Copenhagen.
    frozen_clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    me = factories.citizen(db, code="LISE")
    factories.agreement(db, me, what="Nytårsaften", due_on=date(2026, 12, 31))
    factories.agreement(db, me, what="Nytårsdag", due_on=date(2027, 1, 1))
    client.sign_in_citizen("LISE")
    html = client.get(f"/citizens/{me.id}/board").text
    assert "Overskredet" in html[html.index("Nytårsaften") : html.index("Nytårsdag")]
    assert "Overskredet" not in html[html.index("Nytårsdag") :]
    # The page's own time stamp (kept for offline reading) is Copenhagen's too.
    assert "sidst opdateret 01.01.2027 00.30" in html
    plan = client.get(f"/citizens/{me.id}").text
    eve, day = (
        plan[plan.index(what) : plan.index("</li>", plan.index(what))]
        for what in ("Nytårsaften", "Nytårsdag")
    )
    assert "Overskredet" in eve and "Overskredet" not in day


def test_cards_someone_else_changed_are_marked_new_until_looked_at(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    me = factories.citizen(db, staff, code="LISE")
    client.sign_in_citizen("LISE")
    assert "board-marker" not in client.get(f"/citizens/{me.id}/board").text
    card = factories.agreement(db, me, what="Ny fra konsulenten")
    card.created_by_id = card.updated_by_id = staff.id
    db.add(card)
    db.commit()
    mine = factories.agreement(db, me, what="Min egen")
    mine.updated_by_id = me.id
    db.add(mine)
    db.commit()
    html = client.get(f"/citizens/{me.id}/board").text
    marked = html[html.index("Ny fra konsulenten") : html.index("Min egen")]
    assert "Nyt siden du sidst kiggede" in marked
    assert "siden du sidst kiggede" not in html[html.index("Min egen") :]
    assert "board-marker" not in client.get(f"/citizens/{me.id}/board").text


def test_consultant_sees_a_proposal_waiting_for_them(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    me = factories.citizen(db, staff, name="Lise Lund", code="LISE")
    client.sign_in_citizen("LISE")
    client.post_form(f"/citizens/{me.id}/agreements", {"what": "Søge tre job", "who": "citizen"})
    client.cookies.clear()
    client.sign_in_staff("k@example.dk")
    html = client.get(f"/citizens/{me.id}/board").text
    assert "Tavle for Lise Lund" in html
    assert "Foreslået – venter på, at du accepterer" in html
    assert "Acceptér" in html


def test_meeting_screen_has_a_server_made_qr_code_for_the_board(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k@example.dk")
    me = factories.citizen(db, staff, code="LISE")
    factories.agreement(db, me, what="Ringe til lægen")
    client.sign_in_staff("k@example.dk")
    page = client.get(f"/citizens/{me.id}/meeting")
    assert page.status_code == 200
    assert "meeting-screen" in page.text
    assert '<svg class="segno"' in page.text or "<svg" in page.text
    assert f"/citizens/{me.id}/board</p>" in page.text
    assert "Ringe til lægen" in page.text
    assert "<script>" not in page.text and "style=" not in page.text


def test_a_network_member_never_sees_the_board_of_someone_else(client: Client, db: Session) -> None:
    other = factories.citizen(db, name="Hemmelig Hansen", code="OTHER")
    factories.agreement(db, other, what="Hemmelig aftale")
    factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    for path in ("board", "meeting", "board/events"):
        page = client.get(f"/citizens/{other.id}/{path}")
        assert page.status_code == 404, path
        assert "Hemmelig" not in page.text


def test_board_view_filters_cards_for_a_network_member(db: Session) -> None:
    from app.board.read import load_board
    from app.board.view import BoardView

    me = factories.citizen(db, code="LISE")
    sister = factories.staff(db, Role.network, "sister@example.dk", name="Louise")
    shared = factories.agreement(db, me, what="Gå tur med Louise")
    shared.shared = True
    db.add(shared)
    # Naming the member is not sharing: only the citizen's choice is.
    named = factories.agreement(db, me, what="Privat aftale")
    named.who, named.who_name, named.who_user_id = Actor.network, "Louise", sister.id
    db.add(named)
    db.commit()
    view = BoardView(data=load_board(session=db, citizen_id=me.id or 0), viewer=sister, seen_at=None)
    assert [a.what for a in view.agreements] == ["Gå tur med Louise"]
    assert not view.shows_plan and not view.can_change


def test_meeting_screen_shows_the_agenda_then_the_agreements_then_the_plan(
    client: Client, db: Session
) -> None:
    from app.models import AgendaTopic

    staff = factories.consultant(db, email="k@example.dk")
    me = factories.citizen(db, staff, code="LISE")
    factories.challenge(db, me, title="Komme op om morgenen")
    factories.agreement(db, me, what="Ringe til lægen")
    assert me.id is not None
    db.add(AgendaTopic(citizen_id=me.id, text="Min husleje", created_by_id=me.id))
    db.commit()
    client.sign_in_staff("k@example.dk")
    html = client.get(f"/citizens/{me.id}/meeting").text
    assert "Min husleje" in html
    assert html.index("Min husleje") < html.index("Ringe til lægen") < html.index("Komme op om morgenen")
    # The board page opens on the agreements too, the plan folded beneath (issue 21 item 4).
    board = client.get(f"/citizens/{me.id}/board").text
    assert board.index("Ringe til lægen") < board.index('id="board-plan-fold"') < board.index("Komme op")


def test_the_meeting_qr_link_opens_the_board_on_the_phone_after_sign_in(client: Client, db: Session) -> None:
    from urllib.parse import quote

    staff = factories.consultant(db, email="k@example.dk")
    me = factories.citizen(db, staff, code="LISE")
    factories.agreement(db, me, what="Ringe til lægen")
    board = f"/citizens/{me.id}/board"
    first = client.get(board, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/login?next=")
    assert quote(board, safe="/") in first.headers["location"] or board in first.headers["location"]
    signed_in = client.post_form("/login/citizen", {"code": "LISE", "pin": factories.PIN, "next": board})
    assert signed_in.status_code == 303 and signed_in.headers["location"] == board
    assert "Ringe til lægen" in client.get(board).text

"""Challenges: picked from the catalogue or in the citizen's own words, ordered, parked, solved and
brought back; the consultant only suggests, and another caseload's consultant sees nothing."""

from sqlmodel import Session, col, select

from app.catalogue.challenges import CHALLENGES, by_area
from app.catalogue.pictograms import pictogram
from app.core.i18n import translator
from app.models import Challenge, ChallengeStatus, LifeArea, User
from tests import factories
from tests.conftest import Client


def _pair(db: Session) -> tuple[User, User]:
    staff = factories.consultant(db, name="Mette Hansen", email="k@example.dk")
    return staff, factories.citizen(db, staff, name="Lise Lund", code="LISE", locale="da")


def _challenges(db: Session, citizen: User) -> list[Challenge]:
    db.expire_all()
    return list(
        db.exec(
            select(Challenge).where(Challenge.citizen_id == citizen.id).order_by(col(Challenge.position))
        ).all()
    )


def test_catalogue_has_eleven_life_areas_with_about_five_challenges_and_a_pictogram_each() -> None:
    grouped = by_area()
    assert len(grouped) == 11
    assert all(4 <= len(items) <= 6 for items in grouped.values())
    assert len({c.key for c in CHALLENGES}) == len(CHALLENGES)
    shapes = {str(pictogram(area)) for area in LifeArea}
    assert len(shapes) == 11 and all("<path" in s or "<circle" in s or "<rect" in s for s in shapes)


def test_catalogue_page_is_in_danish_and_picking_copies_the_danish_words(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_citizen("LISE")
    page = client.get(f"/citizens/{me.id}/challenges/new")
    assert page.status_code == 200
    assert "Psykisk trivsel" in page.text and "<svg" in page.text
    response = client.post_form(f"/citizens/{me.id}/challenges/pick", {"key": "everyday_life.morning"})
    assert response.status_code == 303
    [mine] = _challenges(db, me)
    assert mine.status == ChallengeStatus.active and mine.created_by_id == me.id
    # Copied in the citizen's language, from then on theirs to reword.
    assert mine.title == translator("da").gettext("I find it hard to get up in the morning")
    # Picking the same again gives the same one back, not a copy.
    client.post_form(f"/citizens/{me.id}/challenges/pick", {"key": "everyday_life.morning"})
    assert len(_challenges(db, me)) == 1
    # Parked, then picked again from the catalogue: it comes back.
    client.post_form(f"/citizens/{me.id}/challenges/{mine.id}/status", {"status": "parked"})
    client.post_form(f"/citizens/{me.id}/challenges/pick", {"key": "everyday_life.morning"})
    assert [c.status for c in _challenges(db, me)] == ["active"]
    bad = client.post_form(f"/citizens/{me.id}/challenges/pick", {"key": "nope"})
    assert bad.status_code == 400


def test_own_words_with_why_and_bad_input_keeps_what_was_typed(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_citizen("LISE")
    url = f"/citizens/{me.id}/challenges"
    ok = client.post_form(url, {"life_area": "housing", "title": "Min lejlighed", "why": "Jeg vil have ro"})
    assert ok.status_code == 303
    [mine] = _challenges(db, me)
    assert (mine.title, mine.why, mine.life_area) == ("Min lejlighed", "Jeg vil have ro", "housing")
    cases = [
        {"life_area": "housing", "title": "   "},
        {"life_area": "housing", "title": "x" * 201, "why": "behold mig"},
        {"life_area": "housing", "title": "Skjult\x00tegn", "why": "behold mig"},
        {"life_area": "moon", "title": "Rumrejse"},
        {"life_area": "housing", "title": "Fint", "why": "y" * 1001},
    ]
    for data in cases:
        response = client.post_form(url, data)
        assert response.status_code == 400, data
        assert 'class="error' in response.text or 'role="alert"' in response.text, data
        if data.get("why"):
            assert data["why"][:50] in response.text, data
    assert len(_challenges(db, me)) == 1
    page = client.post_form(url, {"life_area": "housing", "title": "x" * 201})
    assert "201" in page.text and "200" in page.text


def test_order_top_three_park_solve_and_bring_back(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_citizen("LISE")
    for n in range(4):
        client.post_form(f"/citizens/{me.id}/challenges", {"life_area": "work", "title": f"Udfordring {n}"})
    first, second, _third, fourth = _challenges(db, me)
    assert (
        client.post_form(f"/citizens/{me.id}/challenges/{fourth.id}/move", {"direction": "up"}).status_code
        == 303
    )
    assert [c.title for c in _challenges(db, me) if c.status == "active"] == [
        "Udfordring 0",
        "Udfordring 1",
        "Udfordring 3",
        "Udfordring 2",
    ]
    page = client.get(f"/citizens/{me.id}/challenges").text
    assert page.count('class="card card-top"') == 3
    assert page.index("Udfordring 3") < page.index("Udfordring 2")
    client.post_form(f"/citizens/{me.id}/challenges/{first.id}/status", {"status": "parked"})
    client.post_form(f"/citizens/{me.id}/challenges/{second.id}/status", {"status": "solved"})
    by_id = {c.id: c for c in _challenges(db, me)}
    assert by_id[first.id].status == "parked" and by_id[second.id].status == "solved"
    client.post_form(f"/citizens/{me.id}/challenges/{first.id}/status", {"status": "active"})
    active = [c for c in _challenges(db, me) if c.status == "active"]
    assert active[-1].id == first.id  # back, at the end
    assert (
        client.post_form(f"/citizens/{me.id}/challenges/{first.id}/status", {"status": "deleted"}).status_code
        == 403
    )


def test_consultant_suggests_and_it_joins_only_when_the_citizen_accepts(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    client.sign_in_staff("k@example.dk")
    response = client.post_form(f"/citizens/{me.id}/challenges/pick", {"key": "money.debt"})
    assert response.status_code == 303
    client.post_form(f"/citizens/{me.id}/challenges", {"life_area": "transport", "title": "Buskort"})
    suggested = _challenges(db, me)
    assert [c.status for c in suggested] == ["suggested", "suggested"]
    staff_id = suggested[0].created_by_id
    # The consultant cannot accept on the citizen's behalf.
    assert client.post_form(f"/citizens/{me.id}/challenges/{suggested[0].id}/accept").status_code == 403
    client.cookies.clear()
    client.sign_in_citizen("LISE")
    assert "Buskort" in client.get(f"/citizens/{me.id}/challenges").text
    client.post_form(f"/citizens/{me.id}/challenges/{suggested[0].id}/accept")
    client.post_form(f"/citizens/{me.id}/challenges/{suggested[1].id}/decline")
    by_id = {c.id: c for c in _challenges(db, me)}
    assert by_id[suggested[0].id].status == "active"
    assert by_id[suggested[0].id].created_by_id == staff_id  # who wrote it stays recorded
    assert by_id[suggested[0].id].updated_by_id == me.id
    assert by_id[suggested[1].id].status == "declined"


def test_consultant_cannot_change_the_citizens_words(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    mine = factories.challenge(db, me, title="Mine egne ord")
    client.sign_in_staff("k@example.dk")
    response = client.post_form(
        f"/citizens/{me.id}/challenges/{mine.id}", {"life_area": "work", "title": "Konsulentens ord"}
    )
    assert response.status_code == 403
    for action, data in (("move", {"direction": "up"}), ("status", {"status": "parked"}), ("agenda", {})):
        assert client.post_form(f"/citizens/{me.id}/challenges/{mine.id}/{action}", data).status_code == 403
    db.refresh(mine)
    assert mine.title == "Mine egne ord" and mine.status == "active" and not mine.on_agenda


def test_another_caseload_and_another_citizen_get_404(client: Client, db: Session) -> None:
    _staff, me = _pair(db)
    factories.consultant(db, email="other@example.dk")
    other = factories.citizen(db, None, code="OTHER")
    theirs = factories.challenge(db, other, title="Ikke din")
    mine = factories.challenge(db, me)
    client.sign_in_staff("other@example.dk")
    assert client.get(f"/citizens/{me.id}/challenges").status_code == 404
    assert client.get(f"/citizens/{me.id}/challenges/{mine.id}").status_code == 404
    assert client.post_form(f"/citizens/{me.id}/challenges/pick", {"key": "money.debt"}).status_code == 404
    client.cookies.clear()
    client.sign_in_citizen("LISE")
    assert client.get(f"/citizens/{other.id}/challenges").status_code == 404
    # Another citizen's challenge id under my own plan.
    assert client.get(f"/citizens/{me.id}/challenges/{theirs.id}").status_code == 404
    assert (
        client.post_form(
            f"/citizens/{me.id}/challenges/{theirs.id}", {"life_area": "work", "title": "Hijack"}
        ).status_code
        == 404
    )
    db.refresh(theirs)
    assert theirs.title == "Ikke din"


def test_each_answer_to_a_suggestion_is_confirmed_without_javascript(client: Client, db: Session) -> None:
    """Issue 21, item 3: "no thanks" led to ?notice=declineed, which no notice matched."""
    _staff, me = _pair(db)
    client.sign_in_staff("k@example.dk")
    for title in ("Buskort", "Kørekort"):
        client.post_form(f"/citizens/{me.id}/challenges", {"life_area": "transport", "title": title})
    first, second = _challenges(db, me)
    client.cookies.clear()
    client.sign_in_citizen("LISE")
    for challenge, notice, said in (
        (first, "accepted", "Du sagde ja. Den er nu i din plan."),
        (second, "declined", "Nej tak — den er ikke i din plan."),
    ):
        answer = "accept" if notice == "accepted" else "decline"
        response = client.post_form(f"/citizens/{me.id}/challenges/{challenge.id}/{answer}")
        assert response.status_code == 303
        assert f"notice={notice}" in response.headers["location"]
        assert said in client.get(response.headers["location"]).text

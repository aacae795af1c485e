"""The caseload overview: meetings, agreements due and overdue, flags, latest meaningfulness;
sorting and filtering with plain GET parameters; only the consultant's own citizens."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app import clock
from app.models import MeaningfulnessRating, Meeting
from app.models.base import utcnow
from tests import factories
from tests.conftest import Client, FrozenClock


def _rate(db: Session, intervention_id: int | None, *values: int) -> None:
    assert intervention_id is not None
    for n, value in enumerate(values):
        at = utcnow() - timedelta(days=len(values) - n)
        db.add(MeaningfulnessRating(intervention_id=intervention_id, value=value, rated_at=at))
    db.commit()


def test_overview_shows_meetings_agreements_ratings_and_flags(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    consultant = factories.consultant(db)
    anna = factories.citizen(db, consultant, name="Anna")
    bo = factories.citizen(db, consultant, name="Bo")
    stranger = factories.citizen(db, factories.consultant(db), name="Zelda Stranger")
    item = factories.intervention(db, anna)
    _rate(db, item.id, 9, 2)
    _rate(db, factories.intervention(db, bo, kind="course").id, 8)
    _rate(db, factories.intervention(db, stranger).id, 1)
    factories.agreement(db, anna, due_on=clock.today() - timedelta(days=2))
    factories.agreement(db, anna, due_on=clock.today() + timedelta(days=2))
    db.add(Meeting(citizen_id=anna.id or 0, at=utcnow() - timedelta(days=5)))
    db.add(Meeting(citizen_id=anna.id or 0, at=utcnow() + timedelta(days=9)))
    db.commit()
    client.sign_in_staff(consultant)

    page = client.get("/caseload")
    assert page.status_code == 200
    assert "Zelda Stranger" not in page.text
    assert "1 due this week, 1 overdue" in page.text
    assert "Meaningful: 2 of 10" in page.text and "Meaningful: 8 of 10" in page.text
    assert "a low rating" in page.text and "The rating fell from 9 to 2." in page.text
    assert f'href="/citizens/{anna.id}/board"' in page.text
    assert 'sse-connect="/caseload/events?sort=name&amp;show=all&amp;q="' in page.text

    flagged = client.get("/caseload?show=flagged")
    assert "Anna" in flagged.text and ">Bo<" not in flagged.text
    by_name = client.get("/caseload?sort=name").text
    assert by_name.index(">Anna<") < by_name.index(">Bo<")
    by_meaning = client.get("/caseload?sort=meaningfulness").text
    assert by_meaning.index(">Anna<") < by_meaning.index(">Bo<")
    no_meeting = client.get("/caseload?show=no_meeting").text
    assert ">Bo<" in no_meeting and ">Anna<" not in no_meeting
    assert ">Bo<" in client.get("/caseload?q=bo").text
    # Unknown choices fall back to defaults, never a 500.
    assert client.get("/caseload?sort=%00drop&show=x").status_code == 200


def test_overdue_and_due_soon_count_from_copenhagens_date(
    client: Client, db: Session, frozen_clock: FrozenClock
) -> None:
    # 00:30 on 1 January in Copenhagen: New Year's Eve is past, New Year's Day is this week.
    frozen_clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    client.headers["Accept-Language"] = "en"
    consultant = factories.consultant(db)
    anna = factories.citizen(db, consultant, name="Anna")
    factories.agreement(db, anna, due_on=date(2026, 12, 31))
    factories.agreement(db, anna, due_on=date(2027, 1, 1))
    client.sign_in_staff(consultant)
    assert "1 due this week, 1 overdue" in client.get("/caseload").text


def test_htmx_asks_only_for_the_rows(client: Client, db: Session) -> None:
    consultant = factories.consultant(db)
    factories.citizen(db, consultant, name="Anna")
    client.sign_in_staff(consultant)
    response = client.get("/caseload?sort=flags", headers={"HX-Request": "true"})
    assert "<html" not in response.text and "Anna" in response.text


def test_citizen_cannot_open_caseload_or_its_stream(client: Client, db: Session) -> None:
    consultant = factories.consultant(db)
    factories.citizen(db, consultant, code="CASE-1")
    client.sign_in_citizen("CASE-1")
    assert client.get("/caseload").status_code in (403, 404)
    assert client.get("/caseload/events").status_code == 404


def test_consultant_plans_a_meeting(client: Client, db: Session) -> None:
    client.headers["Accept-Language"] = "en"
    consultant = factories.consultant(db)
    citizen = factories.citizen(db, consultant, name="Anna")
    client.sign_in_staff(consultant)
    url = f"/citizens/{citizen.id}/meetings"
    bad = client.post_form(url, {"at": "next tuesday"})
    assert bad.status_code == 400 and 'value="next tuesday"' in bad.text
    when = (clock.today() + timedelta(days=3)).isoformat()
    assert client.post_form(url, {"at": f"{when}T10:30"}).status_code == 303
    page = client.get("/caseload")
    assert "10:30" in page.text and "Not planned" not in page.text
    # Not for someone else's citizen.
    other = factories.citizen(db, factories.consultant(db))
    assert client.post_form(f"/citizens/{other.id}/meetings", {"at": f"{when}T10:30"}).status_code == 404


def test_the_live_caseload_ends_with_the_sign_in(
    client: Client, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import httpx

    from app.live import sse
    from tests.routes.test_events import OpenStream

    monkeypatch.setattr(sse, "HEARTBEAT_SECONDS", 0.05)
    consultant = factories.consultant(db)
    factories.citizen(db, consultant, name="Anna")
    client.sign_in_staff(consultant)

    async def scenario() -> None:
        stream = OpenStream(client, "/caseload/events")
        stream.open()
        await stream.until(lambda: stream.text.count(": still here\n\n") >= 2)
        await asyncio.sleep(0.3)  # signed in: the stream stays
        assert stream.task is not None and not stream.task.done()
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
            browser.cookies.update(dict(client.cookies.items()))
            await browser.post("/logout", headers={"X-CSRF-Token": client.csrf()})
        await stream.ended(2.0)

    client.run(scenario)


def test_a_meeting_in_the_past_is_refused_with_a_message(
    client: Client, db: Session, frozen_clock: FrozenClock
) -> None:
    # 00:30 on 1 March in Copenhagen (23:30 UTC the day before): 28 February has passed there.
    frozen_clock.set(datetime(2026, 2, 28, 23, 30, tzinfo=UTC))
    client.headers["Accept-Language"] = "en"
    consultant = factories.consultant(db)
    citizen = factories.citizen(db, consultant, name="Anna")
    client.sign_in_staff(consultant)
    url = f"/citizens/{citizen.id}/meetings"
    for past in ("2020-01-01T10:00", "2026-02-28T23:00"):
        refused = client.post_form(url, {"at": past})
        assert refused.status_code == 400
        assert "The date has passed. Choose today or a later date." in refused.text
        assert f'value="{past}"' in refused.text, "the form keeps what was typed"
    assert "Not planned" in client.get("/caseload").text
    assert db.exec(select(Meeting)).all() == []
    # Earlier today may still be noted, and the picker starts at today.
    assert 'min="2026-03-01T00:00"' in client.get("/caseload").text
    assert client.post_form(url, {"at": "2026-03-01T00:15"}).status_code == 303
    assert client.post_form(url, {"at": "2036-03-01T10:00"}).status_code == 400


def test_the_caseload_card_opens_the_meeting_screen_in_one_click(client: Client, db: Session) -> None:
    consultant = factories.consultant(db)
    citizen = factories.citizen(db, consultant, name="Anna")
    client.sign_in_staff(consultant)
    page = client.get("/caseload").text
    assert f'href="/citizens/{citizen.id}/meeting"' in page
    assert 'href="/caseload/citizens/new"' in page, "the navigation offers a new citizen"

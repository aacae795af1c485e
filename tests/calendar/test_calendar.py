"""Each person's private calendar feed, and one meeting as a file: parsed with icalendar, holding
the meeting and the agreement's due date and nothing from the plan; renewing the address makes
the old one "not found"; a forged, old or other person's token never reaches anyone's data."""

import re
from datetime import date

from icalendar import Calendar
from sqlmodel import Session, select

from app.access import consent
from app.models import CalendarFeed, ConsentScope, Meeting, User
from tests import factories
from tests.conftest import Client, FrozenClock
from tests.notices.conftest import copenhagen

SECRET = "HEMMELIG-PLAN"
FEED = re.compile(r'id="feed-url" type="text" readonly value="([^"]+)"')


def _meeting(db: Session, citizen: User, days: int = 1) -> Meeting:
    assert citizen.id is not None
    meeting = Meeting(citizen_id=citizen.id, at=copenhagen(2026, 3, 2 + days, 10, 0), note=f"Tal om {SECRET}")
    db.add(meeting)
    db.commit()
    db.refresh(meeting)
    return meeting


def _feed_url(client: Client) -> str:
    found = FEED.search(client.get("/calendar").text)
    assert found is not None
    return found.group(1).removeprefix("http://testserver")


def _events(body: bytes) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(body)
    return [
        {
            "summary": str(e["summary"]),
            "start": e.decoded("dtstart"),
            "uid": str(e["uid"]),
            "url": str(e["url"]),
        }
        for e in calendar.walk("VEVENT")
    ]


def _stranger(client: Client) -> Client:
    """A calendar app: no cookies, no sign-in, only the address."""
    return Client(client.app, base_url="http://testserver")


def test_annas_feed_holds_her_meeting_and_due_date_and_nothing_of_her_plan(
    db: Session, client: Client, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 9, 0))
    mette = factories.consultant(db)
    anna = factories.citizen(db, mette, name="Anna Jensen", code="ANNA", locale="da")
    bo = factories.citizen(db, mette, name="Bo Berg", code="BO")
    meeting = _meeting(db, anna)
    _meeting(db, bo, days=2)
    factories.agreement(db, anna, what=f"Ringe til lægen {SECRET}", due_on=date(2026, 3, 5))
    client.sign_in_citizen("ANNA")
    assert "Lav min kalenderadresse" in client.get("/calendar").text
    assert client.post_form("/calendar/feed").status_code == 303

    answer = _stranger(client).get(_feed_url(client))

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert SECRET not in answer.text and "Anna" not in answer.text and "lægen" not in answer.text
    events = sorted(_events(answer.content), key=lambda e: str(e["uid"]))
    assert [e["summary"] for e in events] == [
        "En aftale skal være klar (Tavle)",
        "Møde på jobcentret (Tavle)",
    ]
    assert events[0]["start"] == date(2026, 3, 5)
    assert events[1]["start"] == meeting.at
    assert events[1]["url"] == f"http://testserver/citizens/{anna.id}/meetings"
    # Bo's meeting is not in Anna's feed.
    assert len(events) == 2


def test_renewing_the_address_makes_the_old_one_not_found(db: Session, client: Client) -> None:
    factories.citizen(db, factories.consultant(db), code="ANNA")
    client.sign_in_citizen("ANNA")
    client.post_form("/calendar/feed")
    old = _feed_url(client)
    assert _stranger(client).get(old).status_code == 200

    renewed = client.post_form("/calendar/feed")
    assert renewed.status_code == 303
    new = _feed_url(client)

    assert new != old
    assert _stranger(client).get(old).status_code == 404
    assert _stranger(client).get(new).status_code == 200
    client.post_form("/calendar/feed/stop")
    assert _stranger(client).get(new).status_code == 404


def test_a_forged_token_reaches_nobody(db: Session, client: Client, frozen_clock: FrozenClock) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 9, 0))
    anna = factories.citizen(db, factories.consultant(db), code="ANNA")
    _meeting(db, anna)
    client.sign_in_citizen("ANNA")
    client.post_form("/calendar/feed")
    url = _feed_url(client)
    token = url.removeprefix("/calendar/").removesuffix(".ics")
    stranger = _stranger(client)
    for forged in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "x" * len(token),
        "",
        "%2e%2e",
        "a" * 500,
    ):
        assert stranger.get(f"/calendar/{forged}.ics").status_code == 404, forged
    # The database keeps no token, only its digest and a nonce.
    feed = db.exec(select(CalendarFeed)).one()
    assert token not in (feed.token_digest, feed.token_nonce)


def test_add_to_my_calendar_downloads_one_meeting_for_those_who_may_see_it(
    db: Session, client: Client, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 9, 0))
    mette = factories.consultant(db)
    anna = factories.citizen(db, mette, code="ANNA", locale="en")
    bo = factories.citizen(db, mette, code="BO")
    annas, bos = _meeting(db, anna), _meeting(db, bo)
    client.sign_in_citizen("ANNA")
    page = client.get(f"/citizens/{anna.id}/meetings")
    assert page.status_code == 200
    assert f"/citizens/{anna.id}/meetings/{annas.id}.ics" in page.text and "Add to my calendar" in page.text

    one = client.get(f"/citizens/{anna.id}/meetings/{annas.id}.ics")

    assert one.status_code == 200 and "attachment" in one.headers["content-disposition"]
    [event] = _events(one.content)
    assert event["start"] == annas.at and event["summary"] == "Meeting at the job centre (Tavle)"
    assert SECRET not in one.text
    # Bo's meeting: not under Anna's id, and not under his own for Anna.
    assert client.get(f"/citizens/{anna.id}/meetings/{bos.id}.ics").status_code == 404
    assert client.get(f"/citizens/{bo.id}/meetings/{bos.id}.ics").status_code == 404
    assert client.get(f"/citizens/{bo.id}/meetings").status_code == 404


def test_the_consultants_feed_holds_meetings_of_citizens_who_share_their_plan(
    db: Session, client: Client, frozen_clock: FrozenClock
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 9, 0))
    mette = factories.consultant(db)
    anna = factories.citizen(db, mette, name="Anna Jensen")
    other = factories.citizen(db, factories.consultant(db), name="Bo Berg")
    annas = _meeting(db, anna)
    _meeting(db, other)
    client.sign_in_staff(mette)
    client.post_form("/calendar/feed")
    url = _feed_url(client)

    events = _events(_stranger(client).get(url).content)
    assert [e["start"] for e in events] == [annas.at]

    consent.choose(session=db, citizen=anna, choices={ConsentScope.consultant: False})
    assert _events(_stranger(client).get(url).content) == []

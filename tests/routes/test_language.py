"""Danish by default, English one tap away, remembered in a cookie and on the user."""

import re
from datetime import UTC, date, datetime

from sqlmodel import Session

from app.models import Meeting, Role, User
from tests import factories
from tests.conftest import Client, FrozenClock


def test_danish_is_the_default(client: Client) -> None:
    page = client.get("/login")
    assert '<html lang="da">' in page.text
    assert "Log ind på Tavle" in page.text


def test_accept_language_is_honoured_on_first_visit(client: Client) -> None:
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9,da;q=0.5"})
    assert '<html lang="en">' in page.text
    assert "Sign in to Tavle" in page.text


def test_switching_language_changes_every_string_and_is_remembered(client: Client) -> None:
    response = client.post_form("/language", {"locale": "en", "next": "/login"})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    page = client.get("/login")
    assert '<html lang="en">' in page.text
    assert "Sign in to Tavle" in page.text and "Log ind på Tavle" not in page.text
    assert 'value="da"' in page.text  # the switch now offers Danish


def test_signed_in_choice_is_saved_on_the_user(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    client.post_form("/language", {"locale": "en", "next": f"/citizens/{me.id}"})
    db.expire_all()
    saved = db.get(User, me.id)
    assert saved is not None and saved.locale == "en"
    client.cookies.delete("tavle_lang")
    assert "This is your plan" in client.get(f"/citizens/{me.id}").text


def test_unknown_language_is_ignored(client: Client) -> None:
    client.post_form("/language", {"locale": "xx", "next": "/login"})
    assert '<html lang="da">' in client.get("/login").text


def test_dates_and_numbers_follow_the_locale(client: Client, db: Session) -> None:
    from datetime import date

    me = factories.citizen(db, code="LISE")
    factories.agreement(db, me, what="Ringe til lægen", due_on=date(2030, 3, 5))
    client.sign_in_citizen("LISE")
    assert "5. mar. 2030" in client.get(f"/citizens/{me.id}").text
    client.post_form("/language", {"locale": "en", "next": "/"})
    english = client.get(f"/citizens/{me.id}").text
    # Day first in English too: "5 Mar 2030", never the American "Mar 5, 2030".
    assert "5 Mar 2030" in english and "Mar 5, 2030" not in english


def test_english_dates_and_times_are_day_first_on_a_24_hour_clock() -> None:
    from datetime import UTC, datetime

    from app.core.i18n import translator

    english = translator("en")
    moment = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
    assert english.datetime(moment, "short") == "10 Dec 2026, 10:00"
    assert english.date(moment.date(), "short") == "10/12/2026"
    assert english.number(1234.5) == "1,234.5"
    assert translator("da").datetime(moment, "short") == "10.12.2026 10.00"


# How American formats look: "12/10/26", "10:00 AM", "Dec 10, 2026".
US_FORMATS = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2}\b"
    r"|\b\d{1,2}:\d{2}\s?[AP]M\b"
    r"|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}"
)


def test_every_english_page_writes_dates_day_first_on_a_24_hour_clock(
    client: Client, db: Session, frozen_clock: FrozenClock
) -> None:
    """Issue 21, item 1: the next meeting, the board's offline notice, the access log, the
    readable export and the CSV, in English, all day first; never the American way."""
    frozen_clock.set(datetime(2026, 12, 7, 10, 30, tzinfo=UTC))  # 11:30 in Copenhagen
    staff = factories.consultant(db, email="mette@example.dk")
    staff.locale = "en"
    me = factories.citizen(db, staff, code="LISE", locale="en")
    factories.agreement(db, me, what="Ringe til lægen", due_on=date(2026, 12, 12))
    db.add_all([staff, Meeting(citizen_id=me.id or 0, at=datetime(2026, 12, 10, 9, 0, tzinfo=UTC))])
    db.commit()
    manager = factories.staff(db, Role.manager, "lene@example.dk")
    manager.locale = "en"
    db.add(manager)
    db.commit()

    client.sign_in_staff("mette@example.dk")
    caseload = client.get("/caseload").text
    assert "10 Dec 2026, 10:00" in caseload
    pages = {"/caseload": caseload}
    for path in ("", "/board", "/meeting"):
        pages[f"/citizens/{me.id}{path}"] = client.get(f"/citizens/{me.id}{path}").text
    client.cookies.clear()
    client.sign_in_citizen("LISE")
    for path in ("", "/board", "/privacy", "/export", "/goals", "/interventions"):
        pages[f"/citizens/{me.id}{path} (citizen)"] = client.get(f"/citizens/{me.id}{path}").text
    board = pages[f"/citizens/{me.id}/board (citizen)"]
    assert "Offline — last updated 7 Dec 2026, 11:30" in board
    assert "12 Dec 2026" in board
    # The access log: Mette looked at the plan at 11:30.
    assert "7 Dec 2026, 11:30" in pages[f"/citizens/{me.id}/privacy (citizen)"]
    assert "10 Dec 2026, 10:00" in pages[f"/citizens/{me.id}/export (citizen)"]
    client.cookies.clear()
    client.sign_in_staff("lene@example.dk")
    pages["/outcomes.csv"] = client.get("/outcomes.csv").text
    american = {path: US_FORMATS.findall(text) for path, text in pages.items() if US_FORMATS.search(text)}
    assert not american, american

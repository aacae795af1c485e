"""Each person's private calendar feed: meetings and agreement due dates, as iCalendar, at a
secret address that calendar apps poll without signing in.

The token in the address is an HMAC of a random nonce under the app's secret key; the database
keeps the nonce and the token's SHA-256 digest, never the token, so a copy of the database alone
opens no feed. The address is looked up by the digest of the token it carries: a forged or old
token finds no row and is "not found". Renewing draws a new nonce, so the old address finds
nothing from then on. Like a notice, an event names no plan content: "a meeting", "an agreement
is due", and a link into Tavle, in the person's language (calendars are synced to services
outside the municipality)."""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlmodel import Session, col, select

from app import clock
from app.catalogue import N_
from app.core.i18n import Translator
from app.core.security import digest
from app.live.unit_of_work import unit_of_work
from app.models import Actor, Agreement, AgreementStatus, CalendarFeed, Meeting, Role, User
from app.notices.delivery import visible_citizens

MEETING_LENGTH = timedelta(hours=1)
OPEN = (AgreementStatus.todo, AgreementStatus.doing)
# How long back the feed reaches: a calendar keeps what it once fetched anyway.
PAST = timedelta(days=60)
MEETING_SUMMARY = N_("Meeting at the job centre (Tavle)")
DUE_SUMMARY = N_("An agreement is due (Tavle)")
OPEN_IN_TAVLE = N_("Open Tavle: %(url)s")
CALENDAR_NAME = N_("Tavle")


def _token(secret: bytes, user_id: int, nonce: str) -> str:
    mac = hmac.new(secret, f"calendar-feed:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def token_of(*, session: Session, secret: bytes, user: User) -> str | None:
    """The person's feed token, or None when they have no feed (or renewed it into none)."""
    feed = session.get(CalendarFeed, user.id)
    if feed is None or user.id is None:
        return None
    return _token(secret, user.id, feed.token_nonce)


def renew(*, session: Session, secret: bytes, user: User) -> str:
    """A new address for the person's feed (the first, or one that replaces the old)."""
    assert user.id is not None
    nonce = secrets.token_urlsafe(24)
    token = _token(secret, user.id, nonce)
    with unit_of_work(session):
        feed = session.get(CalendarFeed, user.id) or CalendarFeed(
            user_id=user.id, token_nonce="", token_digest=""
        )
        feed.token_nonce, feed.token_digest, feed.created_at = nonce, digest(token), clock.now()
        session.add(feed)
    return token


def stop(*, session: Session, user: User) -> None:
    with unit_of_work(session):
        feed = session.get(CalendarFeed, user.id)
        if feed is not None:
            session.delete(feed)


def owner_of(*, session: Session, token: str) -> User | None:
    """Whose feed the token opens: an active person's, or nobody's."""
    if not token or len(token) > 100:
        return None
    feed = session.exec(select(CalendarFeed).where(CalendarFeed.token_digest == digest(token))).first()
    if feed is None:
        return None
    user = session.get(User, feed.user_id)
    return user if user is not None and user.active else None


@dataclass(frozen=True)
class Entry:
    uid: str
    summary: str
    link: str
    at: datetime | None = None
    on: date | None = None


def _citizens_shown(session: Session, user: User) -> list[int]:
    """Whose meetings and due dates the person's feed holds: a citizen their own; a consultant
    those in their caseload who share their plan with them (as on the caseload page)."""
    if user.role == Role.citizen and user.id is not None:
        return [user.id]
    if user.role != Role.consultant:
        return []
    return sorted(visible_citizens(session=session, staff=user))


def meetings_of(*, session: Session, citizen_ids: list[int], since: datetime) -> list[Meeting]:
    if not citizen_ids:
        return []
    return list(
        session.exec(
            select(Meeting)
            .where(col(Meeting.citizen_id).in_(citizen_ids), col(Meeting.at) >= since)
            .order_by(col(Meeting.at), col(Meeting.id))
        ).all()
    )


def entries(*, session: Session, user: User, t: Translator) -> list[Entry]:
    ids = _citizens_shown(session, user)
    found = [
        Entry(
            uid=f"meeting-{m.id}",
            summary=t.gettext(MEETING_SUMMARY),
            link=f"/citizens/{m.citizen_id}/meetings",
            at=m.at,
        )
        for m in meetings_of(session=session, citizen_ids=ids, since=clock.now() - PAST)
    ]
    if not ids:
        return found
    due = select(Agreement).where(
        col(Agreement.citizen_id).in_(ids),
        col(Agreement.due_on).is_not(None),
        col(Agreement.due_on) >= clock.today() - PAST,
        col(Agreement.deleted_at).is_(None),
        col(Agreement.status).in_(OPEN),
    )
    if user.role == Role.consultant:
        # The consultant's own agreements; the citizen's are the citizen's to keep.
        due = due.where(col(Agreement.who) == Actor.consultant)
    for agreement in session.exec(due.order_by(col(Agreement.due_on), col(Agreement.id))).all():
        found.append(
            Entry(
                uid=f"agreement-{agreement.id}-due",
                summary=t.gettext(DUE_SUMMARY),
                link=f"/citizens/{agreement.citizen_id}/board",
                on=agreement.due_on,
            )
        )
    return found


def ics(*, entries: list[Entry], t: Translator, base_url: str, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Tavle//Tavle//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", t.gettext(CALENDAR_NAME))
    stamp = clock.now()
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", entry.summary)
        url = base_url + entry.link
        event.add("url", url)
        event.add("description", t.gettext(OPEN_IN_TAVLE, url=url))
        if entry.at is not None:
            event.add("dtstart", entry.at)
            event.add("dtend", entry.at + MEETING_LENGTH)
        elif entry.on is not None:
            event.add("dtstart", entry.on)
            event.add("dtend", entry.on + timedelta(days=1))
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body

"""The consultant's caseload overview: per citizen the last and next meeting, agreements due and
overdue, flags, and the latest meaningfulness per intervention. Sorted and filtered in Python:
a caseload is about 15 citizens, read in a handful of queries."""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from app import clock
from app.access import audit
from app.access.changes import access_changed
from app.access.consent import ConsentState, states
from app.access.rules import caseload, consultants_of
from app.board.agenda import agenda_counts
from app.conversation.service import waiting_counts
from app.core.db import lock_person
from app.core.i18n import Translator
from app.interventions import alerts
from app.live.unit_of_work import unit_of_work
from app.models import Agreement, AgreementStatus, Meeting, User, Wish
from app.models.base import utcnow
from app.plan.overview import InterventionView, intervention_views, is_active, require_consultant

DUE_SOON_DAYS = 7
LATEST_MEETING = timedelta(days=5 * 366)
SORTS = ("name", "flags", "next_meeting", "overdue", "meaningfulness")
FILTERS = ("all", "flagged", "overdue", "no_meeting")
OPEN = (AgreementStatus.todo, AgreementStatus.doing)
# Sorts after every planned meeting (meetings are stored as aware UTC).
NO_MEETING = datetime.max.replace(tzinfo=UTC)


def flags_for(view: InterventionView, today: date) -> list[alerts.Flag]:
    item = view.intervention
    rated = [alerts.Rated(value=r.value, at=r.rated_at) for r in view.ratings]
    since = item.starts_on or clock.local(item.created_at).date()
    return alerts.flags(
        rated,
        active=is_active(item, today),
        since=since,
        today=today,
        rather_not=item.wish == Wish.rather_not,
        reason=item.wish_reason,
    )


@dataclass
class FlaggedIntervention:
    view: InterventionView
    flags: list[alerts.Flag]


@dataclass
class CaseloadRow:
    citizen: User
    # What the citizen consents to: without (a) the row is the name and nothing else.
    consent: ConsentState = field(default_factory=ConsentState)
    # When a closed case is erased (the retention period after it was closed).
    erase_on: datetime | None = None
    last_meeting: datetime | None = None
    next_meeting: datetime | None = None
    due: int = 0
    overdue: int = 0
    # How many things are on the agenda for the next meeting (the card says that one exists).
    agenda: int = 0
    interventions: list[FlaggedIntervention] = field(default_factory=list)
    # Conversations whose latest question waits for the consultant's answer.
    waiting_messages: int = 0

    @property
    def flag_count(self) -> int:
        return sum(len(i.flags) for i in self.interventions)

    @property
    def lowest(self) -> int | None:
        latest = [i.view.latest.value for i in self.interventions if i.view.latest]
        return min(latest) if latest else None


def rows(
    *, session: Session, consultant: User, today: date | None = None, retention_months: int = 12
) -> list[CaseloadRow]:
    today = today or clock.today()
    citizens = caseload(session=session, consultant=consultant)
    consents = states(session=session, citizen_ids=[c.id for c in citizens if c.id is not None])
    result = {
        c.id: CaseloadRow(
            citizen=c,
            consent=consents.get(c.id or 0, ConsentState()),
            erase_on=add_months(c.case_closed_at, retention_months) if c.case_closed_at else None,
        )
        for c in citizens
    }
    # Only the plans the citizens share with their consultant are read at all.
    ids = [c.id for c in citizens if c.id is not None and result[c.id].consent.plan_shared]
    if not ids:
        return [result[c.id] for c in citizens]
    now = utcnow()
    for meeting in session.exec(select(Meeting).where(col(Meeting.citizen_id).in_(ids))).all():
        row = result[meeting.citizen_id]
        if meeting.at <= now:
            row.last_meeting = max(filter(None, (row.last_meeting, meeting.at)))
        else:
            row.next_meeting = min(filter(None, (row.next_meeting, meeting.at)))
    soon = today + timedelta(days=DUE_SOON_DAYS)
    agreements = session.exec(
        select(Agreement).where(
            col(Agreement.citizen_id).in_(ids),
            col(Agreement.deleted_at).is_(None),
            col(Agreement.status).in_(OPEN),
            col(Agreement.due_on).is_not(None),
        )
    ).all()
    for agreement in agreements:
        assert agreement.due_on is not None
        row = result[agreement.citizen_id]
        if agreement.due_on < today:
            row.overdue += 1
        elif agreement.due_on <= soon:
            row.due += 1
    for cid, waiting in waiting_counts(session=session, citizen_ids=ids).items():
        result[cid].waiting_messages = waiting
    views: dict[int, list[InterventionView]] = defaultdict(
        list, intervention_views(session=session, citizen_ids=ids)
    )
    for cid, count in agenda_counts(session=session, citizen_ids=ids).items():
        result[cid].agenda = count
    for cid in ids:
        result[cid].interventions = [
            FlaggedIntervention(view=v, flags=flags_for(v, today)) for v in views[cid]
        ]
    return [result[c.id] for c in citizens]


def choose(rows_: list[CaseloadRow], *, sort: str, show: str, query: str = "") -> list[CaseloadRow]:
    """Filter, then sort; unknown choices fall back to all citizens by name."""
    chosen = rows_
    if show != "all":
        # A plan not shared has nothing to filter by.
        chosen = [r for r in chosen if r.consent.plan_shared]
    if show == "flagged":
        chosen = [r for r in chosen if r.flag_count]
    elif show == "overdue":
        chosen = [r for r in chosen if r.overdue]
    elif show == "no_meeting":
        chosen = [r for r in chosen if r.next_meeting is None]
    needle = query.strip().casefold()
    if needle:
        chosen = [r for r in chosen if needle in r.citizen.name.casefold()]
    by_name = sorted(chosen, key=lambda r: r.citizen.name.casefold())
    if sort == "flags":
        return sorted(by_name, key=lambda r: -r.flag_count)
    if sort == "next_meeting":
        return sorted(by_name, key=lambda r: r.next_meeting or NO_MEETING)
    if sort == "overdue":
        return sorted(by_name, key=lambda r: (-r.overdue, -r.due))
    if sort == "meaningfulness":
        return sorted(by_name, key=lambda r: (r.lowest is None, r.lowest if r.lowest is not None else 11))
    return by_name


def plan_meeting(*, session: Session, citizen: User, actor: User, at: str, t: Translator) -> str | None:
    """The consultant plans (or notes) a meeting; `at` as typed in a datetime-local field, in the
    job centre's time zone. Returns an error message, or None when saved."""
    require_consultant(actor)
    try:
        when = datetime.fromisoformat(at.strip()).replace(tzinfo=clock.ZONE)
    except ValueError:
        return t.gettext("Write the date and time, for example 2026-03-01 10:00.")
    # A meeting is planned ahead (one earlier today may still be noted); the day turns at
    # Copenhagen's midnight, like every date in Tavle.
    if when.date() < clock.today():
        return t.gettext("The date has passed. Choose today or a later date.")
    if when.date() > clock.today() + LATEST_MEETING:
        return t.gettext("Choose a date within the next five years.")
    assert citizen.id is not None
    session.add(Meeting(citizen_id=citizen.id, at=when.astimezone(UTC), created_by_id=actor.id))
    session.commit()
    return None


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months later (earlier when negative); the last
    day of the month when it is shorter (31 March plus one month is 30 April)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last))


def set_case_closed(*, session: Session, citizen: User, actor: User, closed: bool) -> None:
    """The consultant marks that the citizen has left the programme (or takes it back). A closed
    case is erased when the retention period has passed (`python -m app retention`); the citizen
    sees it in their trail and on their privacy page."""
    require_consultant(actor)
    assert citizen.id is not None
    # Read under the citizen's own lock: a double click closes the case once.
    lock_person(session, citizen.id)
    record = session.get(User, citizen.id, populate_existing=True)
    if record is None or (record.case_closed_at is not None) == closed:
        session.commit()
        return
    consultants = [c.id for c in consultants_of(session=session, citizen_id=citizen.id) if c.id is not None]
    with unit_of_work(session) as work:
        record.case_closed_at = utcnow() if closed else None
        session.add(record)
        target = "case:closed" if closed else "case:opened"
        audit.add(session=session, actor=actor, citizen_id=citizen.id, action="case", target=target)
        # Every consultant's caseload row says so.
        access_changed(work, caseloads=consultants)

"""What falls due: the reminders and news Tavle finds by looking, put in the outbox.

Each pass (`python -m app notify`, every minute) looks at what is true now and adds a notice for
each reason it finds, keyed by that reason, so finding it again on the next pass, by a second
worker, or after a restart adds nothing:

- for the citizen (only one who chose a channel): a meeting within 24 hours, and again within
  the hour; an agreement of theirs due tomorrow (from 09:00 the day before); a proposal that
  waits for their answer (a card the consultant proposed or changed, a suggested challenge, a
  new wording);
- for the consultant, in Tavle's own list and their digest: a suggestion the citizen declined,
  a low or falling meaningfulness rating (`app.interventions.alerts`), only for citizens who
  share their plan with them; and their daily digest, when they asked for one.

Messages are not looked for: the conversation adds their notices as they are written
(`app.notices.outbox.message_waiting`). When a notice is sent, `app.notices.delivery` checks
again that what it says still holds."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import clock
from app.access import consent
from app.access.rules import consultants_of
from app.core.config import Settings
from app.interventions import alerts
from app.models import (
    Actor,
    Agreement,
    AgreementStatus,
    Challenge,
    ChallengeStatus,
    Intervention,
    MeaningfulnessRating,
    Meeting,
    Notice,
    NoticeKind,
    NoticeSettings,
    NoticeState,
    PlanSuggestion,
    Role,
    SuggestionKind,
    SuggestionStatus,
    User,
)
from app.notices import outbox
from app.notices.preferences import with_a_channel

DAY_AHEAD = timedelta(hours=24)
HOUR_AHEAD = timedelta(hours=1)
# An agreement due tomorrow is mentioned from this time of the day before (Copenhagen).
DUE_REMINDER_AT = time(9, 0)
# Declines and ratings are looked for this far back: a pass missed for longer finds them stale.
LOOK_BACK = timedelta(days=2)
OPEN = (AgreementStatus.todo, AgreementStatus.doing)


@dataclass(frozen=True)
class Found:
    """A notice to add, unless its key is there already."""

    values: dict[str, Any]

    @property
    def key(self) -> str:
        key: str = self.values["key"]
        return key


def plan_due(*, session: Session, settings: Settings) -> int:
    """Adds a notice for every reason found now; commits. How many were new."""
    now = clock.now()
    found = [
        *meetings(session, now),
        *agreements_due(session, now),
        *proposals(session, now),
        *declines(session, now),
        *ratings(session, now),
        *digests(session, settings, now),
    ]
    added = _add_new(session, found)
    session.commit()
    return added


def _add_new(session: Session, found: list[Found]) -> int:
    if not found:
        return 0
    keys = [f.key for f in found]
    known = set(session.exec(select(Notice.key).where(col(Notice.key).in_(keys))).all())
    added = 0
    for item in found:
        if item.key not in known:
            # Another worker may add the same key in between: then this adds nothing.
            added += outbox.add(session, **item.values)
            known.add(item.key)
    return added


def _citizens_with_a_channel() -> SelectOfScalar[int | None]:
    """Reminders go only to citizens who chose a channel: the others would never get them."""
    return select(col(User.id)).where(User.role == Role.citizen, with_a_channel())


def meetings(session: Session, now: datetime) -> list[Found]:
    rows = session.exec(
        select(Meeting).where(
            col(Meeting.at) > now,
            col(Meeting.at) <= now + DAY_AHEAD,
            col(Meeting.citizen_id).in_(_citizens_with_a_channel()),
        )
    ).all()
    found = []
    for meeting in rows:
        hour = meeting.at - now <= HOUR_AHEAD
        kind = NoticeKind.meeting_hour if hour else NoticeKind.meeting_day
        found.append(
            Found(
                {
                    "user_id": meeting.citizen_id,
                    "citizen_id": meeting.citizen_id,
                    "kind": kind,
                    "key": f"{kind}:{meeting.id}:{meeting.at.isoformat()}",
                    "subject": f"meeting:{meeting.id}",
                    "subject_at": meeting.at,
                    "link": f"/citizens/{meeting.citizen_id}/meetings",
                    "due_at": meeting.at - (HOUR_AHEAD if hour else DAY_AHEAD),
                    # The day-ahead reminder gives way to the hour-ahead one.
                    "stale_at": meeting.at if hour else meeting.at - HOUR_AHEAD,
                }
            )
        )
    return found


def _at(day: date, moment: time) -> datetime:
    """`moment` on `day` on Copenhagen's wall clock, as aware UTC."""
    return datetime.combine(day, moment, tzinfo=clock.ZONE).astimezone(UTC)


def agreements_due(session: Session, now: datetime) -> list[Found]:
    tomorrow = clock.local(now).date() + timedelta(days=1)
    rows = session.exec(
        select(Agreement).where(
            col(Agreement.due_on) == tomorrow,
            col(Agreement.deleted_at).is_(None),
            col(Agreement.status).in_(OPEN),
            col(Agreement.who) == Actor.citizen,
            col(Agreement.citizen_id).in_(_citizens_with_a_channel()),
        )
    ).all()
    return [
        Found(
            {
                "user_id": agreement.citizen_id,
                "citizen_id": agreement.citizen_id,
                "kind": NoticeKind.agreement_due,
                "key": f"agreement_due:{agreement.id}:{tomorrow.isoformat()}",
                "subject": f"agreement:{agreement.id}",
                "subject_on": tomorrow,
                "link": f"/citizens/{agreement.citizen_id}/board#agreement-{agreement.id}",
                "due_at": _at(tomorrow - timedelta(days=1), DUE_REMINDER_AT),
                "stale_at": _at(tomorrow, time(0, 0)),
            }
        )
        for agreement in rows
    ]


def _proposal(citizen_id: int, key: str, subject: str, thread: str, link: str, since: datetime) -> Found:
    return Found(
        {
            "user_id": citizen_id,
            "citizen_id": citizen_id,
            "kind": NoticeKind.proposal,
            "key": key,
            "subject": subject,
            "thread": thread,
            "link": link,
            "due_at": since,
            "stale_at": since + outbox.WAITING_STALE,
        }
    )


def proposals(session: Session, now: datetime) -> list[Found]:
    since = now - outbox.WAITING_STALE
    with_channel = _citizens_with_a_channel()
    found = []
    cards = session.exec(
        select(Agreement).where(
            col(Agreement.accepted_by_consultant),
            col(Agreement.accepted_by_citizen).is_(False),
            col(Agreement.deleted_at).is_(None),
            col(Agreement.status).in_(OPEN),
            col(Agreement.updated_at) > since,
            col(Agreement.citizen_id).in_(with_channel),
        )
    ).all()
    for card in cards:
        cid = card.citizen_id
        found.append(
            _proposal(
                cid,
                f"proposal:agreement:{card.id}:{card.revision}",
                f"agreement:{card.id}",
                f"agreement:{card.id}",
                f"/citizens/{cid}/board#agreement-{card.id}",
                card.updated_at,
            )
        )
    suggested = session.exec(
        select(Challenge).where(
            col(Challenge.status) == ChallengeStatus.suggested,
            col(Challenge.updated_at) > since,
            col(Challenge.citizen_id).in_(with_channel),
        )
    ).all()
    for challenge in suggested:
        cid = challenge.citizen_id
        found.append(
            _proposal(
                cid,
                f"proposal:challenge:{challenge.id}",
                f"challenge:{challenge.id}",
                f"citizen:{cid}",
                f"/citizens/{cid}/challenges",
                challenge.updated_at,
            )
        )
    wordings = session.exec(
        select(PlanSuggestion).where(
            col(PlanSuggestion.kind) == SuggestionKind.wording,
            col(PlanSuggestion.status) == SuggestionStatus.pending,
            col(PlanSuggestion.created_at) > since,
            col(PlanSuggestion.citizen_id).in_(with_channel),
        )
    ).all()
    for suggestion in wordings:
        cid = suggestion.citizen_id
        found.append(
            _proposal(
                cid,
                f"proposal:suggestion:{suggestion.id}",
                f"suggestion:{suggestion.id}",
                f"citizen:{cid}",
                f"/citizens/{cid}",
                suggestion.created_at,
            )
        )
    return found


class _Staff:
    """The consultants to tell about each citizen: only where the plan is shared with them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[int, list[int]] = {}

    def of(self, citizen_id: int) -> list[int]:
        if citizen_id not in self.known:
            shared = consent.state(session=self.session, citizen_id=citizen_id).plan_shared
            people = consultants_of(session=self.session, citizen_id=citizen_id) if shared else []
            self.known[citizen_id] = [p.id for p in people if p.id is not None and p.active]
        return self.known[citizen_id]


def _listed(staff_id: int, citizen_id: int, kind: NoticeKind, key: str, link: str, at: datetime) -> Found:
    return Found(
        {
            "user_id": staff_id,
            "citizen_id": citizen_id,
            "kind": kind,
            "key": f"{key}:{staff_id}",
            "link": link,
            "due_at": at,
            "state": NoticeState.listed,
        }
    )


def declines(session: Session, now: datetime) -> list[Found]:
    since = now - LOOK_BACK
    staff = _Staff(session)
    found = []
    for challenge in session.exec(
        select(Challenge).where(
            col(Challenge.status) == ChallengeStatus.declined, col(Challenge.updated_at) > since
        )
    ).all():
        cid = challenge.citizen_id
        key = f"decline:challenge:{challenge.id}:{challenge.updated_at.isoformat()}"
        found += [
            _listed(s, cid, NoticeKind.decline, key, f"/citizens/{cid}/challenges", challenge.updated_at)
            for s in staff.of(cid)
        ]
    for suggestion in session.exec(
        select(PlanSuggestion).where(
            col(PlanSuggestion.status) == SuggestionStatus.declined, col(PlanSuggestion.decided_at) > since
        )
    ).all():
        cid = suggestion.citizen_id
        at = suggestion.decided_at or now
        key = f"decline:suggestion:{suggestion.id}"
        found += [_listed(s, cid, NoticeKind.decline, key, f"/citizens/{cid}", at) for s in staff.of(cid)]
    return found


def ratings(session: Session, now: datetime) -> list[Found]:
    since = now - LOOK_BACK
    recent = session.exec(
        select(MeaningfulnessRating, Intervention.citizen_id)
        .join(Intervention, col(Intervention.id) == MeaningfulnessRating.intervention_id)
        .where(col(MeaningfulnessRating.rated_at) > since)
    ).all()
    if not recent:
        return []
    # Each intervention's ratings in order: a rating is "falling" against the one before it.
    history: dict[int, list[MeaningfulnessRating]] = defaultdict(list)
    for rating in session.exec(
        select(MeaningfulnessRating)
        .where(col(MeaningfulnessRating.intervention_id).in_({r.intervention_id for r, _ in recent}))
        .order_by(col(MeaningfulnessRating.rated_at), col(MeaningfulnessRating.id))
    ).all():
        history[rating.intervention_id].append(rating)
    staff = _Staff(session)
    found = []
    for rating, cid in recent:
        earlier = history[rating.intervention_id]
        upto = earlier[: earlier.index(rating) + 1] if rating in earlier else [rating]
        rated = [alerts.Rated(value=r.value, at=r.rated_at) for r in upto]
        if alerts.low(rated) is None and alerts.fell(rated) is None:
            continue
        link = f"/citizens/{cid}/interventions/{rating.intervention_id}"
        found += [
            _listed(s, cid, NoticeKind.rating, f"rating:{rating.id}", link, rating.rated_at)
            for s in staff.of(cid)
        ]
    return found


def digests(session: Session, settings: Settings, now: datetime) -> list[Found]:
    local = clock.local(now)
    if local.hour < settings.digest_hour:
        return []
    today = local.date()
    wanting = session.exec(
        select(NoticeSettings.user_id)
        .join(User, col(User.id) == NoticeSettings.user_id)
        .where(col(NoticeSettings.digest), col(User.role) == Role.consultant)
    ).all()
    return [
        Found(
            {
                "user_id": uid,
                "kind": NoticeKind.digest,
                "key": f"digest:{uid}:{today.isoformat()}",
                "link": "/notices",
                "due_at": _at(today, time(settings.digest_hour, 0)),
                "stale_at": _at(today + timedelta(days=1), time(0, 0)),
            }
        )
        for uid in wanting
    ]

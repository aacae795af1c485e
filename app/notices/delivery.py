"""Sends what is due in the outbox, each notice exactly once, with as many senders as you like.

On PostgreSQL a sender takes one due notice with `SELECT … FOR UPDATE SKIP LOCKED`, sends it,
records it and commits: the row's lock keeps every other sender off it until it is recorded, and
they take the next one instead. On SQLite (one process) a sender claims the notice for a while
(`claimed_until`) in a short transaction of its own, so the database file is never locked while
a mail server or a push service is being waited for.

Before sending, each notice is asked whether it still holds: too late (`stale_at`), no longer
true (the meeting moved, the proposal was answered), nobody to send it to (no channel), inside
the recipient's quiet hours (it waits until they end), or less than half an hour after the last
notice of its thread (it waits, and says everything in one)."""

import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, func, update
from sqlmodel import Session, col, select

from app import clock
from app.access import consent
from app.access.rules import caseload
from app.core.config import Settings
from app.core.i18n import translator
from app.models import (
    Agreement,
    AgreementStatus,
    Challenge,
    ChallengeStatus,
    Meeting,
    Notice,
    NoticeKind,
    NoticeSettings,
    NoticeState,
    PlanSuggestion,
    PushSubscription,
    SuggestionStatus,
    User,
)
from app.notices import channels, wording
from app.notices.outbox import STAFF, closed_key
from app.notices.preferences import Choices, choices_of, quiet_end
from app.notices.vapid import VapidKeys, vapid_keys

log = logging.getLogger("tavle.notices")

# At most one notice per thread (an agreement's conversation) in this long.
BATCH_WINDOW = timedelta(minutes=30)
MAX_ATTEMPTS = 5
# After a failed try: 1, 4, 9, 16 minutes.
RETRY_STEP = timedelta(minutes=1)
# SQLite: how long a claimed notice is left alone (far longer than any channel's time limit).
CLAIM_FOR = timedelta(minutes=10)
# A push the phone has not fetched by then is dropped by the push service.
PUSH_TTL = timedelta(hours=12)
OPEN_AGREEMENT = (AgreementStatus.todo, AgreementStatus.doing)


@dataclass
class Report:
    sent: int = 0
    dropped: int = 0
    postponed: int = 0
    retried: int = 0
    failed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str, reason: str = "") -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if reason:
            self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.postponed} postponed, {self.retried} to retry, "
            f"{self.dropped} dropped, {self.failed} failed"
        )


def deliver_due(*, engine: Engine, settings: Settings, limit: int | None = None) -> Report:
    """Sends every notice due now (at most `limit`), one at a time; returns what happened."""
    report = Report()
    handled = 0
    while limit is None or handled < limit:
        with Session(engine, expire_on_commit=False) as session:
            notice = _claim(session)
            if notice is None:
                break
            _handle(session, notice, settings, report)
            session.commit()
        handled += 1
    return report


def _claim(session: Session) -> Notice | None:
    now = clock.now()
    due = (
        select(Notice)
        .where(col(Notice.state) == NoticeState.pending, col(Notice.due_at) <= now)
        .order_by(col(Notice.due_at), col(Notice.id))
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Held until this session commits; other senders skip it and take the next.
        return session.exec(due.with_for_update(skip_locked=True)).first()
    free = or_free(now)
    candidate = session.exec(
        select(Notice.id)
        .where(col(Notice.state) == NoticeState.pending, col(Notice.due_at) <= now, free)
        .order_by(col(Notice.due_at), col(Notice.id))
        .limit(1)
    ).first()
    if candidate is None:
        session.rollback()
        return None
    claimed = session.execute(
        update(Notice)
        .where(col(Notice.id) == candidate, col(Notice.state) == NoticeState.pending, free)
        .values(claimed_until=now + CLAIM_FOR)
    )
    session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None  # another process was quicker: the next round takes another
    return session.get(Notice, candidate)


def or_free(now: datetime) -> ColumnElement[bool]:
    return (col(Notice.claimed_until).is_(None)) | (col(Notice.claimed_until) <= now)


def _handle(session: Session, notice: Notice, settings: Settings, report: Report) -> None:
    now = clock.now()
    if notice.stale_at is not None and now >= notice.stale_at:
        return _finish(session, notice, report, NoticeState.dropped, "stale")
    if not still_true(session, notice, now):
        return _finish(session, notice, report, NoticeState.dropped, "no longer true")
    user = session.get(User, notice.user_id)
    if user is None or not user.active:
        return _finish(session, notice, report, NoticeState.dropped, "no recipient")
    if notice.kind == NoticeKind.digest:
        return _send_digest(session, notice, user, settings, report)
    chosen = choices_of(session=session, user_id=user.id or 0)
    sends = _senders(settings, chosen, session)
    if not sends:
        return _finish(session, notice, report, NoticeState.dropped, "no channel")
    quiet = quiet_end(session.get(NoticeSettings, notice.user_id), now)
    if quiet is not None:
        return _postpone(session, notice, report, quiet, "quiet hours")
    if notice.thread:
        after = _thread_free_at(session, notice)
        if after is not None and now < after:
            return _postpone(session, notice, report, after, "batched")
    t = translator(user.locale or settings.default_locale)
    words = wording.words(
        t=t, settings=settings, kind=notice.kind, link=notice.link, meeting_at=notice.subject_at
    )
    done = set(filter(None, notice.channels.split(",")))
    problems = []
    for name, send in sends.items():
        if name in done:
            continue
        try:
            send(words, notice, now)
            done.add(name)
        except channels.NotDelivered as failed:
            problems.append(str(failed))
    notice.channels = ",".join(sorted(done))
    if not problems:
        return _finish(session, notice, report, NoticeState.sent)
    notice.attempts += 1
    notice.error = "; ".join(problems)[:300]
    if notice.attempts >= MAX_ATTEMPTS:
        state = NoticeState.sent if done else NoticeState.failed
        return _finish(session, notice, report, state, "gave up")
    notice.due_at = now + RETRY_STEP * notice.attempts**2
    notice.claimed_until = None
    session.add(notice)
    report.count("retried", notice.error)
    log.warning("notice %s: %s (try %s of %s)", notice.id, notice.error, notice.attempts, MAX_ATTEMPTS)


Send = Callable[[wording.Words, Notice, datetime], None]


def _senders(settings: Settings, chosen: Choices, session: Session) -> dict[str, Send]:
    """The channels this person chose that this server can use, each as one call."""
    found: dict[str, Send] = {}
    email, sms = chosen.email, chosen.sms
    if settings.email_enabled and email is not None and email.confirmed_at is not None:
        to = email.address

        def by_email(words: wording.Words, _notice: Notice, _now: datetime) -> None:
            t = translator(words.locale)
            mail = channels.Mail(to=to, subject=words.headline, body=words.email_body(t), locale=words.locale)
            channels.send_email(settings=settings, mail=mail)

        found["email"] = by_email
    if settings.sms_enabled and sms is not None and sms.confirmed_at is not None:
        number = sms.address

        def by_sms(words: wording.Words, _notice: Notice, _now: datetime) -> None:
            channels.send_sms(settings=settings, to=number, text=words.sms())

        found["sms"] = by_sms
    keys = vapid_keys(settings) if chosen.pushes else None
    if keys is not None:
        found["push"] = _by_push(session, settings, keys, chosen.pushes)
    return found


def _by_push(session: Session, settings: Settings, keys: VapidKeys, pushes: list[PushSubscription]) -> Send:
    def by_push(words: wording.Words, notice: Notice, now: datetime) -> None:
        t = translator(words.locale)
        ttl = PUSH_TTL if notice.stale_at is None else min(PUSH_TTL, notice.stale_at - now)
        payload = words.push(t, tag=notice.thread or notice.kind)
        reached, failures = 0, []
        for subscription in pushes:
            target = channels.PushTarget(
                subscription.endpoint, subscription.public_key, subscription.auth_secret
            )
            try:
                channels.send_push(
                    settings=settings, keys=keys, target=target, payload=payload, ttl=int(ttl.total_seconds())
                )
                reached += 1
            except channels.SubscriptionGone:
                session.delete(subscription)
            except channels.NotDelivered as failed:
                failures.append(str(failed))
        if failures and not reached:
            raise channels.NotDelivered("; ".join(failures))

    return by_push


def still_true(session: Session, notice: Notice, now: datetime) -> bool:
    """Whether what the notice is about is still so, read now (a notice names no content, but it
    must not remind of a meeting that moved or a proposal already answered)."""
    kind, _, ident = (notice.subject or "").partition(":")
    if not ident.isdigit():
        return True
    number = int(ident)
    if kind == "meeting":
        meeting = session.get(Meeting, number)
        return meeting is not None and meeting.at == notice.subject_at and meeting.at > now
    if kind == "agreement":
        agreement = session.get(Agreement, number)
        if agreement is None or agreement.deleted_at is not None or agreement.status not in OPEN_AGREEMENT:
            return False
        if notice.kind == NoticeKind.agreement_due:
            return agreement.due_on == notice.subject_on
        if notice.kind == NoticeKind.proposal:
            return agreement.accepted_by_consultant and not agreement.accepted_by_citizen
        return True
    if kind == "challenge":
        challenge = session.get(Challenge, number)
        return challenge is not None and challenge.status == ChallengeStatus.suggested
    if kind == "suggestion":
        suggestion = session.get(PlanSuggestion, number)
        return suggestion is not None and suggestion.status == SuggestionStatus.pending
    return True


def _thread_free_at(session: Session, notice: Notice) -> datetime | None:
    """When the thread may have its next notice: half an hour after its last one."""
    if session.get_bind().dialect.name == "postgresql":
        # Two senders holding two notices of one thread must not both find it free.
        thread_key = zlib.crc32(f"{notice.user_id}:{notice.thread}".encode())
        session.execute(select(func.pg_advisory_xact_lock(thread_key)))
    last = session.exec(
        select(func.max(Notice.sent_at)).where(
            col(Notice.user_id) == notice.user_id,
            col(Notice.thread) == notice.thread,
            col(Notice.state) == NoticeState.sent,
        )
    ).first()
    return last + BATCH_WINDOW if last is not None else None


def _send_digest(session: Session, notice: Notice, user: User, settings: Settings, report: Report) -> None:
    """The consultant's daily e-mail: how many messages, declines and low or falling ratings came
    in since the last one, for the citizens who share their plan with them."""
    chosen = session.get(NoticeSettings, notice.user_id)
    if user.role not in STAFF or chosen is None or not chosen.digest or not user.email:
        return _finish(session, notice, report, NoticeState.dropped, "no digest")
    if not settings.email_enabled:
        return _finish(session, notice, report, NoticeState.dropped, "no channel")
    since = session.exec(
        select(func.max(Notice.sent_at)).where(
            col(Notice.user_id) == notice.user_id,
            col(Notice.kind) == NoticeKind.digest,
            col(Notice.state) == NoticeState.sent,
        )
    ).first() or (clock.now() - timedelta(days=1))
    counts = listed_counts(session=session, staff=user, since=since)
    if not any(counts.values()):
        return _finish(session, notice, report, NoticeState.dropped, "nothing new")
    t = translator(user.locale or settings.default_locale)
    mail = channels.Mail(
        to=user.email,
        subject=t.gettext(wording.DIGEST_SUBJECT),
        body=wording.digest_body(t, settings, counts),
        locale=t.locale,
    )
    try:
        channels.send_email(settings=settings, mail=mail)
    except channels.NotDelivered as failed:
        notice.attempts += 1
        notice.error = str(failed)
        if notice.attempts >= MAX_ATTEMPTS:
            return _finish(session, notice, report, NoticeState.failed, "gave up")
        return _postpone(session, notice, report, clock.now() + RETRY_STEP * notice.attempts**2, "retry")
    notice.channels = "email"
    return _finish(session, notice, report, NoticeState.sent)


def visible_citizens(*, session: Session, staff: User) -> set[int]:
    """The citizens whose news this staff member may see: in their caseload, sharing their plan."""
    ids = [c.id for c in caseload(session=session, consultant=staff) if c.id is not None]
    shared = consent.states(session=session, citizen_ids=ids)
    return {cid for cid, state in shared.items() if state.plan_shared}


def listed_counts(*, session: Session, staff: User, since: datetime) -> dict[str, int]:
    visible = visible_citizens(session=session, staff=staff)
    rows = session.exec(
        select(Notice.kind, Notice.citizen_id).where(
            col(Notice.user_id) == staff.id,
            col(Notice.state) == NoticeState.listed,
            col(Notice.created_at) > since,
        )
    ).all()
    counts: dict[str, int] = {}
    for kind, citizen_id in rows:
        if citizen_id in visible:
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def _postpone(session: Session, notice: Notice, report: Report, until: datetime, reason: str) -> None:
    notice.due_at = until
    notice.claimed_until = None
    session.add(notice)
    report.count("postponed", reason)


def _finish(session: Session, notice: Notice, report: Report, state: NoticeState, reason: str = "") -> None:
    now = clock.now()
    values: dict[str, object] = {"state": state, "claimed_until": None, "channels": notice.channels}
    if state == NoticeState.sent:
        values["sent_at"] = now
        report.count("sent")
    else:
        values["error"] = (notice.error or reason)[:300]
        report.count("failed" if state == NoticeState.failed else "dropped", reason)
    if notice.kind == NoticeKind.message:
        # The thread's next message may start a notice of its own.
        values["key"] = closed_key(notice.key)
    session.execute(update(Notice).where(col(Notice.id) == notice.id).values(**values))
    session.expire(notice)

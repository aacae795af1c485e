"""Notices outside Tavle: the outbox of what is to be sent, the channels a person chose and
confirmed, their quiet hours, and the private calendar feed.

A notice names no content: it says only what kind of thing waits (a message, a meeting
tomorrow) and links to Tavle. The columns hold no plan text, so a notice row is harmless even
where a person's plan is not: what it is about is kept as a reference (`subject`) to check, when
it is time to send, that the notice still holds."""

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow

ADDRESS_MAX = 254
ENDPOINT_MAX = 1000
# Default quiet hours: nothing is sent from 21:00 until 08:00 Copenhagen time.
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)


class NoticeKind(StrEnum):
    meeting_day = "meeting_day"  # a meeting 24 hours ahead
    meeting_hour = "meeting_hour"  # a meeting 1 hour ahead
    agreement_due = "agreement_due"  # an agreement due tomorrow
    proposal = "proposal"  # a proposal waiting for the citizen
    message = "message"  # a message waiting for the recipient
    decline = "decline"  # for the consultant: the citizen said no thanks to a suggestion
    rating = "rating"  # for the consultant: a low or falling meaningfulness rating
    digest = "digest"  # the consultant's daily e-mail


class NoticeState(StrEnum):
    pending = "pending"  # waits in the outbox until `due_at`
    sent = "sent"
    dropped = "dropped"  # stale, no longer true, or no channel left: never sent
    failed = "failed"  # every try failed
    listed = "listed"  # for staff: shown in Tavle's own list, never sent out


class Channel(StrEnum):
    push = "push"
    email = "email"
    sms = "sms"


class Notice(SQLModel, table=True):
    """One row per notice. `key` says what it is about, so finding the same thing twice (two
    workers, a restart) adds nothing; a waiting message notice holds its thread's key until it
    goes out, so one notice gathers every message written meanwhile."""

    __table_args__ = (Index("ix_notice_state_due", "state", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # Who gets it; `citizen_id`: whose plan it is about (so it is exported and erased with it).
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    citizen_id: int | None = Field(default=None, foreign_key="app_user.id", index=True, ondelete="CASCADE")
    kind: NoticeKind = Field(sa_column=Column(String(20), nullable=False))
    key: str = Field(max_length=200, unique=True)
    # Notices in one thread (say "agreement:12") go out at most once per batching window.
    thread: str | None = Field(default=None, max_length=80)
    # What it is about ("meeting:5", "agreement:12"), and the time or date it was about then.
    subject: str | None = Field(default=None, max_length=80)
    subject_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    subject_on: date | None = None
    # A path in Tavle; made absolute with the public URL when sent.
    link: str = Field(default="/", max_length=300)
    state: NoticeState = Field(default=NoticeState.pending, sa_column=Column(String(20), nullable=False))
    due_at: datetime = Field(sa_type=UTCDateTime)
    # After this it is not sent at all: a reminder of a meeting that has begun helps nobody.
    stale_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # SQLite only: a sender holds a notice until then (PostgreSQL holds the row's lock instead).
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    # The channels it went out on, comma-separated; a retry skips them.
    channels: str = Field(default="", max_length=60)
    error: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NoticeSettings(SQLModel, table=True):
    """What a person chose. No row: the defaults (quiet 21:00-08:00, no digest)."""

    __tablename__ = "notice_settings"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    quiet: bool = True
    quiet_from: time = QUIET_FROM
    quiet_until: time = QUIET_UNTIL
    # Staff: a daily e-mail of what came in (to their own e-mail address).
    digest: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NoticeAddress(SQLModel, table=True):
    """An e-mail address or a mobile number for notices: nothing is sent to it but the code
    until the person has typed that code back (`confirmed_at`)."""

    __tablename__ = "notice_address"
    __table_args__ = (UniqueConstraint("user_id", "channel", name="uq_notice_address_user_channel"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    channel: Channel = Field(sa_column=Column(String(20), nullable=False))
    address: str = Field(max_length=ADDRESS_MAX)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    code_digest: str | None = Field(default=None, max_length=64)
    code_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    code_attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PushSubscription(SQLModel, table=True):
    """A browser's (the installed app's) Web Push subscription: where to send, and the keys the
    payload is encrypted with. One per phone or browser."""

    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    endpoint: str = Field(max_length=ENDPOINT_MAX, unique=True)
    # The browser's P-256 key (p256dh) and auth secret, base64url as the browser gave them.
    public_key: str = Field(max_length=200)
    auth_secret: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CalendarFeed(SQLModel, table=True):
    """A person's private calendar address. The token in it is derived from `token_nonce` and
    the app's secret key, and looked up by its digest; renewing draws a new nonce, so the old
    address finds nothing."""

    __tablename__ = "calendar_feed"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    token_nonce: str = Field(max_length=64)
    token_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

"""The outbox: every notice Tavle means to send is a row here first, written in the same
transaction as whatever made it due, and sent later by `app.notices.delivery` (the
`python -m app notify` command). A row's `key` says what it is about, so finding the same
reason twice adds nothing: two workers scanning at once, or a scan after a restart.

`message_waiting` is the one call the conversation code makes when a message waits for someone.
Staff see it in Tavle's own list (and their daily digest); everyone else gets it on the channels
they chose, batched: one waiting notice per person and thread gathers every message written
before it goes out, and `app.notices.delivery` sends at most one per thread per half hour."""

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, String, cast, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.models import Notice, NoticeKind, NoticeState, Role, User
from app.models.base import utcnow

# A message or proposal nobody has been told about for this long is old news: it is not sent.
WAITING_STALE = timedelta(days=3)
STAFF = (Role.consultant, Role.manager, Role.admin)


def add(
    session: Session,
    *,
    user_id: int,
    kind: NoticeKind,
    key: str,
    due_at: datetime,
    link: str,
    citizen_id: int | None = None,
    thread: str | None = None,
    subject: str | None = None,
    subject_at: datetime | None = None,
    subject_on: date | None = None,
    stale_at: datetime | None = None,
    state: NoticeState = NoticeState.pending,
) -> bool:
    """Adds the notice unless one with the same `key` is there already (then nothing changes).
    In the caller's transaction; True when it was added."""
    values = {
        "user_id": user_id,
        "citizen_id": citizen_id,
        "kind": kind.value,
        "key": key,
        "thread": thread,
        "subject": subject,
        "subject_at": subject_at,
        "subject_on": subject_on,
        "link": link,
        "state": state.value,
        "due_at": due_at,
        "stale_at": stale_at,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Notice)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[col(Notice.key)])
        .returning(col(Notice.id))
    )
    return session.execute(statement).scalar_one_or_none() is not None


def open_key(user_id: int, thread: str) -> str:
    """The key of the one notice that may wait for `user_id` in `thread` at a time."""
    return f"message:{user_id}:{thread}"


def message_waiting(
    *, session: Session, recipient_id: int, thread: str, link: str, citizen_id: int | None = None
) -> bool:
    """A message waits for `recipient_id` in `thread` (say "agreement:12", or "citizen:5" for a
    citizen's general thread); `link` is the path in Tavle where it is read, `citizen_id` whose
    plan the thread belongs to. Call it in the transaction that saves the message; it does not
    commit. While a notice for the thread still waits, this adds nothing: that one notice will
    say there is news. True when a notice was added."""
    recipient = session.get(User, recipient_id)
    if recipient is None:
        return False
    now = utcnow()
    staff = recipient.role in STAFF
    return add(
        session,
        user_id=recipient_id,
        citizen_id=citizen_id,
        kind=NoticeKind.message,
        key=open_key(recipient_id, thread),
        thread=thread,
        link=link,
        due_at=now,
        stale_at=None if staff else now + WAITING_STALE,
        state=NoticeState.listed if staff else NoticeState.pending,
    )


def message_read(*, session: Session, recipient_id: int, thread: str) -> None:
    """`recipient_id` has read `thread` in Tavle: a notice about it that still waits is not
    sent, and a staff member's list marks it read. Call it in the reader's transaction."""
    now = utcnow()
    key = open_key(recipient_id, thread)
    session.execute(
        update(Notice)
        .where(col(Notice.key) == key, col(Notice.state) == NoticeState.pending)
        .values(state=NoticeState.dropped, error="read in Tavle", key=closed_key(key))
    )
    session.execute(
        update(Notice)
        .where(col(Notice.key) == key, col(Notice.state) == NoticeState.listed)
        .values(read_at=now, key=closed_key(key))
    )


def closed_key(key: str) -> ColumnElement[str]:
    """A key no longer open: the row's own id makes it unique, and frees the open key for the
    next notice in the thread. (An expression over the row, for an UPDATE.)"""
    return literal(f"{key}:", String) + cast(col(Notice.id), String)

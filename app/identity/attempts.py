"""Attempt counters in the database, taken before a secret is checked.

A sign-in first reserves its attempt with one atomic statement (an INSERT ... ON CONFLICT DO
UPDATE ... RETURNING, on SQLite and PostgreSQL alike), commits it, and only then checks the
secret, and only when the reservation is within the limit. So however many attempts arrive at
the same moment, no more than the limit are ever checked: the database hands out the numbers
1, 2, 3, ... one at a time. The attempt that reaches the limit also sets the lock in the same
statement; a right answer clears the count (`clear`) or gives its attempt back (`give_back`).

The rows are `LoginThrottle`'s: `failures` counts the attempts reserved (those under way
included), `locked_until` is the pause, and `updated_at` is when the present count began (for
counts that lapse after a window, such as the per-address one)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, literal, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.models import LoginThrottle
from app.models.base import UTCDateTime, utcnow

TABLE = LoginThrottle.__table__  # type: ignore[attr-defined]
KEY_MAX = 120


@dataclass(frozen=True)
class Reservation:
    key: str
    number: int
    """This attempt's number in the present count (1 for the first)."""
    limit: int
    locked_until: datetime | None

    @property
    def allowed(self) -> bool:
        """Whether this attempt may be checked: within the limit and not paused before it."""
        return self.number <= self.limit

    @property
    def last(self) -> bool:
        """The attempt that reached the limit: if it fails, sign-in is paused."""
        return self.number >= self.limit


def reserve(
    session: Session,
    *,
    key: str,
    limit: int,
    lock: timedelta,
    window: timedelta | None = None,
    now: datetime | None = None,
) -> Reservation:
    """Counts one more attempt for `key` and commits it, in one atomic statement. A pause that
    has ended starts the count again at 1; so does a count older than `window`, when given. The
    attempt that reaches `limit` sets the pause to last `lock` from now."""
    key = key[:KEY_MAX]
    now = now or utcnow()
    until = now + lock
    c = TABLE.c
    stamp = literal(now, UTCDateTime)
    lapsed: Any = and_(c.locked_until.is_not(None), c.locked_until <= stamp)
    if window is not None:
        lapsed = or_(
            lapsed, and_(c.locked_until.is_(None), c.updated_at <= literal(now - window, UTCDateTime))
        )
    counted = case((lapsed, 1), else_=c.failures + 1)
    first_lock = until if limit <= 1 else None
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(TABLE)
        .values(key=key, failures=1, locked_until=first_lock, updated_at=now)
        .on_conflict_do_update(
            index_elements=[c.key],
            set_={
                "failures": counted,
                "locked_until": case(
                    (lapsed, literal(first_lock, UTCDateTime)),
                    (and_(c.locked_until.is_(None), c.failures + 1 >= limit), literal(until, UTCDateTime)),
                    else_=c.locked_until,
                ),
                "updated_at": case((lapsed, stamp), else_=c.updated_at),
            },
        )
        .returning(c.failures, c.locked_until)
    )
    number, locked_until = session.execute(statement).one()
    session.commit()
    return Reservation(key=key, number=int(number), limit=limit, locked_until=locked_until)


KEPT_FOR = timedelta(days=1)


def forget_old(session: Session, *, now: datetime | None = None) -> int:
    """Deletes counts that began more than a day ago and hold no pause: they would start again
    anyway, and client addresses are not kept longer than they serve. Returns how many."""
    now = now or utcnow()
    c = TABLE.c
    stamp = literal(now, UTCDateTime)
    result = session.execute(
        delete(TABLE).where(
            c.updated_at < literal(now - KEPT_FOR, UTCDateTime),
            or_(c.locked_until.is_(None), c.locked_until < stamp),
        )
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def locked_until(session: Session, *, key: str, now: datetime | None = None) -> datetime | None:
    """When the pause on `key` ends, while one lasts (a read, nothing counted)."""
    row = session.get(LoginThrottle, key[:KEY_MAX])
    now = now or utcnow()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


def clear(session: Session, *, key: str) -> None:
    """A right answer: the count for `key` starts again (the pause with it)."""
    session.execute(delete(TABLE).where(TABLE.c.key == key[:KEY_MAX]))
    session.commit()


def give_back(session: Session, *, key: str, limit: int) -> None:
    """A right answer, or an attempt that was never checked: its reservation is returned, so
    only wrong answers count (for counts shared by many people, such as an address). A pause
    the returned attempt had set is lifted again."""
    c = TABLE.c
    remaining = c.failures - 1
    session.execute(
        update(TABLE)
        .where(c.key == key[:KEY_MAX], c.failures > 0)
        .values(
            failures=remaining,
            locked_until=case((remaining < limit, None), else_=c.locked_until),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()

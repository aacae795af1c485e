"""The limits on sign-in with a secret (password, PIN): per account, and per client address.

Both are counted in the database before the secret is checked (`app.identity.attempts`), so a
burst of attempts gets no more checks than the limits allow: at most `login_max_attempts` wrong
secrets in a row for one account, and at most `login_max_per_address` wrong sign-ins from one
address in a lock window, whichever accounts they name (60 invented codes from one address are
not all checked: each check costs about 0.2 s of CPU on purpose). A right secret clears the
account's count and gives the address its attempt back, so a busy office behind one address
is held up only by wrong ones."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlmodel import Session

from app.core.config import Settings
from app.identity import attempts
from app.models.base import utcnow

T = TypeVar("T")


def address_key(address: str | None) -> str | None:
    return f"ip:{address}" if address else None


def guarded(
    *,
    session: Session,
    settings: Settings,
    key: str,
    address: str | None,
    verify: Callable[[], T | None],
) -> tuple[T | None, datetime | None]:
    """Runs `verify` (the costly check) only when both counts have room for one more attempt.
    Returns what it found, or None, and when sign-in is paused (None: not paused)."""
    lock = timedelta(minutes=settings.login_lock_minutes)
    _now_and_then_forget_old(session)
    paused = attempts.locked_until(session, key=key)
    if paused is not None:
        return None, paused
    near_key = address_key(address)
    near = None
    if near_key is not None:
        near = attempts.reserve(
            session, key=near_key, limit=settings.login_max_per_address, lock=lock, window=lock
        )
        if not near.allowed:
            return None, _until(near, lock)
    mine = attempts.reserve(session, key=key, limit=settings.login_max_attempts, lock=lock)
    if not mine.allowed:
        if near_key is not None:
            attempts.give_back(session, key=near_key, limit=settings.login_max_per_address)
        return None, _until(mine, lock)
    found = verify()
    if found is not None:
        attempts.clear(session, key=key)
        if near_key is not None:
            attempts.give_back(session, key=near_key, limit=settings.login_max_per_address)
        return found, None
    if mine.last:
        return None, _until(mine, lock)
    if near is not None and near.last:
        return None, _until(near, lock)
    return None, None


FORGET_EVERY = timedelta(minutes=10)
_forgotten_at: list[datetime] = []


def _now_and_then_forget_old(session: Session) -> None:
    """Old counts (and the addresses in them) are deleted by sign-ins, at most every ten
    minutes per process: no timer of its own to start and stop."""
    now = utcnow()
    if _forgotten_at and now - _forgotten_at[-1] < FORGET_EVERY:
        return
    _forgotten_at[:] = [now]
    attempts.forget_old(session, now=now)


def counted(
    *, session: Session, settings: Settings, key: str, limit: int | None = None, window: bool = False
) -> attempts.Reservation:
    """Reserves one attempt for `key` (limit: `login_max_attempts` unless given; with `window`,
    the count lapses after the lock time, as an address's does)."""
    lock = timedelta(minutes=settings.login_lock_minutes)
    return attempts.reserve(
        session,
        key=key,
        limit=limit if limit is not None else settings.login_max_attempts,
        lock=lock,
        window=lock if window else None,
    )


def paused_until(reservation: attempts.Reservation, settings: Settings) -> datetime:
    return _until(reservation, timedelta(minutes=settings.login_lock_minutes))


def _until(reservation: attempts.Reservation, lock: timedelta) -> datetime:
    return reservation.locked_until or utcnow() + lock

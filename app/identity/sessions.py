"""Sign-in, sessions and the throttle that slows down guessing of passwords and PINs."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.access.changes import access_changed
from app.core.config import Settings
from app.core.refusals import AccountClosed
from app.core.security import digest, new_token, normalise_code, verify_secret
from app.identity import attempts, limits
from app.live.unit_of_work import unit_of_work
from app.models import AuthSession, Role, User
from app.models.base import utcnow

TOUCH_AT_LEAST_EVERY = timedelta(minutes=1)


class LoginLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str


def authenticate_staff(
    *, session: Session, settings: Settings, email: str, password: str, address: str | None = None
) -> User | None:
    """Consultants (and later managers and admins) sign in with email and password. The attempt
    is counted (for the account and for the client's `address`) before the password is checked."""
    email = email.strip().lower()

    def verify() -> User | None:
        user = session.exec(select(User).where(User.email == email)).first()
        staff = user is not None and user.role != Role.citizen
        ok = verify_secret(password, user.password_hash if staff and user else None)
        return user if ok else None

    return _guarded(session=session, settings=settings, key=f"email:{email}", address=address, verify=verify)


def authenticate_citizen(
    *, session: Session, settings: Settings, code: str, pin: str, address: str | None = None
) -> User | None:
    """Citizens (and the network members they invite) sign in with their personal code and PIN.
    The attempt is counted (for the code and for the client's `address`) before the PIN is checked."""
    code_digest = digest(normalise_code(code))

    def verify() -> User | None:
        user = session.exec(select(User).where(User.invitation_digest == code_digest)).first()
        by_code = user is not None and user.role in (Role.citizen, Role.network)
        ok = verify_secret(pin, user.pin_hash if by_code and user else None)
        return user if ok else None

    return _guarded(
        session=session, settings=settings, key=f"code:{code_digest}", address=address, verify=verify
    )


def _guarded(
    *, session: Session, settings: Settings, key: str, address: str | None, verify: Callable[[], User | None]
) -> User | None:
    user, paused = limits.guarded(session=session, settings=settings, key=key, address=address, verify=verify)
    if paused is not None:
        raise LoginLocked(paused)
    return user


def raise_if_locked(*, session: Session, key: str) -> None:
    until = attempts.locked_until(session, key=key)
    if until is not None:
        raise LoginLocked(until)


def settle(*, session: Session, settings: Settings, key: str, user: User | None) -> User | None:
    """After a check made elsewhere: a right answer clears the count, a wrong one is counted
    (atomically) and raises LoginLocked on the one that reaches the limit. Prefer counting
    before the check (`app.identity.throttle.attempt`), which bounds a burst too."""
    if user is not None:
        attempts.clear(session, key=key)
        return user
    reservation = limits.counted(session=session, settings=settings, key=key)
    if reservation.last:
        raise LoginLocked(limits.paused_until(reservation, settings))
    return None


def start_session(
    *, session: Session, settings: Settings, user: User, replacing: str | None = None
) -> SignedIn:
    """A new session for `user`. `replacing`: the session token this browser had until now
    (someone else's, or an older one of theirs); that session ends on the server in the same
    commit, so signing in as someone else never leaves the first person signed in."""
    token = new_token()
    assert user.id is not None
    if not user.active:
        raise AccountClosed()
    with unit_of_work(session) as work:
        if replacing:
            old = session.get(AuthSession, digest(replacing))
            if old is not None:
                session.delete(old)
                # Its open views end too.
                access_changed(work, people=[old.user_id])
        session.add(
            AuthSession(
                token_digest=digest(token),
                user_id=user.id,
                csrf_token=new_token(),
                expires_at=utcnow() + timedelta(days=settings.session_days),
            )
        )
    return SignedIn(user=user, token=token)


# Every request and every live event asks: the statement is built (and its cache key made) once.
_SIGNED_IN = (
    select(AuthSession, User)
    .join(User, User.id == AuthSession.user_id)  # type: ignore[arg-type]
    .where(AuthSession.token_digest == bindparam("token_digest"))
)


@dataclass(frozen=True)
class Current:
    """Who a session token belongs to now, and when that sign-in ends if nothing more is done."""

    user: User
    ends_at: datetime


def current(*, session: Session, settings: Settings, token: str) -> Current | None:
    """The user a session token belongs to, while the session lasts: one query."""
    row = session.exec(_SIGNED_IN, params={"token_digest": digest(token)}).first()
    if row is None:
        return None
    record, user = row
    if not user.active:
        # A closed account: its sessions ended when it was closed; none is honoured after.
        return None
    now = utcnow()
    if not _lasts(settings, record.expires_at, record.last_seen_at, now):
        session.delete(record)
        session.commit()
        return None
    if now - record.last_seen_at > touch_every(settings):
        record.last_seen_at = now
        session.add(record)
        session.commit()
    idle_end = record.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    return Current(user=user, ends_at=min(record.expires_at, idle_end))


def user_for_token(*, session: Session, settings: Settings, token: str) -> User | None:
    signed_in = current(session=session, settings=settings, token=token)
    return signed_in.user if signed_in else None


def _lasts(settings: Settings, expires_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    return expires_at > now and last_seen_at + timedelta(minutes=settings.session_idle_minutes) > now


def touch_every(settings: Settings) -> timedelta:
    """How often a session's use is written down: at most once per twenty-fourth of the idle
    limit (five minutes of two hours), so an open board does not write on every request."""
    return max(TOUCH_AT_LEAST_EVERY, timedelta(minutes=settings.session_idle_minutes) / 24)


def end_session(*, session: Session, token: str) -> None:
    """Sign out: the session ends, and so does every live view opened with it."""
    record = session.get(AuthSession, digest(token))
    if record is not None:
        with unit_of_work(session) as work:
            session.delete(record)
            access_changed(work, people=[record.user_id])


def end_all_sessions(*, session: Session, user_id: int) -> int:
    """Sign out everywhere: every device this person is signed in on, and their live views."""
    with unit_of_work(session) as work:
        records = session.exec(select(AuthSession).where(AuthSession.user_id == user_id)).all()
        for record in records:
            session.delete(record)
        access_changed(work, people=[user_id])
    return len(records)

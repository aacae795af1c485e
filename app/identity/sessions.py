"""Sign-in, sessions and the throttle that slows down guessing of passwords and PINs."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.core.config import Settings
from app.core.memo import MISSING, Missing
from app.core.row_cache import RowCaches, SessionRecord, reader, session_caches
from app.core.security import digest, new_token, normalise_code, verify_secret
from app.identity import attempts, limits
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


def _raise_if_locked(*, session: Session, key: str) -> None:
    until = attempts.locked_until(session, key=key)
    if until is not None:
        raise LoginLocked(until)


def _settle(*, session: Session, settings: Settings, key: str, user: User | None) -> User | None:
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
    if replacing:
        old = session.get(AuthSession, digest(replacing))
        if old is not None:
            session.delete(old)
    session.add(
        AuthSession(
            token_digest=digest(token),
            user_id=user.id,
            csrf_token=new_token(),
            expires_at=utcnow() + timedelta(days=settings.session_days),
        )
    )
    session.commit()
    return SignedIn(user=user, token=token)


def user_for_token(*, session: Session, settings: Settings, token: str) -> User | None:
    """The user a session token belongs to, while the session lasts. Every request asks this
    first: the answer usually comes from the process's copy (`signed_in`), else one query."""
    caches = session_caches(session)
    found = signed_in(caches=caches, settings=settings, token=token)
    if not isinstance(found, Missing):
        return found
    key = digest(token)
    generation = caches.sessions.generation, caches.users.generation
    with reader(session) as own:
        row = own.exec(
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)  # type: ignore[arg-type]
            .where(AuthSession.token_digest == key)
        ).first()
    if row is None:
        return None
    record, user = row
    now = utcnow()
    if not _lasts(settings, record.expires_at, record.last_seen_at, now):
        own_record = session.get(AuthSession, key)
        if own_record is not None:
            session.delete(own_record)
            session.commit()
        return None
    if _needs_touch(settings, record.last_seen_at, now):
        _touch(session, key, now)
        return user
    assert user.id is not None
    caches.sessions.put(key, SessionRecord(user.id, record.expires_at, record.last_seen_at), generation[0])
    return caches.share_user(user, generation[1])


def still_signed_in(session: Session, *, settings: Settings, token: str, user_id: int | None) -> bool:
    """An open event stream asks now and then: is its sign-in still the same person's?"""
    user = user_for_token(session=session, settings=settings, token=token)
    return user is not None and user.id == user_id


def signed_in(*, caches: RowCaches, settings: Settings, token: str) -> User | Missing:
    """From the process's copies alone: the user, or MISSING when only the database can tell
    (no copy, the session has ended, or it is due to be marked as used)."""
    record = caches.sessions.get(digest(token))
    if isinstance(record, Missing):
        return MISSING
    now = utcnow()
    if not _lasts(settings, record.expires_at, record.last_seen_at, now) or _needs_touch(
        settings, record.last_seen_at, now
    ):
        return MISSING
    return caches.users.get(record.user_id)


def _lasts(settings: Settings, expires_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    return expires_at > now and last_seen_at + timedelta(minutes=settings.session_idle_minutes) > now


def _needs_touch(settings: Settings, last_seen_at: datetime, now: datetime) -> bool:
    """Whether to write down that the session is in use. Every open board asks each minute,
    and each write costs a trip to the database and drops the session's cached copy: so it is
    written at most once per twenty-fourth of the idle limit (five minutes of two hours), and a
    session ends between that much before the limit and the limit after its last request."""
    return now - last_seen_at > touch_every(settings)


def touch_every(settings: Settings) -> timedelta:
    return max(TOUCH_AT_LEAST_EVERY, timedelta(minutes=settings.session_idle_minutes) / 24)


def _touch(session: Session, key: str, now: datetime) -> None:
    record = session.get(AuthSession, key)
    if record is not None:
        record.last_seen_at = now
        session.add(record)
        session.commit()


def end_session(*, session: Session, token: str) -> None:
    record = session.get(AuthSession, digest(token))
    if record is not None:
        session.delete(record)
        session.commit()


def end_all_sessions(*, session: Session, user_id: int) -> int:
    """Sign out everywhere: every device this person is signed in on."""
    records = session.exec(select(AuthSession).where(AuthSession.user_id == user_id)).all()
    for record in records:
        session.delete(record)
    session.commit()
    return len(records)

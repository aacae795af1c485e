"""Sign-in, sessions and the throttle that slows down guessing of passwords and PINs."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.access.changes import access_changed
from app.core.config import Settings
from app.core.security import digest, new_token, normalise_code, verify_secret
from app.live.unit_of_work import unit_of_work
from app.models import AuthSession, LoginThrottle, Role, User
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


def authenticate_staff(*, session: Session, settings: Settings, email: str, password: str) -> User | None:
    """Consultants (and later managers and admins) sign in with email and password."""
    key = f"email:{email.strip().lower()}"
    _raise_if_locked(session=session, key=key)
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    staff = user is not None and user.role != Role.citizen
    ok = verify_secret(password, user.password_hash if staff and user else None)
    return _settle(session=session, settings=settings, key=key, user=user if ok else None)


def authenticate_citizen(*, session: Session, settings: Settings, code: str, pin: str) -> User | None:
    """Citizens (and the network members they invite) sign in with their personal code and PIN."""
    code_digest = digest(normalise_code(code))
    key = f"code:{code_digest}"
    _raise_if_locked(session=session, key=key)
    user = session.exec(select(User).where(User.invitation_digest == code_digest)).first()
    by_code = user is not None and user.role in (Role.citizen, Role.network)
    ok = verify_secret(pin, user.pin_hash if by_code and user else None)
    return _settle(session=session, settings=settings, key=key, user=user if ok else None)


def _raise_if_locked(*, session: Session, key: str) -> None:
    throttle = session.get(LoginThrottle, key)
    if throttle and throttle.locked_until and throttle.locked_until > utcnow():
        raise LoginLocked(throttle.locked_until)


def _settle(*, session: Session, settings: Settings, key: str, user: User | None) -> User | None:
    throttle = session.get(LoginThrottle, key) or LoginThrottle(key=key)
    if user is not None:
        if throttle.failures:
            session.delete(throttle)
            session.commit()
        return user
    throttle.failures += 1
    throttle.updated_at = utcnow()
    locked = throttle.failures >= settings.login_max_attempts
    if locked:
        throttle.locked_until = utcnow() + timedelta(minutes=settings.login_lock_minutes)
        throttle.failures = 0
    session.add(throttle)
    session.commit()
    if locked and throttle.locked_until:
        raise LoginLocked(throttle.locked_until)
    return None


def start_session(*, session: Session, settings: Settings, user: User) -> SignedIn:
    token = new_token()
    assert user.id is not None
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
    """The user a session token belongs to, while the session lasts."""
    key = digest(token)
    row = session.exec(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)  # type: ignore[arg-type]
        .where(AuthSession.token_digest == key)
    ).first()
    if row is None:
        return None
    record, user = row
    now = utcnow()
    if not _lasts(settings, record.expires_at, record.last_seen_at, now):
        session.delete(record)
        session.commit()
        return None
    if now - record.last_seen_at > touch_every(settings):
        record.last_seen_at = now
        session.add(record)
        session.commit()
    return user


def ends_at(*, session: Session, settings: Settings, token: str) -> datetime | None:
    """When this sign-in ends if nothing more is done with it (None: it has ended)."""
    record = session.get(AuthSession, digest(token))
    if record is None:
        return None
    return min(record.expires_at, record.last_seen_at + timedelta(minutes=settings.session_idle_minutes))


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

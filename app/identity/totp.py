"""Authenticator-app codes (TOTP, RFC 6238) as an optional second step for staff sign-in.

A consultant turns it on at /account/security: scan the QR code, confirm one code. From then on
the staff sign-in asks for a 6-digit code after the password. The half-way state is kept on the
server (app.identity.pending); wrong codes count towards the same lock as wrong passwords."""

import pyotp
from fastapi.responses import Response
from sqlmodel import Session

from app.core.config import Settings
from app.core.numbers import digits
from app.core.web import safe_next, see_other
from app.identity import pending
from app.identity import throttle as signin_throttle
from app.models import TotpSecret, User
from app.models.base import utcnow

ISSUER = "Tavle"
SECOND_STEP = "totp_second_step"
SECOND_STEP_COOKIE = "tavle_second_step"
SECOND_STEP_MINUTES = 5
SECOND_STEP_URL = "/login/code"
STEP_SECONDS = 30
CODE_LENGTH = 6


def setup_of(*, session: Session, user_id: int) -> TotpSecret | None:
    return session.get(TotpSecret, user_id)


def is_enabled(*, session: Session, user_id: int | None) -> bool:
    if user_id is None:
        return False
    record = setup_of(session=session, user_id=user_id)
    return record is not None and record.enabled_at is not None


def start_setup(*, session: Session, user: User) -> TotpSecret:
    """A new secret, not yet asked for at sign-in: that waits until one code is confirmed."""
    assert user.id is not None
    record = setup_of(session=session, user_id=user.id)
    if record is not None and record.enabled_at is not None:
        return record
    record = record or TotpSecret(user_id=user.id, secret="")
    record.secret = pyotp.random_base32()
    record.created_at = utcnow()
    session.add(record)
    session.commit()
    return record


def provisioning_uri(*, record: TotpSecret, user: User) -> str:
    return pyotp.TOTP(record.secret).provisioning_uri(name=user.email or user.name, issuer_name=ISSUER)


def clean_code(code: str) -> str:
    return "".join(code.split())


def _accepted_step(record: TotpSecret, code: str) -> int | None:
    """The time step the code belongs to (now, or one step either side for clock drift), or None.
    A step at or before the last one used is refused, so an overheard code cannot be replayed."""
    code = clean_code(code)
    if len(code) != CODE_LENGTH or not digits(code):
        return None
    totp = pyotp.TOTP(record.secret)
    now = utcnow()
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if totp.at(step * STEP_SECONDS) == code and (
            record.last_used_step is None or step > record.last_used_step
        ):
            return step
    return None


def confirm(*, session: Session, user: User, code: str) -> bool:
    assert user.id is not None
    record = setup_of(session=session, user_id=user.id)
    if record is None:
        return False
    step = _accepted_step(record, code)
    if step is None:
        return False
    record.enabled_at = utcnow()
    record.last_used_step = step
    session.add(record)
    session.commit()
    return True


def disable(*, session: Session, user: User, code: str) -> bool:
    """Turning it off needs a current code too, so a borrowed unlocked laptop is not enough."""
    assert user.id is not None
    record = setup_of(session=session, user_id=user.id)
    if record is None:
        return True
    if record.enabled_at is not None and _accepted_step(record, code) is None:
        return False
    session.delete(record)
    session.commit()
    return True


def begin_second_step(*, session: Session, settings: Settings, user: User, next: str) -> Response:
    """After a right password: remember who is half-way in, and ask for the code."""
    token = pending.begin(
        session=session,
        purpose=SECOND_STEP,
        user_id=user.id,
        minutes=SECOND_STEP_MINUTES,
        data={"next": safe_next(next)},
    )
    response = see_other(SECOND_STEP_URL)
    pending.set_cookie(
        response, name=SECOND_STEP_COOKIE, token=token, minutes=SECOND_STEP_MINUTES, settings=settings
    )
    return response


def pending_user(*, session: Session, token: str | None) -> tuple[User, str] | None:
    """Who is half-way in, and where they were going; None when the step expired."""
    record = pending.peek(session=session, purpose=SECOND_STEP, token=token)
    if record is None or record.user_id is None:
        return None
    user = session.get(User, record.user_id)
    if user is None:
        return None
    return user, str(pending.data_of(record).get("next", "/"))


def finish_second_step(*, session: Session, settings: Settings, token: str | None, code: str) -> User | None:
    """The user when the code is right (the half-way state is then used up). Raises LoginLocked
    after too many wrong codes, like wrong passwords."""
    found = pending_user(session=session, token=token)
    if found is None:
        return None
    user, _next = found
    key = f"totp:{user.id}"
    # Counted before the code is checked: a burst of guesses gets no more checks than the limit.
    reservation = signin_throttle.attempt(session=session, settings=settings, key=key)
    assert user.id is not None
    record = setup_of(session=session, user_id=user.id)
    step = _accepted_step(record, code) if record else None
    if record is None or step is None:
        signin_throttle.failed_after(reservation, settings)
        return None
    record.last_used_step = step
    session.add(record)
    session.commit()
    pending.take(session=session, purpose=SECOND_STEP, token=token)
    signin_throttle.succeeded(session=session, settings=settings, key=key, user=user)
    return user

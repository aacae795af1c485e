"""The sign-in throttle (app.identity.sessions) for the other ways in: invitation links, passkeys,
authenticator codes and OpenID Connect. Same counters, same lock, same message.

Where a check is costly or can be guessed at (an authenticator code), count the attempt before
checking it (`attempt`, then `failed_after` or `succeeded`): then a burst of attempts gets no
more checks than the limit. `check` and `failed` count after the fact."""

from fastapi import Request
from sqlmodel import Session

from app.core.config import Settings
from app.identity import attempts, limits
from app.identity.sessions import LoginLocked, raise_if_locked, settle
from app.models import User

__all__ = [
    "LoginLocked",
    "attempt",
    "check",
    "client_key",
    "failed",
    "failed_after",
    "from_address",
    "succeeded",
]


def client_key(request: Request, what: str) -> str:
    """Guessing at links or passkeys is counted per client address: there is no account yet."""
    host = request.client.host if request.client else "unknown"
    return f"{what}-ip:{host}"[:120]


def check(*, session: Session, key: str) -> None:
    """Raises LoginLocked while the key is locked."""
    raise_if_locked(session=session, key=key)


def failed(*, session: Session, settings: Settings, key: str) -> None:
    """Counts one wrong try; raises LoginLocked on the try that locks."""
    settle(session=session, settings=settings, key=key, user=None)


def succeeded(*, session: Session, settings: Settings, key: str, user: User) -> None:
    """A right answer clears the count."""
    settle(session=session, settings=settings, key=key, user=user)


def attempt(*, session: Session, settings: Settings, key: str) -> attempts.Reservation:
    """Counts this attempt before it is checked; raises LoginLocked when it may not be checked
    (the count is full, or paused). Then `failed_after` or `succeeded`."""
    raise_if_locked(session=session, key=key)
    reservation = limits.counted(session=session, settings=settings, key=key)
    if not reservation.allowed:
        raise LoginLocked(limits.paused_until(reservation, settings))
    return reservation


def failed_after(reservation: attempts.Reservation, settings: Settings) -> None:
    """The reserved attempt was wrong (it is counted already): raises LoginLocked when it was
    the one that reached the limit."""
    if reservation.last:
        raise LoginLocked(limits.paused_until(reservation, settings))


def from_address(*, session: Session, settings: Settings, request: Request, what: str) -> None:
    """Counts one wrong try from the client's address against the per-address limit
    (`login_max_per_address` in a lock window); raises LoginLocked on the try that reaches it,
    and on every one after it while the pause lasts."""
    reservation = limits.counted(
        session=session,
        settings=settings,
        key=client_key(request, what),
        limit=settings.login_max_per_address,
        window=True,
    )
    if reservation.last:
        raise LoginLocked(limits.paused_until(reservation, settings))

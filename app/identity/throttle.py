"""The sign-in throttle (app.identity.sessions) for the other ways in: invitation links, passkeys,
authenticator codes and OpenID Connect. Same counters, same lock, same message."""

from fastapi import Request
from sqlmodel import Session

from app.core.config import Settings
from app.identity.sessions import LoginLocked, _raise_if_locked, _settle
from app.models import User

__all__ = ["LoginLocked", "check", "client_key", "failed", "succeeded"]


def client_key(request: Request, what: str) -> str:
    """Guessing at links or passkeys is counted per client address: there is no account yet."""
    host = request.client.host if request.client else "unknown"
    return f"{what}-ip:{host}"[:120]


def check(*, session: Session, key: str) -> None:
    """Raises LoginLocked while the key is locked."""
    _raise_if_locked(session=session, key=key)


def failed(*, session: Session, settings: Settings, key: str) -> None:
    """Counts one wrong try; raises LoginLocked on the try that locks."""
    _settle(session=session, settings=settings, key=key, user=None)


def succeeded(*, session: Session, settings: Settings, key: str, user: User) -> None:
    """A right answer clears the count."""
    _settle(session=session, settings=settings, key=key, user=user)

"""Half-finished sign-ins kept on the server (see app.models.signin). The browser gets a random
token in a short-lived HttpOnly cookie; the record is deleted when it is used or expires."""

import json
from datetime import timedelta
from typing import Any

from fastapi.responses import Response
from sqlmodel import Session, col, delete

from app.core.config import Settings
from app.core.security import digest, new_token
from app.models import PendingSignIn
from app.models.base import utcnow


def begin(
    *, session: Session, purpose: str, data: dict[str, Any], minutes: int, user_id: int | None = None
) -> str:
    now = utcnow()
    session.exec(delete(PendingSignIn).where(col(PendingSignIn.expires_at) <= now))
    token = new_token()
    session.add(
        PendingSignIn(
            token_digest=digest(token),
            purpose=purpose,
            user_id=user_id,
            data=json.dumps(data),
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    session.commit()
    return token


def peek(*, session: Session, purpose: str, token: str | None) -> PendingSignIn | None:
    """The record if it exists, is for this purpose and has not expired; it stays."""
    if not token:
        return None
    record = session.get(PendingSignIn, digest(token))
    if record is None or record.purpose != purpose:
        return None
    if record.expires_at <= utcnow():
        session.delete(record)
        session.commit()
        return None
    return record


def take(*, session: Session, purpose: str, token: str | None) -> PendingSignIn | None:
    """Like peek, but the record is used up: a challenge answers once."""
    record = peek(session=session, purpose=purpose, token=token)
    if record is not None:
        session.delete(record)
        session.commit()
    return record


def data_of(record: PendingSignIn) -> dict[str, Any]:
    loaded = json.loads(record.data)
    return loaded if isinstance(loaded, dict) else {}


def set_cookie(response: Response, *, name: str, token: str, minutes: int, settings: Settings) -> None:
    response.set_cookie(
        name,
        token,
        max_age=minutes * 60,
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
        path="/",
    )

"""A change sent twice is made once: the client's key, and the first answer kept for a day.

Every form our pages render carries a key of its own (`idempotency_key`, put in beside the CSRF
token when a template is rendered); scripts send one as the `Idempotency-Key` header, and the
phone's outbox sends each waiting change with the key it was given when it was made. The key is
the client's; what the server keeps is a digest of who sent it (the signed-in person, else the
browser's pre-session), the key, and what was sent (method, path, form fields without the token
and the key). The same key with other fields (another button of the same form) is another change.

- `claim` (a dependency, after the CSRF check): the first request with a digest claims it, in a
  transaction of its own, before the route runs. A repeat finds the claim: it gets the stored
  first answer, or waits for it while the first is still being answered.
- `IdempotencyMiddleware` (pure ASGI, inside the security middleware): keeps the first answer
  once it has been sent. An answer that says the request never got through (sign-in needed, the
  page expired, a crash before the change was made) is not kept, so sending again works.
- The unit of work (`app.live.unit_of_work`) marks the claim "committed" in the change's own
  transaction, and refuses the change when the claim is gone. So a change is made at most once
  per digest even when the answer is lost (a crash between commit and keeping the answer: a
  repeat is then sent back to the page it came from).

Answers are kept 24 hours (`KEPT_FOR`); older ones are deleted as new changes come in."""

import hashlib
import json
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import Engine, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.core.refusals import StillSaving
from app.core.request_scope import current_scope
from app.core.security import SESSION_COOKIE, digest
from app.models import AuthSession, IdempotentRequest
from app.models.base import utcnow

KEY_FIELD = "idempotency_key"
KEY_HEADER = "idempotency-key"
# Sent by the outbox: a redirect comes back as 204 with X-Tavle-Location, which a script can read
# (fetch hides where a redirect leads), so it can tell "done" from "sign in first".
OUTBOX_HEADER = b"x-tavle-outbox"
LOCATION_HEADER = b"x-tavle-location"
REPLAY_HEADER = b"x-tavle-replay"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEPT_FOR = timedelta(hours=24)
# A claim this old without an answer belongs to a request that died (no request takes a minute).
ABANDONED_AFTER = timedelta(minutes=1)
# How long a repeat waits for the first request's answer before it says "try again".
WAIT_SECONDS = 20.0
PURGE_EVERY_SECONDS = 600.0
STATE = "tavle_idempotency"
_KEY = re.compile(r"[A-Za-z0-9_-]{8,128}")
# Never kept: cookies belong to the moment they were set; the length is the body's own.
_NOT_KEPT = frozenset({b"set-cookie", b"content-length", b"date", b"server"})
_SIGN_IN_PAGES = ("/login", "/account/password")


@dataclass
class Claim:
    """The present request is the first with this digest: its answer will be kept."""

    digest: str
    referer: str


@dataclass
class Stored:
    status_code: int
    headers: list[tuple[str, str]]
    body: bytes


class Repeat(Exception):
    """This change was sent before: answer with the first answer."""

    def __init__(self, stored: Stored) -> None:
        super().__init__("a repeat of an earlier request")
        self.stored = stored


def new_key() -> str:
    return secrets.token_urlsafe(16)


def with_form_keys(html: str, csrf_token: str | None) -> str:
    """Every form that carries the CSRF token gets a key beside it. One key per rendering is
    enough: two forms of one page differ in their address or their fields, so never collide."""
    if not csrf_token:
        return html
    token_field = f'<input type="hidden" name="csrf_token" value="{csrf_token}">'
    if token_field not in html:
        return html
    key_field = f'<input type="hidden" name="{KEY_FIELD}" value="{new_key()}">'
    return html.replace(token_field, token_field + key_field)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Repeat, _repeat)


async def claim(request: Request) -> None:
    """The dependency every route has (after the CSRF check): a keyed change claims its digest,
    or is answered with the first answer (`Repeat`)."""
    if request.method not in UNSAFE_METHODS:
        return
    key = await _client_key(request)
    if key is None:
        return
    fields = await _fingerprint(request)
    engine: Engine = request.app.state.engine
    referer = _same_site_path(request.headers.get("referer", ""))
    token = request.cookies.get(SESSION_COOKIE) or ""
    csrf_token: str = request.state.csrf_token
    sent = (key, request.method, request.url.path, fields)
    wanted, owner, outcome = await anyio.to_thread.run_sync(
        _first_claim, engine, token, csrf_token, sent, referer
    )
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if isinstance(outcome, Claim):
            setattr(request.state, STATE, outcome)
            return
        if isinstance(outcome, Stored):
            raise Repeat(outcome)
        if time.monotonic() > deadline:
            raise StillSaving()
        await anyio.sleep(0.05)
        outcome = await anyio.to_thread.run_sync(_try_claim, engine, wanted, owner, referer)


async def _client_key(request: Request) -> str | None:
    key = request.headers.get(KEY_HEADER)
    if key is None and _is_form(request):
        value = (await request.form()).get(KEY_FIELD)
        key = value if isinstance(value, str) else None
    return key if key is not None and _KEY.fullmatch(key) else None


def _is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )


async def _fingerprint(request: Request) -> str:
    """What was sent, without the token (bound to the session, new at each sign-in) and the key."""
    if _is_form(request):
        form = await request.form()
        pairs = sorted(
            (name, value if isinstance(value, str) else f"file:{value.filename}:{value.size}")
            for name, value in form.multi_items()
            if name not in ("csrf_token", KEY_FIELD)
        )
        return json.dumps(pairs, ensure_ascii=False)
    return hashlib.sha256(await request.body()).hexdigest()


def _digest(who: str, key: str, method: str, path: str, fields: str) -> str:
    text = "\n".join((who, key, method, path, fields))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _same_site_path(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return "/"
    return path + (f"?{parts.query}" if parts.query else "")


def _first_claim(
    engine: Engine, token: str, csrf_token: str, sent: tuple[str, str, str, str], referer: str
) -> tuple[str, int | None, Claim | Stored | None]:
    """Whose key it is, and the first try to claim it, on one connection: the digest, the owner
    and what `_try_claim` found."""
    with Session(engine) as session:
        who, owner = _owner(session, token, csrf_token)
        wanted = _digest(who, *sent)
        return wanted, owner, _try_claim(engine, wanted, owner, referer, session=session)


def _owner(session: Session, token: str, csrf_token: str) -> tuple[str, int | None]:
    """Whose key it is: the signed-in person (the same across their sign-ins, so a change sent
    again after signing in anew is still known), else this browser's pre-session, by its token.
    Whether the session is still valid is the route's question, asked as ever."""
    if token:
        user_id = session.exec(
            select(AuthSession.user_id).where(AuthSession.token_digest == digest(token))
        ).first()
        if user_id is not None:
            return f"user:{user_id}", user_id
    return f"browser:{csrf_token}", None


_last_purge = 0.0


def _try_claim(
    engine: Engine, wanted: str, owner: int | None, referer: str, *, session: Session | None = None
) -> Claim | Stored | None:
    """A Claim when this request is the first (or takes over from one that died), the first
    answer when there is one, None while the first is still being answered. `session`: one to
    go on with (it is ended here), else a new one."""
    global _last_purge
    now = utcnow()
    with session or Session(engine) as session:
        if time.monotonic() - _last_purge > PURGE_EVERY_SECONDS:
            _last_purge = time.monotonic()
            session.execute(
                delete(IdempotentRequest).where(col(IdempotentRequest.created_at) < now - KEPT_FOR)
            )
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(IdempotentRequest)
            .values(digest=wanted, owner_id=owner, created_at=now, committed=False, headers="", body=b"")
            .on_conflict_do_nothing(index_elements=[col(IdempotentRequest.digest)])
            .returning(col(IdempotentRequest.digest))
        )
        if session.execute(statement).first() is not None:
            session.commit()
            return Claim(wanted, referer)
        row = session.get(IdempotentRequest, wanted)
        if row is None:
            # Released a moment ago by a request that did not get through: try again at once.
            session.rollback()
            return _try_claim(engine, wanted, owner, referer, session=session)
        if row.created_at < now - KEPT_FOR or (
            row.status_code is None and not row.committed and row.created_at < now - ABANDONED_AFTER
        ):
            # Forgotten (over a day old), or left by a request that died before its change: anew.
            taken = session.execute(
                update(IdempotentRequest)
                .where(
                    col(IdempotentRequest.digest) == wanted,
                    col(IdempotentRequest.created_at) == row.created_at,
                )
                .values(created_at=now, committed=False, status_code=None, headers="", body=b"")
            )
            session.commit()
            return Claim(wanted, referer) if _rowcount(taken) == 1 else None
        if row.status_code is not None:
            headers = [(str(name), str(value)) for name, value in json.loads(row.headers or "[]")]
            return Stored(row.status_code, headers, row.body)
        if row.committed and row.created_at < now - ABANDONED_AFTER:
            # The change was made by a request that died before it answered.
            return Stored(303, [("location", referer)], b"")
        return None


def _rowcount(result: Any) -> int:
    count: int = result.rowcount
    return count


def mark_committed(session: Session) -> None:
    """In a unit of work, before its commit: this request's claim says the change was made, in
    the same transaction. A claim that is gone (its request was given up meanwhile, and another
    may be making the change) stops the change."""
    scope = current_scope.get()
    state = scope.get("state") if scope is not None else None
    claimed = state.get(STATE) if isinstance(state, dict) else None
    if not isinstance(claimed, Claim):
        return
    marked = session.execute(
        update(IdempotentRequest)
        .where(col(IdempotentRequest.digest) == claimed.digest, col(IdempotentRequest.status_code).is_(None))
        .values(committed=True)
    )
    if _rowcount(marked) != 1:
        raise ClaimLost(claimed.digest)


class ClaimLost(Exception):
    """The request's claim on its key went while it was making its change."""


def _repeat(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Repeat)
    stored = exc.stored
    response = Response(content=stored.body, status_code=stored.status_code)
    for name, value in stored.headers:
        response.headers.append(name, value)
    response.headers[REPLAY_HEADER.decode()] = "1"
    return response


class IdempotencyMiddleware:
    """Keeps the first answer to a claimed change (see the module's note), and tells the outbox
    where a redirect leads."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        from_outbox = any(name == OUTBOX_HEADER for name, _ in scope.get("headers", ()))
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def keep(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                if from_outbox:
                    message = _readable_redirect(message)
            elif message["type"] == "http.response.body" and _claim_of(scope) is not None:
                body.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, keep)
        except BaseException:
            claimed = _claim_of(scope)
            if claimed is not None:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(_give_up, scope["app"].state.engine, claimed)
            raise
        claimed = _claim_of(scope)
        if claimed is None or not start:
            return
        headers: Sequence[tuple[bytes, bytes]] = start.get("headers", ())
        status: int = start["status"]
        engine: Engine = scope["app"].state.engine
        with anyio.CancelScope(shield=True):
            if _got_through(status, headers):
                await anyio.to_thread.run_sync(_keep, engine, claimed, status, headers, b"".join(body))
            else:
                await anyio.to_thread.run_sync(_give_up, engine, claimed)


def _claim_of(scope: Any) -> Claim | None:
    claimed = scope.get("state", {}).get(STATE)
    return claimed if isinstance(claimed, Claim) else None


def _got_through(status: int, headers: Sequence[tuple[bytes, bytes]]) -> bool:
    """Whether the route answered the change itself: not a crash, not "the page expired", not
    "not found", not "sign in first" (sending again after signing in must work)."""
    if status >= 500 or status in (401, 403, 404, 429):
        return False
    for name, value in headers:
        if name.lower() in (b"location", b"hx-redirect"):
            path = urlsplit(value.decode("latin-1")).path
            if path.startswith(_SIGN_IN_PAGES):
                return False
    return True


def _readable_redirect(message: Any) -> Any:
    status: int = message["status"]
    if not 300 <= status < 400:
        return message
    headers = [
        (LOCATION_HEADER if name.lower() == b"location" else name, value)
        for name, value in message["headers"]
    ]
    return {**message, "status": 204, "headers": headers}


def _keep(
    engine: Engine, claimed: Claim, status: int, headers: Sequence[tuple[bytes, bytes]], body: bytes
) -> None:
    kept = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in headers
        if name.lower() not in _NOT_KEPT
    ]
    with Session(engine) as session:
        session.execute(
            update(IdempotentRequest)
            .where(
                col(IdempotentRequest.digest) == claimed.digest, col(IdempotentRequest.status_code).is_(None)
            )
            .values(status_code=status, headers=json.dumps(kept), body=body)
        )
        session.commit()


def _give_up(engine: Engine, claimed: Claim) -> None:
    """The request did not get through: its claim goes, so the change can be sent again. But if
    its change was made (committed) before it failed, a repeat is sent back to the page."""
    with Session(engine) as session:
        session.execute(
            delete(IdempotentRequest).where(
                col(IdempotentRequest.digest) == claimed.digest,
                col(IdempotentRequest.status_code).is_(None),
                col(IdempotentRequest.committed).is_(False),
            )
        )
        session.execute(
            update(IdempotentRequest)
            .where(
                col(IdempotentRequest.digest) == claimed.digest, col(IdempotentRequest.status_code).is_(None)
            )
            .values(status_code=303, headers=json.dumps([["location", claimed.referer]]), body=b"")
        )
        session.commit()

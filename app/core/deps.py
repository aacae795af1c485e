"""Dependencies every route shares, as Annotated aliases: the database session, the settings,
the current user and their language, and the per-request renderer.

They are all `async def`: FastAPI runs a plain `def` dependency on a trip of its own to the
thread pool, and a request pays for every trip. The one that may need the database (who is
signed in) asks the process's cache first and goes to a thread only when it must."""

import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.access import audit
from app.access.rules import NotVisible
from app.core.config import Settings
from app.core.db import CacheOnlySession, NeedsDatabase, WriterBusy, released, without_waiting
from app.core.i18n import Translator, negotiate, normalise, translator
from app.core.memo import Missing
from app.core.row_cache import caches_for
from app.core.security import same
from app.core.web import SignedInWeb, Web
from app.identity import sessions as auth
from app.models import Role, User

SESSION_COOKIE = "tavle_session"
LANG_COOKIE = "tavle_lang"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class SignInRequired(Exception):
    """No valid session: the app answers with a redirect to the sign-in page."""


class CsrfRejected(Exception):
    """A state-changing request without the token from our own page."""


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_db(request: Request) -> AsyncIterator[Session]:
    """The request's session. Making one touches no database: a route that finds everything in
    the process's caches never takes a connection."""
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        await close(session)


# Sessions are closed on threads of their own: were they to wait for the threads that run
# routes, every route thread could be waiting for a connection that a finished request still
# holds while it waits for a thread to give it back (the pool would run dry under load).
CLOSERS = anyio.CapacityLimiter(4)


async def close(session: Session) -> None:
    if session.info.get(audit.PENDING) is not None:
        await anyio.to_thread.run_sync(_finish, session, limiter=CLOSERS)
    elif session.in_transaction() and session.get_bind().dialect.name != "sqlite":
        # Giving a PostgreSQL connection back means a round trip (its ROLLBACK).
        await anyio.to_thread.run_sync(session.close, limiter=CLOSERS)
    else:
        session.close()


def _finish(session: Session) -> None:
    try:
        audit.settle(session)
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_db)]

T = TypeVar("T")


async def cached_first(engine: Engine, work: Callable[[Session], T]) -> T:
    """Runs `work` right here on the event loop, with a session that may not touch the
    database; if it needs to, runs it again from the start in a worker thread with a real one.
    So a request the process's caches can answer waits for no thread and no connection.
    `work` must do nothing it cannot do twice before its first statement (reading caches and
    rendering are fine)."""
    with CacheOnlySession(engine, expire_on_commit=False) as session:
        try:
            return work(session)
        except NeedsDatabase:
            pass
    return await threaded(engine, work)


async def threaded(engine: Engine, work: Callable[[Session], T]) -> T:
    """Runs `work` in a worker thread with a session of its own, closed there."""
    return await run_in_threadpool(_with_session, engine, work)


# How long a short write waits on the event loop for the SQLite file before going to a thread.
LOOP_WRITE_WAIT = 1.0


async def short_write(engine: Engine, work: Callable[[Session], T]) -> T:
    """Runs a short change right here on the event loop when the database is a SQLite file
    whose write lock is free: a change of a few statements costs less than the trip to a worker
    thread and back, and its event reaches the other views sooner. When the lock is taken, it
    waits on the loop for the holder to let go and tries again. It does not go to a thread
    then: a write in a thread holds the lock longer (it waits for its turn at Python between
    statements), so the next write would find it taken too, and under load every write ended
    up in a thread (measured: a card move by a consultant, 1.8 -> 3.5 ms of CPU). Only after
    `LOOP_WRITE_WAIT` seconds of waiting, or on PostgreSQL (whose every statement is a round
    trip), does the change run in a worker thread. `work` must do nothing before its first
    write that it cannot do twice."""
    if engine.dialect.name == "sqlite":
        deadline = time.monotonic() + LOOP_WRITE_WAIT
        while (left := deadline - time.monotonic()) > 0:
            session = Session(engine, expire_on_commit=False)
            try:
                with without_waiting(session):
                    return work(session)
            except WriterBusy as busy:
                # Nothing was written; the next try records the access again.
                session.info.pop(audit.PENDING, None)
                held = busy.lock
            finally:
                await close(session)
            if held is None or not await released(held, timeout=left):
                break
    return await threaded(engine, work)


def _with_session(engine: Engine, work: Callable[[Session], T]) -> T:
    session = Session(engine, expire_on_commit=False)
    try:
        return work(session)
    finally:
        _finish(session)


async def get_optional_user(request: Request) -> User | None:
    """The signed-in user: from the process's copy when it has one, else from the database.
    Asked once per request (the other dependencies call it, not declare it: each dependency
    FastAPI resolves costs a request about as much as finding the user in the cache)."""
    state = request.scope.setdefault("state", {})
    if USER_KEY in state:
        user: User | None = state[USER_KEY]
        return user
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        user = None
    else:
        app: FastAPI = request.app
        caches = caches_for(app.state.engine)
        found = auth.signed_in(caches=caches, settings=app.state.settings, token=token)
        user = (
            found
            if not isinstance(found, Missing)
            else await run_in_threadpool(_user_from_database, app, token)
        )
    state[USER_KEY] = user
    return user


USER_KEY = "tavle_user"


def _user_from_database(app: FastAPI, token: str) -> User | None:
    with Session(app.state.engine, expire_on_commit=False) as session:
        return auth.user_for_token(session=session, settings=app.state.settings, token=token)


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def get_current_user(request: Request) -> User:
    user = await get_optional_user(request)
    if user is None:
        raise SignInRequired()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: Role) -> Any:
    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            # Not "forbidden": a page for another role simply does not exist for this user.
            raise NotVisible(None)
        return user

    return Depends(check)


ConsultantUser = Annotated[User, require_role(Role.consultant)]
CitizenUser = Annotated[User, require_role(Role.citizen)]
AdminUser = Annotated[User, require_role(Role.admin)]


async def get_citizen_self(citizen_id: int, user: CurrentUser) -> User:
    """For the citizen's own pages (privacy, consent, export): nobody else, not even the consultant."""
    if user.role != Role.citizen or user.id != citizen_id:
        raise NotVisible(citizen_id)
    return user


CitizenSelf = Annotated[User, Depends(get_citizen_self)]


def translator_for(request: Request, user: User | None) -> Translator:
    """The user's saved choice, then the cookie, then the browser's Accept-Language."""
    chosen = (
        normalise(user.locale if user else None)
        or normalise(request.cookies.get(LANG_COOKIE))
        or negotiate(request.headers.get("accept-language"))
        or request.app.state.settings.default_locale
    )
    return translator(chosen)


async def get_translator(request: Request) -> Translator:
    return translator_for(request, await get_optional_user(request))


TranslatorDep = Annotated[Translator, Depends(get_translator)]


async def get_web(request: Request) -> Web:
    user = await get_optional_user(request)
    return Web(
        request=request,
        translator=translator_for(request, user),
        user=user,
        csrf_token=request.state.csrf_token,
    )


WebDep = Annotated[Web, Depends(get_web)]


async def get_signed_in_web(request: Request) -> SignedInWeb:
    """The renderer and the signed-in person as one dependency, for the routes asked most: each
    dependency FastAPI resolves costs a request about as much as the board page's own work."""
    web = await get_web(request)
    if web.user is None:
        raise SignInRequired()
    return SignedInWeb(web.request, web.translator, web.user, web.csrf_token)


SignedInWebDep = Annotated[SignedInWeb, Depends(get_signed_in_web)]


async def verify_csrf(request: Request) -> None:
    """Every state change must come from our own page in this session: the browser must not say
    it came from elsewhere (`Sec-Fetch-Site`, `Origin`), and the token in the form or the
    X-CSRF-Token header must be this session's (an HMAC of it, `app.core.csrf`). A token is
    never a cookie's value, so a planted cookie, or a token from another session, is refused."""
    if request.method not in UNSAFE_METHODS:
        return
    from app.core import csrf  # here, not at the top: keeps this module's imports as they are

    if csrf.from_elsewhere(request, request.app.state.settings.public_url):
        raise CsrfRejected()
    expected = request.state.csrf_token
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not same(sent, expected):
        raise CsrfRejected()

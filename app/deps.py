"""Dependencies every route shares, as Annotated aliases: the database session, the settings,
the current user and their language, and the per-request renderer.

A request has one database session (FastAPI caches a dependency per request), made and closed
in the thread pool like the plain `def` routes that use it. Dependencies that only look at what
is already known are `async def`: FastAPI runs a plain `def` dependency in the thread pool, and
each trip there and back costs more than such a dependency's own work."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, Request
from sqlmodel import Session

from app.core import csrf
from app.core.config import Settings
from app.core.i18n import LANG_COOKIE, Translator, negotiate, normalise, translator
from app.core.refusals import CsrfRejected, NotVisible, PasswordChangeRequired, SignInRequired
from app.core.security import SESSION_COOKIE, same
from app.core.web import SignedInWeb, Web
from app.identity import sessions as auth
from app.models import Role, User

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

__all__ = ["LANG_COOKIE", "SESSION_COOKIE", "CsrfRejected", "NotVisible", "SignInRequired"]


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_db(request: Request) -> AsyncIterator[Session]:
    """Made on the loop (no I/O), used by the routes in the thread pool. A session whose work
    was committed holds no connection, and closing it is bookkeeping, done here; one still in
    a transaction gives its connection back (a rollback) on a thread of its own, so a finished
    request never waits behind the running ones while it holds a connection."""
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await anyio.to_thread.run_sync(session.close, limiter=CLOSING)
        else:
            session.close()


CLOSING = anyio.CapacityLimiter(4)


SessionDep = Annotated[Session, Depends(get_db)]


def get_optional_user(request: Request, session: SessionDep) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    user = auth.user_for_token(session=session, settings=request.app.state.settings, token=token)
    # The read is over: the connection goes back to the pool while the request waits its turn.
    session.commit()
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


# What a person with a first password someone else chose may still do: change it, or leave.
BEFORE_OWN_PASSWORD = frozenset({"/account/password", "/logout"})


async def get_current_user(request: Request, user: OptionalUser) -> User:
    if user is None:
        raise SignInRequired()
    if user.password_must_change and request.url.path not in BEFORE_OWN_PASSWORD:
        raise PasswordChangeRequired()
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


async def get_translator(request: Request, user: OptionalUser) -> Translator:
    return translator_for(request, user)


TranslatorDep = Annotated[Translator, Depends(get_translator)]


async def get_web(request: Request, user: OptionalUser) -> Web:
    return Web(
        request=request,
        translator=translator_for(request, user),
        user=user,
        csrf_token=request.state.csrf_token,
    )


WebDep = Annotated[Web, Depends(get_web)]


async def get_signed_in_web(web: WebDep) -> SignedInWeb:
    if web.user is None:
        raise SignInRequired()
    if web.user.password_must_change and web.request.url.path not in BEFORE_OWN_PASSWORD:
        raise PasswordChangeRequired()
    return SignedInWeb(web.request, web.translator, web.user, web.csrf_token)


SignedInWebDep = Annotated[SignedInWeb, Depends(get_signed_in_web)]


async def verify_csrf(request: Request) -> None:
    """Every state change must come from our own page in this session: the browser must not say
    it came from elsewhere (`Sec-Fetch-Site`, `Origin`), and the token in the form or the
    X-CSRF-Token header must be this session's (an HMAC of it, `app.core.csrf`). A token is
    never a cookie's value, so a planted cookie, or a token from another session, is refused."""
    if request.method not in UNSAFE_METHODS:
        return
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

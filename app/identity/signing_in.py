"""How every way in ends: a new session (the browser's earlier one ends), and the message when
sign-in is paused. Shared by the sign-in routes of every kind (code and PIN, password, passkey,
authenticator code, OpenID Connect, invitation)."""

from urllib.parse import quote

from fastapi.responses import JSONResponse, Response
from sqlmodel import Session

from app.access import consent
from app.core.config import Settings
from app.core.i18n import set_language_cookie
from app.core.middleware import new_presession_id, presession_cookie
from app.core.security import SESSION_COOKIE
from app.core.web import Web, safe_next, see_other
from app.identity import passkeys
from app.identity import sessions as auth
from app.models import Role, User

# Which way this device last signed in ("pin" or "passkey"), so /login offers that way first: a
# citizen with a passkey and no PIN is never left at a form she cannot use. It names no one and
# outlives the sign-out on purpose.
WAY_COOKIE = "tavle_way"
WAYS = ("pin", "passkey")
WAY_DAYS = 400


def signed_in(
    web: Web, session: Session, settings: Settings, user: User, next: str, *, way: str = ""
) -> Response:
    """Every way in ends here: the browser's earlier session (whoever's) ends on the server, a
    new one starts, and the pre-session id is replaced, so no CSRF token from before is valid."""
    signed = auth.start_session(
        session=session, settings=settings, user=user, replacing=web.request.cookies.get(SESSION_COOKIE)
    )
    response = see_other(first_stop(session, user, safe_next(next)))
    response.raw_headers.append(
        (b"set-cookie", presession_cookie(new_presession_id(), secure=settings.cookies_secure).encode())
    )
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
        path="/",
    )
    if user.locale:
        set_language_cookie(response, user.locale, settings)
    if way:
        remember_way(response, way, settings)
    return response


def remember_way(response: Response, way: str, settings: Settings) -> None:
    """This device signs in this way from now on (see WAY_COOKIE)."""
    assert way in WAYS
    response.set_cookie(
        WAY_COOKIE,
        way,
        max_age=WAY_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
        path="/",
    )


def remembered_way(web: Web) -> str:
    """ "pin", "passkey", or "" when this device has not signed in yet."""
    way = web.request.cookies.get(WAY_COOKIE, "")
    return way if way in WAYS else ""


def first_stop(session: Session, user: User, next: str) -> str:
    """Where a person goes first: a citizen who has not yet answered the two consent questions
    answers them before anything else (nothing is shared until they say yes), then goes on."""
    if user.role != Role.citizen or user.id is None:
        return next
    if consent.state(session=session, citizen_id=user.id).answered:
        return next
    return f"/citizens/{user.id}/consent?next={quote(next, safe='/')}"


def locked_message(web: Web, locked: auth.LoginLocked) -> str:
    return web.gettext(
        "Too many wrong tries. For your safety, sign-in is paused until %(time)s. "
        "You can also ask your consultant for help.",
        time=web.translator.datetime(locked.until, "short"),
    )


def landing(user: User) -> str:
    """Network members have their own start page; everyone else starts at /."""
    return "/network" if user.role == Role.network else "/"


def as_json(redirect: Response) -> JSONResponse:
    """A sign-in answered to fetch(): where to go next, with the redirect's cookies."""
    answer = JSONResponse({"redirect": redirect.headers.get("location", "/")})
    for name, value in redirect.raw_headers:
        if name == b"set-cookie":
            answer.raw_headers.append((name, value))
    answer.delete_cookie(passkeys.CHALLENGE_COOKIE, path="/")
    return answer

"""Sign-in for citizens (invitation code and PIN) and staff (email and password); sign-out."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.core.middleware import new_presession_id, presession_cookie
from app.core.web import Web, safe_next, see_other
from app.deps import SESSION_COOKIE, SessionDep, SettingsDep, WebDep
from app.identity import sessions as auth
from app.identity import totp
from app.models import User
from app.site.language import set_language_cookie

router = APIRouter(tags=["auth"])

CODE_MAX = 40
PIN_MAX = 12
EMAIL_MAX = 254
PASSWORD_MAX = 200


@router.get("/login")
def citizen_form(web: WebDep, next: str = "/") -> Response:
    if web.user is not None:
        return see_other(safe_next(next))
    return web.page("login.html", errors={}, values={"code": ""}, next=safe_next(next))


@router.post("/login/citizen")
def citizen_sign_in(
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    code: Annotated[str, Form()] = "",
    pin: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    code = code.strip()
    pin = pin.strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = web.gettext("Write the code you got from your consultant.")
    elif len(code) > CODE_MAX:
        errors["code"] = web.gettext("The code is too long. Check that you typed it right.")
    if not pin:
        errors["pin"] = web.gettext("Write your PIN.")
    elif not pin.isdigit() or len(pin) > PIN_MAX:
        errors["pin"] = web.gettext("Your PIN is numbers only.")
    user = None
    if not errors:
        try:
            user = auth.authenticate_citizen(
                session=session, settings=settings, code=code, pin=pin, address=client_address(web)
            )
        except auth.LoginLocked as locked:
            errors["form"] = _locked_message(web, locked)
        else:
            if user is None:
                errors["form"] = web.gettext("The code or the PIN is not right. Try again.")
    if user is None:
        return web.page(
            "login.html",
            status_code=400,
            errors=errors,
            values={"code": code},
            next=safe_next(next),
        )
    return _signed_in(web, session, settings, user, next)


def _staff_page(
    web: Web, settings: SettingsDep, *, email: str, next: str, errors: dict[str, str], status: int = 200
) -> Response:
    return web.page(
        "login_staff.html",
        status_code=status,
        errors=errors,
        values={"email": email},
        next=safe_next(next),
        oidc_enabled=settings.oidc.enabled,
    )


@router.get("/login/staff")
def staff_form(web: WebDep, settings: SettingsDep, next: str = "/") -> Response:
    if web.user is not None:
        return see_other(safe_next(next))
    return _staff_page(web, settings, email="", next=next, errors={})


@router.post("/login/staff")
def staff_sign_in(
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    email = email.strip()
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = web.gettext("Write your email address.")
    elif len(email) > EMAIL_MAX or "@" not in email:
        errors["email"] = web.gettext("Write a valid email address, like name@example.dk.")
    if not password:
        errors["password"] = web.gettext("Write your password.")
    elif len(password) > PASSWORD_MAX:
        errors["password"] = web.gettext("The password is too long.")
    user = None
    if not errors:
        try:
            user = auth.authenticate_staff(
                session=session,
                settings=settings,
                email=email,
                password=password,
                address=client_address(web),
            )
        except auth.LoginLocked as locked:
            errors["form"] = _locked_message(web, locked)
        else:
            if user is None:
                errors["form"] = web.gettext("The email or the password is not right. Try again.")
    if user is None:
        return _staff_page(web, settings, email=email, next=next, errors=errors, status=400)
    if totp.is_enabled(session=session, user_id=user.id):
        return totp.begin_second_step(session=session, settings=settings, user=user, next=safe_next(next))
    return _signed_in(web, session, settings, user, next)


@router.post("/logout")
def sign_out(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.end_session(session=session, token=token)
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def client_address(web: Web) -> str | None:
    """The client's address as uvicorn gives it (from X-Forwarded-For only when the connection
    comes from a proxy in TAVLE_FORWARDED_ALLOW_IPS)."""
    return web.request.client.host if web.request.client else None


def _signed_in(web: Web, session: SessionDep, settings: SettingsDep, user: User, next: str) -> Response:
    """Every way in ends here: the browser's earlier session (whoever's) ends on the server, a
    new one starts, and the pre-session id is replaced, so no CSRF token from before is valid."""
    signed = auth.start_session(
        session=session, settings=settings, user=user, replacing=web.request.cookies.get(SESSION_COOKIE)
    )
    response = see_other(safe_next(next))
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
    return response


def _locked_message(web: Web, locked: auth.LoginLocked) -> str:
    return web.gettext(
        "Too many wrong tries. For your safety, sign-in is paused until %(time)s. "
        "You can also ask your consultant for help.",
        time=web.translator.datetime(locked.until, "short"),
    )

"""Sign-in for citizens (invitation code and PIN) and staff (email and password); sign-out."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.core.numbers import digits
from app.core.refusals import AccountClosed
from app.core.web import Web, safe_next, see_other
from app.deps import SESSION_COOKIE, SessionDep, SettingsDep, WebDep
from app.identity import sessions as auth
from app.identity import totp
from app.identity.signing_in import locked_message, remembered_way, signed_in

router = APIRouter(tags=["auth"])

CODE_MAX = 40
PIN_MAX = 12
EMAIL_MAX = 254
PASSWORD_MAX = 200


@router.get("/login")
def citizen_form(web: WebDep, next: str = "/") -> Response:
    if web.user is not None:
        return see_other(safe_next(next))
    return _citizen_page(web, errors={}, code="", next=next)


def _citizen_page(
    web: Web, *, errors: dict[str, str], code: str, next: str, status_code: int = 200
) -> Response:
    return web.page(
        "login.html",
        status_code=status_code,
        page_url="/login",
        errors=errors,
        values={"code": code},
        next=safe_next(next),
        way=remembered_way(web),
    )


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
    elif not digits(pin) or len(pin) > PIN_MAX:
        errors["pin"] = web.gettext("Your PIN is numbers only.")
    user = None
    if not errors:
        try:
            user = auth.authenticate_citizen(
                session=session, settings=settings, code=code, pin=pin, address=client_address(web)
            )
        except auth.LoginLocked as locked:
            errors["form"] = locked_message(web, locked)
        else:
            if user is None:
                errors["form"] = web.gettext("The code or the PIN is not right. Try again.")
    if user is None:
        return _citizen_page(web, errors=errors, code=code, next=next, status_code=400)
    return signed_in(web, session, settings, user, next, way="pin")


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
            errors["form"] = locked_message(web, locked)
        else:
            if user is None:
                errors["form"] = web.gettext("The email or the password is not right. Try again.")
    if user is None:
        return _staff_page(web, settings, email=email, next=next, errors=errors, status=400)
    if not user.active:
        raise AccountClosed()
    if totp.is_enabled(session=session, user_id=user.id):
        return totp.begin_second_step(session=session, settings=settings, user=user, next=safe_next(next))
    return signed_in(web, session, settings, user, next)


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

"""My sign-in: passkeys for citizens and network members; the authenticator-app code (TOTP) for
staff, and the second sign-in step that asks for it after the password."""

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from app.core.qr import qr_svg
from app.core.web import Web, see_other
from app.deps import CurrentUser, SessionDep, SettingsDep, WebDep, require_role
from app.identity import passkeys, passwords, totp
from app.identity import throttle as signin_throttle
from app.identity.signing_in import locked_message, signed_in
from app.models import Role, User

router = APIRouter(tags=["account"])
CODE_MAX = 20
StaffUser = Annotated[User, require_role(Role.consultant, Role.manager, Role.admin)]


def _page(
    web: Web, session: SessionDep, user: User, *, errors: dict[str, str], status: int = 200
) -> Response:
    assert user.id is not None
    context: dict[str, Any] = {
        "errors": errors,
        "uses_passkeys": user.role in passkeys.PASSKEY_ROLES,
        "password_changed": web.request.query_params.get("password") == "changed",
    }
    if user.role in passkeys.PASSKEY_ROLES:
        context["passkeys"] = passkeys.passkeys_of(session=session, user_id=user.id)
        context["added"] = web.request.query_params.get("added") == "1"
    else:
        record = totp.setup_of(session=session, user_id=user.id)
        context["totp"] = record
        if record is not None and record.enabled_at is None:
            uri = totp.provisioning_uri(record=record, user=user)
            context["totp_qr"] = qr_svg(uri, title=web.gettext("QR code for your authenticator app"), scale=4)
            context["totp_secret"] = " ".join(
                record.secret[i : i + 4] for i in range(0, len(record.secret), 4)
            )
    return web.page("account_security.html", status_code=status, page_url="/account/security", **context)


@router.get("/account/security")
def security_page(web: WebDep, session: SessionDep, user: CurrentUser) -> Response:
    return _page(web, session, user, errors={})


@router.post("/account/security/totp/start")
def totp_start(session: SessionDep, user: StaffUser) -> Response:
    totp.start_setup(session=session, user=user)
    return see_other("/account/security#totp")


@router.post("/account/security/totp/confirm")
def totp_confirm(
    web: WebDep, session: SessionDep, user: StaffUser, code: Annotated[str, Form()] = ""
) -> Response:
    if not totp.confirm(session=session, user=user, code=code[:CODE_MAX]):
        message = web.gettext("That code is not right. Type the 6 digits your app shows now.")
        return _page(web, session, user, errors={"code": message}, status=400)
    return see_other("/account/security")


@router.post("/account/security/totp/disable")
def totp_disable(
    web: WebDep, session: SessionDep, user: StaffUser, code: Annotated[str, Form()] = ""
) -> Response:
    if not totp.disable(session=session, user=user, code=code[:CODE_MAX]):
        message = web.gettext("That code is not right. Type the 6 digits your app shows now.")
        return _page(web, session, user, errors={"disable_code": message}, status=400)
    return see_other("/account/security")


# --- My password (staff) ------------------------------------------------------------------


def _password_page(web: Web, user: User, *, errors: dict[str, str], status: int = 200) -> Response:
    return web.page(
        "account_password.html",
        status_code=status,
        errors={field: web.gettext(message) for field, message in errors.items()},
        must_change=user.password_must_change,
    )


@router.get("/account/password")
def password_form(web: WebDep, user: StaffUser) -> Response:
    return _password_page(web, user, errors={})


@router.post("/account/password")
def change_password(
    web: WebDep,
    session: SessionDep,
    user: StaffUser,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_again: Annotated[str, Form()] = "",
) -> Response:
    try:
        passwords.change_password(
            session=session, user=user, current=current_password, new=new_password, again=new_password_again
        )
    except passwords.PasswordError as invalid:
        return _password_page(web, user, errors=invalid.errors, status=400)
    return see_other("/account/security?password=changed")


# --- The second sign-in step ---------------------------------------------------------------


@router.get("/login/code")
def second_step_form(web: WebDep, session: SessionDep) -> Response:
    token = web.request.cookies.get(totp.SECOND_STEP_COOKIE)
    if totp.pending_user(session=session, token=token) is None:
        return see_other("/login/staff")
    return web.page("totp_second_step.html", errors={})


@router.post("/login/code")
def second_step(
    web: WebDep, session: SessionDep, settings: SettingsDep, code: Annotated[str, Form()] = ""
) -> Response:
    token = web.request.cookies.get(totp.SECOND_STEP_COOKIE)
    found = totp.pending_user(session=session, token=token)
    if found is None:
        # Too slow, or never started: begin again with the password.
        return see_other("/login/staff")
    _user, next = found
    errors: dict[str, str] = {}
    code = totp.clean_code(code[:CODE_MAX])
    if not code:
        errors["code"] = web.gettext("Write the 6-digit code from your authenticator app.")
    else:
        try:
            user = totp.finish_second_step(session=session, settings=settings, token=token, code=code)
        except signin_throttle.LoginLocked as locked:
            errors["form"] = locked_message(web, locked)
        else:
            if user is not None:
                response = signed_in(web, session, settings, user, next)
                response.delete_cookie(totp.SECOND_STEP_COOKIE, path="/")
                return response
            errors["code"] = web.gettext("That code is not right. Type the 6 digits your app shows now.")
    return web.page("totp_second_step.html", status_code=400, errors=errors)

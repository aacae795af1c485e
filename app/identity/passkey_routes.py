"""Passkeys: sign in with one (citizens and network members, no code to type), add one from the
sign-in settings page, remove one. The browser side is app/static/passkey.js; every form here
also has a plain path (the PIN) that works without JavaScript."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse, Response

from app.access.rules import NotVisible
from app.core.web import safe_next, see_other
from app.deps import SessionDep, SettingsDep, WebDep, require_role
from app.identity import passkeys
from app.identity import throttle as signin_throttle
from app.identity.signing_in import as_json, landing, locked_message, remember_way, signed_in
from app.models import User

router = APIRouter(tags=["passkeys"])
PasskeyUser = Annotated[User, require_role(*passkeys.PASSKEY_ROLES)]


@router.get("/login/passkey")
def sign_in_page(web: WebDep, next: str = "/") -> Response:
    if web.user is not None:
        return see_other(safe_next(next))
    return web.page("passkey_sign_in.html", next=safe_next(next))


@router.post("/login/passkey/options")
def sign_in_options(web: WebDep, session: SessionDep, settings: SettingsDep) -> Response:
    key = signin_throttle.client_key(web.request, "passkey")
    try:
        signin_throttle.check(session=session, key=key)
    except signin_throttle.LoginLocked as locked:
        return JSONResponse({"error": locked_message(web, locked)}, status_code=429)
    rp = passkeys.relying_party(settings=settings, request=web.request)
    options, challenge = passkeys.authentication_options(session=session, rp=rp)
    response = Response(options, media_type="application/json")
    passkeys.set_challenge_cookie(response, token=challenge, settings=settings)
    return response


@router.post("/login/passkey")
def sign_in(
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    credential: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    key = signin_throttle.client_key(web.request, "passkey")
    try:
        signin_throttle.check(session=session, key=key)
        user = passkeys.authenticate(
            session=session,
            rp=passkeys.relying_party(settings=settings, request=web.request),
            token=web.request.cookies.get(passkeys.CHALLENGE_COOKIE),
            credential=credential,
        )
    except signin_throttle.LoginLocked as locked:
        return JSONResponse({"error": locked_message(web, locked)}, status_code=429)
    except passkeys.PasskeyFailed:
        try:
            signin_throttle.failed(session=session, settings=settings, key=key)
        except signin_throttle.LoginLocked as locked:
            return JSONResponse({"error": locked_message(web, locked)}, status_code=429)
        return JSONResponse(
            {"error": web.gettext("That passkey did not work here. Sign in with your code and PIN instead.")},
            status_code=400,
        )
    next = landing(user) if next == "/" else next
    return as_json(signed_in(web, session, settings, user, next, way="passkey"))


@router.post("/account/passkeys/options")
def add_options(session: SessionDep, settings: SettingsDep, web: WebDep, user: PasskeyUser) -> Response:
    rp = passkeys.relying_party(settings=settings, request=web.request)
    options, challenge = passkeys.registration_options(session=session, rp=rp, user=user)
    response = Response(options, media_type="application/json")
    passkeys.set_challenge_cookie(response, token=challenge, settings=settings)
    return response


@router.post("/account/passkeys")
def add(
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    user: PasskeyUser,
    credential: Annotated[str, Form()] = "",
) -> Response:
    assert user.id is not None
    try:
        passkeys.register(
            session=session,
            rp=passkeys.relying_party(settings=settings, request=web.request),
            token=web.request.cookies.get(passkeys.CHALLENGE_COOKIE),
            credential=credential,
            user_id=user.id,
        )
    except passkeys.PasskeyFailed:
        return JSONResponse(
            {"error": web.gettext("The passkey could not be saved. Try again, or keep using your PIN.")},
            status_code=400,
        )
    answer = as_json(see_other("/account/security?added=1"))
    # Made on this device: it is how this device signs in next time.
    remember_way(answer, "passkey", settings)
    return answer


@router.post("/account/passkeys/{passkey_id}/delete")
def remove(passkey_id: int, session: SessionDep, user: PasskeyUser) -> Response:
    assert user.id is not None
    if not passkeys.remove(session=session, user_id=user.id, passkey_id=passkey_id):
        raise NotVisible(None)
    return see_other("/account/security")

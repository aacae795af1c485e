"""Sign-in with the organisation's identity provider (OpenID Connect), when configured."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access.rules import NotVisible
from app.core.web import safe_next, see_other
from app.deps import SessionDep, SettingsDep, WebDep
from app.identity import oidc, pending
from app.identity import throttle as signin_throttle
from app.identity.signing_in import locked_message, signed_in

router = APIRouter(tags=["oidc"])
CALLBACK = "/login/oidc/callback"
PARAM_MAX = 2000


def _callback_url(request: Request, settings: SettingsDep) -> str:
    base = settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return base + CALLBACK


@router.get("/login/oidc")
def start(web: WebDep, session: SessionDep, settings: SettingsDep, next: str = "/") -> Response:
    config = settings.oidc
    if not config.enabled:
        raise NotVisible(None)
    try:
        started = oidc.begin(
            session=session,
            oidc=config,
            redirect_uri=_callback_url(web.request, settings),
            next=safe_next(next),
        )
    except oidc.OidcFailed:
        return _refused(web, "unavailable", 502)
    response = see_other(started.url)
    pending.set_cookie(
        response, name=oidc.COOKIE, token=started.token, minutes=oidc.MINUTES, settings=settings
    )
    return response


@router.get(CALLBACK)
def callback(
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    code: str = "",
    state: str = "",
    error: str = "",
) -> Response:
    config = settings.oidc
    if not config.enabled:
        raise NotVisible(None)
    key = signin_throttle.client_key(web.request, "oidc")
    try:
        signin_throttle.check(session=session, key=key)
    except signin_throttle.LoginLocked as locked:
        return _refused(web, "locked", 429, message=locked_message(web, locked))
    token = web.request.cookies.get(oidc.COOKIE)
    if error:
        pending.take(session=session, purpose=oidc.PURPOSE, token=token)
        return _refused(web, "cancelled", 400)
    try:
        user, next = oidc.finish(
            session=session, oidc=config, token=token, state=state[:PARAM_MAX], code=code[:PARAM_MAX]
        )
    except (oidc.OidcFailed, oidc.OidcUnknown) as exc:
        try:
            signin_throttle.failed(session=session, settings=settings, key=key)
        except signin_throttle.LoginLocked as locked:
            return _refused(web, "locked", 429, message=locked_message(web, locked))
        if isinstance(exc, oidc.OidcUnknown):
            return _refused(web, "unknown", 403)
        return _refused(web, "failed", 400)
    response = signed_in(web, session, settings, user, next)
    response.delete_cookie(oidc.COOKIE, path="/")
    return response


def _refused(web: WebDep, reason: str, status: int, message: str = "") -> Response:
    response = web.page("oidc_refused.html", status_code=status, reason=reason, message=message)
    response.delete_cookie(oidc.COOKIE, path="/")
    return response

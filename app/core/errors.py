"""Every failure answers with a page in the user's language, never a bare 500."""

import logging
from collections.abc import Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.catalogue import N_
from app.core.i18n import LANG_COOKIE, Translator, negotiate, normalise, translator
from app.core.refusals import (
    AccountClosed,
    CsrfRejected,
    NotVisible,
    PasswordChangeRequired,
    SignInRequired,
    StillSaving,
)
from app.core.rendering import render
from app.core.web import wants_fragment

log = logging.getLogger("tavle")


def install(app: FastAPI) -> None:
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(NotVisible, _not_found)
    app.add_exception_handler(CsrfRejected, _csrf)
    app.add_exception_handler(AccountClosed, _closed)
    app.add_exception_handler(PasswordChangeRequired, _change_password)
    app.add_exception_handler(StillSaving, _still_saving)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _crash)


def _sign_in(request: Request, _exc: Exception) -> Response:
    target = "/login?next=" + quote(request.url.path, safe="/")
    if wants_fragment(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


PASSWORD_PAGE = "/account/password"


def _change_password(request: Request, _exc: Exception) -> Response:
    if wants_fragment(request):
        return Response(status_code=204, headers={"HX-Redirect": PASSWORD_PAGE})
    return RedirectResponse(PASSWORD_PAGE, status_code=303)


NOT_FOUND = (
    N_("Page not found"),
    N_("We could not find that page. It may have moved, or you may not have access."),
)
EXPIRED = (
    N_("Please try again"),
    N_("The page had expired, so nothing was saved. Go back, reload and try again."),
)
NOT_UNDERSTOOD = (
    N_("Something was not right"),
    N_("We could not understand what was sent. Go back and check the form."),
)
WRONG_METHOD = (N_("Something was not right"), N_("That address cannot be used like this."))
TRY_AGAIN = (N_("Something was not right"), N_("Please try again in a moment."))
CRASHED = (
    N_("Sorry, something went wrong"),
    N_("Nothing you saved before is lost. Please try again in a moment."),
)


def _answer(status: int, words: tuple[str, str]) -> Callable[[Request, Exception], Response]:
    def handle(request: Request, _exc: Exception) -> Response:
        return _page(request, status, words)

    return handle


CLOSED = (
    N_("This account is closed"),
    N_(
        "An administrator has closed this account, so you cannot sign in. "
        "Ask an administrator at the job centre if you need it again."
    ),
)

_not_found = _answer(404, NOT_FOUND)
_csrf = _answer(403, EXPIRED)
_closed = _answer(403, CLOSED)


def _still_saving(request: Request, _exc: Exception) -> Response:
    """The same change is being saved by an earlier request: nothing is lost by waiting."""
    response = _page(request, 503, TRY_AGAIN)
    response.headers["Retry-After"] = "2"
    return response


def _invalid(request: Request, exc: Exception) -> Response:
    """Bad input is 400; but text in an id's place in the path (/citizens/abc) names no page."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    if any(error.get("loc", ("",))[0] == "path" for error in errors):
        return _page(request, 404, NOT_FOUND)
    return _page(request, 400, NOT_UNDERSTOOD)


def not_found_page(request: Request) -> HTMLResponse:
    """The not-found page, for a request that never reached a route (`app.core.middleware`)."""
    return _page(request, 404, NOT_FOUND)


def _http(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
    words = {404: NOT_FOUND, 405: WRONG_METHOD}.get(status, TRY_AGAIN)
    return _page(request, status, words)


def _crash(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _page(request, 500, CRASHED)


def _translator(request: Request) -> Translator:
    return translator(
        normalise(request.cookies.get(LANG_COOKIE))
        or negotiate(request.headers.get("accept-language"))
        or request.app.state.settings.default_locale
    )


def _page(request: Request, status: int, words: tuple[str, str]) -> HTMLResponse:
    t = _translator(request)
    heading, message = (t.gettext(text) for text in words)
    context = {
        "request": request,
        "user": None,
        "csrf_token": request.state.csrf_token if hasattr(request.state, "csrf_token") else "",
        "current_path": request.url.path,
        "current_url": request.url.path,
        "heading": heading,
        "message": message,
    }
    block = "content" if wants_fragment(request) else None
    return HTMLResponse(render("error.html", context, t, block=block), status_code=status)

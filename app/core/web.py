"""Per-request rendering: one place decides full page or fragment, and speaks the user's language."""

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.routing import Match

from app.core.i18n import Translator
from app.core.rendering import render
from app.models import User

# What a page's content depends on besides its address.
VARY = {"Vary": "HX-Request, Cookie, Accept-Language"}


def wants_fragment(request: Request) -> bool:
    """htmx asked, and it is not restoring history (which needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@dataclass
class Web:
    request: Request
    translator: Translator
    user: User | None
    csrf_token: str
    extra: dict[str, Any] = field(default_factory=dict)

    def context(self, **context: Any) -> dict[str, Any]:
        return {
            "request": self.request,
            "user": self.user,
            "csrf_token": self.csrf_token,
            "current_path": _path(self.request),
            "current_url": _relative_url(self.request),
            **self.extra,
            **context,
        }

    def page(
        self,
        template: str,
        *,
        block: str | None = None,
        status_code: int = 200,
        page_url: str | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """The whole page, or only `block` of it when htmx asked for a fragment.

        `page_url`: the page's own address, when this is the page again after a refused form
        sent elsewhere (by default the form's own address, when that is a page too)."""
        chosen = block if block and wants_fragment(self.request) else None
        own = own_address(self.request, page_url)
        html = render(template, self.context(page_url=own, **context), self.translator, block=chosen)
        return self.html(html, status_code=status_code)

    def html(self, html: str, *, status_code: int = 200) -> HTMLResponse:
        return HTMLResponse(html, status_code=status_code, headers=VARY)

    def gettext(self, message: str, **variables: Any) -> str:
        return self.translator.gettext(message, **variables)


@dataclass
class SignedInWeb(Web):
    """For a route only a signed-in person reaches: the person is there."""

    user: User


def see_other(url: str) -> RedirectResponse:
    """303 after a state change, so a reload never posts twice."""
    return RedirectResponse(url, status_code=303)


def own_address(request: Request, page_url: str | None) -> str | None:
    """Where a page answering a sent form really lives, so that the browser shows that address
    and a reload asks for the page instead of sending the form again (static/forms.js). None
    for a page that was asked for."""
    if request.method != "POST":
        return None
    if page_url is not None:
        return page_url
    get = {**request.scope, "method": "GET"}
    routes = request.app.router.routes
    return request.url.path if any(r.matches(get)[0] == Match.FULL for r in routes) else None


def _path(request: Request) -> str:
    return request.url.path


def _relative_url(request: Request) -> str:
    query = request.url.query
    return request.url.path + ("?" + query if query else "")


def safe_next(url: str | None, default: str = "/") -> str:
    """Only same-site paths: a crafted link must not send a signed-in user elsewhere."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default

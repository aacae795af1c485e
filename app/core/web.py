"""Per-request rendering: one place decides full page or fragment, and speaks the user's language."""

import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.core.i18n import Translator
from app.core.memo import Memo
from app.core.rendering import render
from app.models import User

# Whole pages as rendered, for pages asked for again and again unchanged (a board reopened,
# reloaded, restored from history). Bounded; an entry is only ever found by the exact same
# inputs, so nothing stale is served (see `Web.page`'s `same_as`).
# Kept encoded: a 20 kB page with Danish letters took longer to encode than to find.
PAGES: Memo[Hashable, bytes] = Memo(size=512, seconds=300)
# What a page's content depends on besides its address (Accept-Encoding: see app.core.compression).
VARY = {"Vary": "HX-Request, Cookie, Accept-Language, Accept-Encoding"}


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
        same_as: Hashable = None,
        **context: Any,
    ) -> HTMLResponse:
        """The whole page, or only `block` of it when htmx asked for a fragment.

        `same_as`: a key that names everything in `context` that the page shows (say, a board
        at a version, as one viewer sees it). A page rendered before from the same key, the same
        template and block, and the same viewer, language, form token, address and minute (the
        page may show the time) is served again instead of rendered."""
        chosen = block if block and wants_fragment(self.request) else None

        def draw() -> str:
            return render(template, self.context(**context), self.translator, block=chosen)

        if same_as is None or self.extra:
            return self.html(draw(), status_code=status_code)
        key = (same_as, template, chosen, self._identity(), int(time.time() // 60))
        return self.html(PAGES.get_or_make(key, lambda: draw().encode()), status_code=status_code)

    def html(self, html: str | bytes, *, status_code: int = 200) -> HTMLResponse:
        return HTMLResponse(html, status_code=status_code, headers=VARY)

    def _identity(self) -> Hashable:
        user = self.user
        person = (user.id, user.role, user.name, user.locale) if user else None
        return (person, self.translator.locale, self.csrf_token, _relative_url(self.request))

    def gettext(self, message: str, **variables: Any) -> str:
        return self.translator.gettext(message, **variables)


@dataclass
class SignedInWeb(Web):
    """For a route only a signed-in person reaches: the person is there."""

    user: User


async def posted(request: Request, *names: str) -> tuple[str, ...]:
    """The named fields of a posted form, each "" when absent or not text. The card move, the
    request a busy board sends most, reads its form with this rather than declaring `Form()`
    parameters: FastAPI's handling of declared fields was 5 % of the instructions of a whole
    move (measured with callgrind, 2026-12-03)."""
    form = await request.form()
    values = [form.get(name) for name in names]
    return tuple(value if isinstance(value, str) else "" for value in values)


def see_other(url: str) -> RedirectResponse:
    """303 after a state change, so a reload never posts twice."""
    return RedirectResponse(url, status_code=303)


def _path(request: Request) -> str:
    """`request.url.path`, without building the whole URL (scheme, host, port) every page."""
    path: str = request.scope["path"]
    return path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")


def _relative_url(request: Request) -> str:
    query: bytes = request.scope.get("query_string", b"")
    return _path(request) + ("?" + query.decode() if query else "")


def safe_next(url: str | None, default: str = "/") -> str:
    """Only same-site paths: a crafted link must not send a signed-in user elsewhere."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default

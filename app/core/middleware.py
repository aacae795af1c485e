"""Pure ASGI middleware (it must not buffer the event streams): security headers on every
response, the pre-session cookie, and the request's CSRF token (`app.core.csrf`)."""

import re
import secrets

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.csrf import token_for
from app.core.path_ids import out_of_range
from app.core.request_scope import current_scope

# The random pre-session id the CSRF token is made from before sign-in (never the token itself).
CSRF_COOKIE = "tavle_csrf"
SESSION_COOKIE = "tavle_session"
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, *, secure_cookies: bool) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = prepare(scope, secure_cookies=self.secure_cookies)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                # A new pre-session id set by the route itself (at sign-in) wins over ours.
                own = _sets_presession(headers)
                headers.extend(
                    h
                    for h in extra
                    if h[0] not in present or (h[0] == b"set-cookie" and not (own and _sets_presession([h])))
                )
                message["headers"] = headers
            await send(message)

        if out_of_range(scope["path"]):
            # A number no 64-bit id can be names nothing here (app.core.path_ids).
            await not_found(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """The app's own not-found page, in the visitor's language."""
    from app.core.errors import not_found_page  # here: errors needs much that needs this module

    await not_found_page(Request(scope))(scope, receive, send)


def prepare(scope: Scope, *, secure_cookies: bool) -> list[tuple[bytes, bytes]]:
    """Gives the request its CSRF token (an HMAC of its session, or of its pre-session id, made
    here when the browser has none) and names it to the audit trail; returns the headers its
    answer carries: the security headers (HSTS when the public URL is https), and a new
    pre-session cookie. The app's secret and HSTS choice are on `app.state` (`app.main`)."""
    state = scope["app"].state
    presession = _cookie(scope, CSRF_COOKIE)
    headers = list(SECURITY_HEADERS)
    if state.hsts:
        headers.append(HSTS)
    if presession is None:
        presession = new_presession_id()
        headers.append((b"set-cookie", presession_cookie(presession, secure=secure_cookies).encode()))
    scope.setdefault("state", {})["csrf_token"] = token_for(
        state.secret_key, session_token=_cookie(scope, SESSION_COOKIE), presession_id=presession
    )
    current_scope.set(scope)
    return headers


def new_presession_id() -> str:
    return secrets.token_urlsafe(32)


def presession_cookie(value: str, *, secure: bool) -> str:
    """The Set-Cookie value for a pre-session id (HttpOnly: scripts never need it)."""
    return f"{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")


def _sets_presession(headers: list[tuple[bytes, bytes]]) -> bool:
    wanted = CSRF_COOKIE.encode() + b"="
    return any(name.lower() == b"set-cookie" and value.startswith(wanted) for name, value in headers)


def _cookie(scope: Scope, name: str) -> str | None:
    """The named cookie's value. Every request asks, so no general cookie parser: our token is
    URL-safe base64, never quoted; anything else in its place is ignored (a new one is set)."""
    wanted = name.encode() + b"="
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.split(b";"):
                part = part.strip()
                if part.startswith(wanted):
                    token = part[len(wanted) :]
                    return token.decode("latin-1") if token and _TOKEN.fullmatch(token) else None
    return None


_TOKEN = re.compile(rb"[A-Za-z0-9_-]{16,128}")

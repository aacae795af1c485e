"""Pure ASGI middleware (it must not buffer the event streams): security headers on every
response, and the CSRF cookie that forms and htmx send back."""

import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.request_scope import current_scope

CSRF_COOKIE = "tavle_csrf"
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
                headers.extend(h for h in extra if h[0] not in present or h[0] == b"set-cookie")
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def prepare(scope: Scope, *, secure_cookies: bool) -> list[tuple[bytes, bytes]]:
    """Gives the request its CSRF token (the cookie's, or a new one) and names it to the audit
    trail; returns the headers its answer carries: the security headers, and the new cookie."""
    token = _cookie(scope, CSRF_COOKIE)
    headers = list(SECURITY_HEADERS)
    if token is None:
        token = secrets.token_urlsafe(32)
        cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax" + (
            "; Secure" if secure_cookies else ""
        )
        headers.append((b"set-cookie", cookie.encode()))
    scope.setdefault("state", {})["csrf_token"] = token
    current_scope.set(scope)
    return headers


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

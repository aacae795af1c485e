"""CSRF tokens bound to the session, and the checks of where a state change comes from.

The token our pages put in forms and htmx headers is an HMAC (SHA-256, the app's secret key) of
the session: of the session token (cookie `tavle_session`) once signed in, and before that of a
random pre-session id kept in the HttpOnly cookie `tavle_csrf`. Neither cookie's value is ever a
token, so a cookie planted by someone else authorises nothing, a token taken from another session
is worth nothing here, and signing in (a new session token, and a new pre-session id) makes every
earlier token useless.

Besides the token, a change must come from our own pages by the browser's own account: a
`Sec-Fetch-Site` other than same-origin (or none: typed, bookmarked) is refused, and so is an
`Origin` other than the app's own (`TAVLE_PUBLIC_URL`, else the request's scheme and host)."""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def token_for(secret: bytes, *, session_token: str | None, presession_id: str) -> str:
    """The token a page carries: of the session when there is one, else of the pre-session."""
    message = b"session:" + session_token.encode() if session_token else b"pre:" + presession_id.encode()
    mac = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def from_elsewhere(request: Request, public_url: str) -> bool:
    """Whether the browser says this request was not made by our own pages."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.lower() not in ALLOWED_FETCH_SITES:
        return True
    origin = request.headers.get("origin")
    return origin is not None and not same_origin(origin, own_origin(request, public_url))


def own_origin(request: Request, public_url: str) -> str:
    if public_url:
        return public_url
    return f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"


def same_origin(a: str, b: str) -> bool:
    return _origin(a) is not None and _origin(a) == _origin(b)


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin or URL; None for "null" or anything unreadable."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]

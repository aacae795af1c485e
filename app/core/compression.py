"""gzip for the browsers that accept it, and nothing in the way of the requests that do not.

Starlette's GZipMiddleware wraps every answer, also for a client that does not accept gzip: it
then only adds `Vary: Accept-Encoding`, and that wrapping cost a board page more than finding the
page in its cache. Tavle's pages name Accept-Encoding in their own Vary header (app.core.web), so the
answer a shared cache may keep for such a client says what it depends on."""

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Compression:
    def __init__(self, app: ASGIApp, *, minimum_size: int) -> None:
        self.app = app
        # It leaves text/event-stream alone (Starlette's default exclusions), so live updates
        # are never held back in a compression buffer.
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and accepts_gzip(scope):
            await self.gzip(scope, receive, _once_each_in_vary(send))
        else:
            await self.app(scope, receive, send)


def _once_each_in_vary(send: Send) -> Send:
    """Starlette's gzip adds Accept-Encoding to a Vary header that may name it already."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [
                (name, _unique(value) if name.lower() == b"vary" else value)
                for name, value in message.get("headers", [])
            ]
        await send(message)

    return sending


def _unique(vary: bytes) -> bytes:
    names = [name.strip() for name in vary.split(b",") if name.strip()]
    return b", ".join(dict.fromkeys(names))


def accepts_gzip(scope: Scope) -> bool:
    """As Starlette decides it: "gzip" anywhere in Accept-Encoding."""
    return any(name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"])

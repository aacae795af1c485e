"""A short way in for the boards' event streams, the one kind of request that stays open.

Through the full middleware stack every open stream would keep a coroutine per layer for as long
as it lives (about twenty-five, with their closures and send wrappers): at two thousand open
streams that is most of what the garbage collector walks (its full passes took 100 ms, every
live update waiting meanwhile), and every event and heartbeat passes through each layer. This
middleware sits outside the others and serves `GET /citizens/<id>/board/events` itself, doing
what the layers it skips do for a stream: the CSRF token and security headers
(`app.core.middleware.prepare`), the route's name for the audit trail, and the app's own exception
handlers for a refusal (not signed in, no access). Anything else goes on through the stack."""

import inspect
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from app.board import stream as events
from app.board.stream import board_events
from app.core.middleware import prepare

PATH = re.compile(r"/citizens/([0-9]{1,18})/board/events")
# The route the stack would have matched (the audit trail names it by its template).
ROUTE: BaseRoute = next(r for r in events.router.routes if getattr(r, "endpoint", None) is board_events)


class StreamLane:
    def __init__(self, app: ASGIApp, *, secure_cookies: bool) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = PATH.fullmatch(scope["path"]) if scope["type"] == "http" else None
        if found is None or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        headers = prepare(scope, secure_cookies=self.secure_cookies)
        scope["path_params"] = {"citizen_id": found.group(1)}
        scope["route"] = ROUTE
        request = Request(scope)
        try:
            stream = await board_events(request)
        except Exception as exc:
            answer = await _refusal(request, exc)
            answer.headers.update({k.decode(): v.decode() for k, v in headers})
            await answer(scope, receive, send)
            return
        del request
        stream.headers.extend(headers)
        await stream(scope, receive, send)


async def _refusal(request: Request, exc: Exception) -> Response:
    """The answer the app's exception handlers give (a sign-in redirect, not found, …)."""
    handlers = request.app.exception_handlers
    for kind in type(exc).__mro__:
        if kind in handlers:
            answer = handlers[kind](request, exc)
            return await answer if inspect.isawaitable(answer) else answer
    raise exc

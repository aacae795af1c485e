"""Server-Sent Events as a plain ASGI response, light enough to hold thousands open at once.

Starlette's StreamingResponse runs each stream in a task group, with a second task that only
waits for the client to leave. Here the request's own coroutine does both: between events it
waits on `receive()`, which answers `http.disconnect` the moment the client goes, so a stream
left idle is ended and unsubscribed at once (a failed write would not tell: uvicorn drops
writes to a closed connection without a word). Whatever should wake it sooner (a published
change, the next heartbeat) ends that wait by cancelling it: the same cancellation
StreamingResponse uses to stop its listener, which `receive()` allows. A change wakes the
stream at once, in the same turn of the loop that learns of it, so the views of a board hear of
a change before anything that turn queued after it (such as the answer to the change's own
request)."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    # Tells nginx and similar proxies not to hold events back in a buffer.
    (b"x-accel-buffering", b"no"),
]


class EventStream:
    """One open stream. A subclass writes `run()`: it sends with `send()` and waits with
    `wait()`; when `run()` returns the response ends, when the client leaves `wait()` says so."""

    __slots__ = ("_receive", "_send", "_waiter", "_woken", "gone", "headers")

    def __init__(self) -> None:
        self._waiter: asyncio.Task[object] | None = None
        self._woken = False
        self.gone = False
        self.headers = list(HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._receive, self._send = receive, send
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        self.headers = HEADERS
        await self.run()
        if not self.gone:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def run(self) -> None:
        raise NotImplementedError

    async def send(self, text: str) -> None:
        await self._send({"type": "http.response.body", "body": text.encode(), "more_body": True})

    async def wait(self, deadline: float) -> bool:
        """Waits until the loop's clock reaches `deadline` or `wake()` is called: True. False
        when the client has left (then the stream must end)."""
        if self.gone:
            return False
        task = asyncio.current_task()
        assert task is not None
        cancelling = task.cancelling()
        self._waiter, self._woken = task, False
        timer = asyncio.get_running_loop().call_at(deadline, self.wake)
        try:
            # The first message is the request's (empty) body; the next says the client left.
            while (await self._receive())["type"] != "http.disconnect":
                pass
        except asyncio.CancelledError:
            # Ours (a wake) unless someone else cancelled the stream too: then it must end.
            if self._woken and task.uncancel() <= cancelling:
                return True
            raise
        finally:
            timer.cancel()
            self._waiter = None
        self.gone = True
        return False

    def wake(self) -> None:
        """Ends the `wait()` in progress, if any. Call on the loop."""
        waiter = self._waiter
        if waiter is not None and not self._woken:
            self._woken = True
            waiter.cancel()


class EventStreamRoute(APIRoute):
    """A route whose endpoint takes the Request and returns an EventStream (`response_model=None`).

    FastAPI awaits a response inside its per-request wrapper (two exit stacks, a Request, an
    exception handler's closures), which would then live as long as the stream. This route
    calls the endpoint and then the stream straight from `handle`, so the endpoint's locals and
    the Request are gone once the stream runs. It is still an APIRoute: matched, listed and
    swept by the tests like any other. No dependencies run (the app's CSRF check has nothing
    to check on a GET), and path and query parameters are the endpoint's own to read."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in (self.methods or ()):
            await super().handle(scope, receive, send)  # 405, as for any route
            return
        endpoint: Callable[[Request], Awaitable[EventStream]] = self.endpoint
        stream = await endpoint(Request(scope))
        await stream(scope, receive, send)

"""The floor: a bare FastAPI app that does what live sync must do and nothing else. A viewer holds
a Server-Sent Events stream per board; a write raises the board's version and sends every open
stream of that board one fixed fragment (as large as a board's columns), with the version as its
id. No database, no sign-in, no rendering: what is left is uvicorn, FastAPI and SSE."""

import asyncio
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, StreamingResponse

FRAGMENT = "<li>" + "x" * 11_900 + "</li>"
HEARTBEAT_SECONDS = 15.0

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
versions: dict[int, int] = {}
streams: dict[int, set[asyncio.Queue[int]]] = {}


@app.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"


@app.get("/", response_class=PlainTextResponse)
async def fixed_text() -> str:
    return "Hello from a bare FastAPI endpoint."


@app.get("/boards/{board}/events")
async def events(board: int) -> StreamingResponse:
    return StreamingResponse(_events(board), media_type="text/event-stream")


async def _events(board: int) -> AsyncIterator[str]:
    queue: asyncio.Queue[int] = asyncio.Queue()
    streams.setdefault(board, set()).add(queue)
    try:
        yield "retry: 1000\n\n"
        while True:
            try:
                version = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": still here\n\n"
                continue
            yield f"event: board\nid: {version}\ndata: {FRAGMENT}\n\n"
    finally:
        streams[board].discard(queue)


@app.post("/boards/{board}/write", response_class=PlainTextResponse)
async def write(board: int) -> str:
    version = versions[board] = versions.get(board, 0) + 1
    for queue in streams.get(board, ()):
        queue.put_nowait(version)
    return FRAGMENT

"""A small HTTP/1.1 client on raw asyncio protocols: thousands of event streams and tens of
thousands of requests per second from one process, which httpx cannot do on two shared cores.

It speaks only what the benchmark needs: keep-alive requests whose answers have a
Content-Length or are chunked, and Server-Sent Events streams read as they arrive, each event
timestamped the moment its bytes come in."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

HOST = "127.0.0.1"


class HttpError(Exception):
    pass


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def cookie_headers(session_token: str, presession_id: str) -> dict[str, str]:
    """The session cookie, plus the pre-session cookie the app's own pages would have set."""
    return {"Cookie": f"tavle_session={session_token}; tavle_csrf={presession_id}"}


class _Chunked:
    """Undoes chunked transfer encoding incrementally; `feed` returns the body bytes so far."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.remaining = 0  # bytes left in the current chunk, then its trailing CRLF
        self.done = False

    def feed(self, data: bytes) -> bytes:
        self.buffer += data
        out = bytearray()
        while self.buffer:
            if self.remaining > 0:
                take = min(self.remaining, len(self.buffer))
                out += self.buffer[:take]
                del self.buffer[:take]
                self.remaining -= take
                if self.remaining:
                    break
                self.remaining = -2  # expect CRLF after the chunk
                continue
            if self.remaining == -2:
                if len(self.buffer) < 2:
                    break
                del self.buffer[:2]
                self.remaining = 0
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                break
            size = int(bytes(self.buffer[:end]).split(b";", 1)[0], 16)
            del self.buffer[: end + 2]
            if size == 0:
                self.done = True
                self.buffer.clear()
                break
            self.remaining = size
        return bytes(out)


def _parse_head(head: bytes) -> tuple[int, dict[bytes, bytes]]:
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


@dataclass
class Response:
    status: int
    headers: dict[bytes, bytes]
    body: bytes
    seconds: float


class _RequestProtocol(asyncio.Protocol):
    """One keep-alive connection: one request at a time, no pipelining."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Response] | None = None
        self.closed = False
        self._reset()

    def _reset(self) -> None:
        self.buffer = bytearray()
        self.head: tuple[int, dict[bytes, bytes]] | None = None
        self.length = -1
        self.chunked: _Chunked | None = None
        self.body = bytearray()
        self.started = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but behave as one.
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(HttpError(f"connection closed: {exc}"))

    def send(self, data: bytes) -> asyncio.Future[Response]:
        assert self.transport is not None
        self._reset()
        self.waiter = asyncio.get_running_loop().create_future()
        self.started = time.perf_counter()
        self.transport.write(data)
        return self.waiter

    def data_received(self, data: bytes) -> None:
        if self.head is None:
            self.buffer += data
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self.head = _parse_head(bytes(self.buffer[:end]))
            data = bytes(self.buffer[end + 4 :])
            headers = self.head[1]
            if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
                self.chunked = _Chunked()
            else:
                self.length = int(headers.get(b"content-length", b"0"))
        if self.chunked is not None:
            self.body += self.chunked.feed(data)
            complete = self.chunked.done
        else:
            self.body += data
            complete = len(self.body) >= self.length
        if complete and self.waiter is not None and not self.waiter.done():
            status, headers = self.head
            seconds = time.perf_counter() - self.started
            self.waiter.set_result(Response(status, headers, bytes(self.body), seconds))


class Connection:
    def __init__(self, protocol: _RequestProtocol) -> None:
        self.protocol = protocol

    @classmethod
    async def open(cls, port: int) -> Connection:
        loop = asyncio.get_running_loop()
        _transport, protocol = await loop.create_connection(_RequestProtocol, HOST, port)
        return cls(protocol)

    @property
    def closed(self) -> bool:
        return self.protocol.closed

    async def send(self, data: bytes, timeout: float = 30.0) -> Response:
        return await asyncio.wait_for(self.protocol.send(data), timeout)

    def close(self) -> None:
        if self.protocol.transport is not None:
            self.protocol.transport.close()


class Pool:
    """Keep-alive connections handed out one request at a time, opened as demand needs them."""

    def __init__(self, port: int, limit: int = 512) -> None:
        self.port = port
        self.idle: list[Connection] = []
        self.opened = 0
        self.limit = asyncio.Semaphore(limit)

    async def send(self, data: bytes, timeout: float = 30.0) -> Response:
        async with self.limit:
            connection = self.idle.pop() if self.idle else None
            if connection is None or connection.closed:
                connection = await Connection.open(self.port)
                self.opened += 1
            try:
                response = await connection.send(data, timeout)
            except BaseException:
                connection.close()
                raise
            if response.headers.get(b"connection", b"").lower() == b"close":
                connection.close()
            else:
                self.idle.append(connection)
            return response

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


# -- event streams -------------------------------------------------------------------------------

EventHandler = Callable[["EventStream", int, float], None]


@dataclass(eq=False)
class EventStream:
    """One open Server-Sent Events stream; `on_event(stream, id, arrived)` for each event with an id."""

    board: int
    label: str
    on_event: EventHandler
    status: int = 0
    events: int = 0
    closed: bool = False
    # When the server ended the stream (perf_counter), 0 while it is open.
    ended_at: float = 0.0
    error: str = ""
    opened: asyncio.Future[int] | None = None
    _transport: asyncio.Transport | None = None
    _head: bytearray = field(default_factory=bytearray)
    _body: _Chunked | None = None
    _text: bytearray = field(default_factory=bytearray)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


class _StreamProtocol(asyncio.Protocol):
    def __init__(self, stream: EventStream) -> None:
        self.stream = stream

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.stream._transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        stream = self.stream
        stream.closed = True
        stream.ended_at = stream.ended_at or time.perf_counter()
        if exc is not None:
            stream.error = str(exc)
        if stream.opened is not None and not stream.opened.done():
            stream.opened.set_exception(HttpError(f"stream closed before it opened: {exc}"))

    def data_received(self, data: bytes) -> None:
        arrived = time.perf_counter()
        stream = self.stream
        if stream._body is None:
            stream._head += data
            end = stream._head.find(b"\r\n\r\n")
            if end < 0:
                return
            stream.status, headers = _parse_head(bytes(stream._head[:end]))
            data = bytes(stream._head[end + 4 :])
            stream._head.clear()
            stream._body = _Chunked()
            if stream.opened is not None and not stream.opened.done():
                stream.opened.set_result(stream.status)
            if stream.status != 200 or headers.get(b"transfer-encoding", b"").lower() != b"chunked":
                stream.error = f"status {stream.status}"
                self._close()
                return
        stream._text += stream._body.feed(data)
        if stream._body.done:
            # The server ended the stream (its last chunk): the page would stop listening.
            stream.ended_at = arrived
            self._close()
        while True:
            end = stream._text.find(b"\n\n")
            if end < 0:
                break
            block = bytes(stream._text[:end])
            del stream._text[: end + 2]
            # Only the `id:` line matters here; the data lines are the rendered fragments.
            start = 0 if block.startswith(b"id: ") else block.find(b"\nid: ") + 1
            if start == 0 and not block.startswith(b"id: "):
                continue
            stop = block.find(b"\n", start)
            value = block[start + 4 : stop if stop >= 0 else len(block)]
            stream.events += 1
            stream.on_event(stream, int(value), arrived)

    def _close(self) -> None:
        if self.stream._transport is not None:
            self.stream._transport.close()


async def open_stream(
    port: int, path: str, headers: dict[str, str], stream: EventStream, timeout: float = 30.0
) -> EventStream:
    loop = asyncio.get_running_loop()
    stream.opened = loop.create_future()
    transport, _protocol = await loop.create_connection(lambda: _StreamProtocol(stream), HOST, port)
    stream._transport = transport
    transport.write(request_bytes("GET", path, {"Accept": "text/event-stream", **headers}))
    status = await asyncio.wait_for(stream.opened, timeout)
    if status != 200:
        raise HttpError(f"stream {path} answered {status}")
    return stream

"""A small HTTP proxy for tests, on 127.0.0.1, in a thread of its own (asyncio): it stands in for
the networks Tavle meets in the field. `buffering`: it holds every answer back until the server
has finished it, as some corporate and mobile proxies do, so a live stream never gets through
(while ordinary pages do). `cut()` drops every open connection at once, as a phone that changes
mast does; `stall()` lets the open ones go silent while they still look open (a dead mobile
link that no one closed)."""

import asyncio
import threading

from tests.live import free_port


class Proxy:
    def __init__(self, upstream_port: int, *, buffering: bool = False) -> None:
        self.upstream_port = upstream_port
        self.buffering = buffering
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._open: set[asyncio.StreamWriter] = set()
        self._stalled: set[asyncio.StreamWriter] = set()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(10), "the proxy did not start"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            for writer in list(self._open):
                writer.transport.abort()
            tasks = asyncio.all_tasks(self._loop)
            for task in tasks:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            self._loop.run_until_complete(server.wait_closed())
            self._loop.close()

    async def _serve(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        self._open.add(to_client)
        to_server: asyncio.StreamWriter | None = None
        try:
            head = await client.readuntil(b"\r\n\r\n")
            from_server, to_server = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            self._open.add(to_server)
            to_server.write(_one_request_per_connection(head))
            # The request's body, if any; then nothing until the browser closes (it never half-closes).
            sending = asyncio.ensure_future(_copy(client, to_server))
            answering = asyncio.ensure_future(self._answer(from_server, to_client))
            _done, pending = await asyncio.wait({sending, answering}, return_when=asyncio.FIRST_COMPLETED)
            if answering in pending and sending.done():
                # The browser left (it closed the stream): the server's side goes too.
                answering.cancel()
            else:
                sending.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            for writer in (to_client, to_server):
                if writer is not None:
                    self._open.discard(writer)
                    self._stalled.discard(writer)
                    writer.close()

    async def _answer(self, from_server: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        if self.buffering:
            to_client.write(await from_server.read())
            await to_client.drain()
            return
        while chunk := await from_server.read(65536):
            if to_client in self._stalled:
                continue
            to_client.write(chunk)
            await to_client.drain()

    def stall(self) -> None:
        """What the server sends on the connections open now is dropped; they stay open."""
        self._loop.call_soon_threadsafe(lambda: self._stalled.update(self._open))

    def cut(self) -> None:
        """Every open connection dropped at once (a reset, no goodbye)."""

        def drop() -> None:
            for writer in list(self._open):
                writer.transport.abort()

        self._loop.call_soon_threadsafe(drop)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


async def _copy(source: asyncio.StreamReader, to: asyncio.StreamWriter) -> None:
    while chunk := await source.read(65536):
        to.write(chunk)
        await to.drain()


def _one_request_per_connection(head: bytes) -> bytes:
    """The request with `Connection: close`, so an answer ends where its connection does (what
    lets a buffering proxy know when an answer is complete)."""
    lines = head.rstrip(b"\r\n").split(b"\r\n")
    kept = [line for line in lines if not line.lower().startswith((b"connection:", b"keep-alive:"))]
    return b"\r\n".join([*kept, b"Connection: close"]) + b"\r\n\r\n"

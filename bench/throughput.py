"""Requests per second: a fixed number of keep-alive connections, each sending its next request
as soon as the answer to the last one is in, for a fixed time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from bench.client import Connection, HttpError

CONNECTIONS = 32


@dataclass
class Rate:
    rps: float
    requests: int
    errors: int


async def measure(
    port: int,
    request: Callable[[int, int], bytes],
    *,
    seconds: float,
    warmup: float = 1.0,
    connections: int = CONNECTIONS,
    expect: int = 200,
) -> Rate:
    """`request(connection_number, request_number)` builds each request; answers are counted
    only inside the window after `warmup`."""
    loop = asyncio.get_running_loop()
    start = loop.time() + warmup
    stop = start + seconds
    counted = 0
    errors = 0

    async def worker(number: int) -> None:
        nonlocal counted, errors
        connection = await Connection.open(port)
        try:
            for n in range(10**9):
                if loop.time() >= stop:
                    return
                try:
                    response = await connection.send(request(number, n), timeout=10)
                except (HttpError, OSError, TimeoutError):
                    errors += 1
                    connection.close()
                    connection = await Connection.open(port)
                    continue
                now = loop.time()
                if start <= now < stop:
                    counted += 1
                    if response.status != expect:
                        errors += 1
        finally:
            connection.close()

    await asyncio.gather(*(worker(i) for i in range(connections)))
    return Rate(rps=round(counted / seconds, 1), requests=counted, errors=errors)

"""Run an async scenario to completion from a synchronous test.

The browser tests drive Playwright's sync API, which keeps an event loop running in the main
thread for the whole session, so `asyncio.run` there fails; a scenario gets a thread of its own.
"""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()

"""The board page, asked for at a steady rate while writes go on: how long a person waits."""

from __future__ import annotations

import asyncio
import itertools

from bench.client import HttpError, Pool
from bench.requests import board_page
from bench.seed import SeededBoard


class PageProbe:
    def __init__(self, port: int, boards: list[SeededBoard], *, rate: float) -> None:
        self.pool = Pool(port)
        self.boards = boards
        self.rate = rate
        self.latencies: list[float] = []
        self.errors = 0

    async def _one(self, board: SeededBoard) -> None:
        try:
            answer = await self.pool.send(board_page(board, "citizen"), timeout=10)
        except (HttpError, OSError, TimeoutError):
            self.errors += 1
            return
        if answer.status != 200:
            self.errors += 1
            return
        self.latencies.append(answer.seconds)

    async def run(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        tasks = []
        for n, board in zip(itertools.count(), itertools.cycle(self.boards), strict=False):
            due = start + n / self.rate
            if due - start >= seconds:
                break
            await asyncio.sleep(max(0.0, due - loop.time()))
            tasks.append(asyncio.create_task(self._one(board)))
        await asyncio.gather(*tasks)
        self.pool.close()

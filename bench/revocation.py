"""From a network member's removal to the close of their open board stream, across processes:
the citizen's request goes to whichever worker the kernel picks, the member's stream is held by
whichever it picked for that connection."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.client import EventStream, Pool, open_stream
from bench.requests import board_events_path, remove_member, viewer_headers
from bench.seed import SeededBoard
from bench.stats import latency_summary

GIVE_UP_AFTER = 5.0


async def revocations(port: int, boards: list[SeededBoard]) -> dict[str, Any]:
    streams = []
    for board in boards:
        stream = EventStream(board=board.citizen_id, label="member", on_event=lambda _s, _v, _a: None)
        await open_stream(
            port, board_events_path(board, "member", 0), viewer_headers(board, "member"), stream
        )
        streams.append(stream)
    await asyncio.sleep(1)
    pool = Pool(port)
    taken: list[float] = []
    errors = 0
    try:
        for board, stream in zip(boards, streams, strict=True):
            sent = time.perf_counter()
            answer = await pool.send(remove_member(board), timeout=10)
            if answer.status not in (200, 303):
                errors += 1
                continue
            while not stream.ended_at and time.perf_counter() - sent < GIVE_UP_AFTER:
                await asyncio.sleep(0.002)
            if stream.ended_at:
                taken.append(stream.ended_at - sent)
            else:
                errors += 1
    finally:
        pool.close()
        for stream in streams:
            stream.close()
    return {**latency_summary(taken), "still_open": errors}

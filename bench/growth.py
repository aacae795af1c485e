"""How the cost of a write and of the board page changes as the database fills up: the same
board, timed one request at a time, with 10, 1,000 and 10,000 citizens in the database."""

from __future__ import annotations

from bench.client import Connection
from bench.requests import Actor, board_page, card_move
from bench.seed import SeededBoard
from bench.stats import percentile

WARMUP = 20


async def cost(port: int, board: SeededBoard, actor: Actor, samples: int) -> dict[str, list[float]]:
    """Milliseconds of `samples` card moves and board pages, for one signed-in viewer (each
    page right after a move, so drawn anew). The card ends where it began."""
    if (WARMUP + samples) % 2:
        raise ValueError("an even number of moves, so the card ends in its own column")
    connection = await Connection.open(port)
    try:
        timings: dict[str, list[float]] = {"write_ms": [], "page_ms": []}
        doing = False
        for n in range(WARMUP + samples):
            move = await connection.send(card_move(board, actor, to="todo" if doing else "doing"))
            doing = not doing
            page = await connection.send(board_page(board, actor))
            if move.status != 200 or page.status != 200:
                raise RuntimeError(f"growth: move {move.status}, page {page.status}")
            if n >= WARMUP:
                timings["write_ms"].append(move.seconds * 1000)
                timings["page_ms"].append(page.seconds * 1000)
        return timings
    finally:
        connection.close()


def medians(timings: dict[str, list[float]]) -> dict[str, float]:
    return {key: round(percentile(values, 0.5), 3) for key, values in timings.items()}

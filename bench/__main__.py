"""`make bench`: the load model's measurements in one run, bounded in time, then
bench/results.json and BENCHMARKS.md. Phases run one after another so they never compete for
the two cores. The load model and the targets are in bench/model.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import uvloop

from bench import model, report
from bench.client import HttpError
from bench.growth import WARMUP, cost, medians
from bench.pages import PageProbe
from bench.revocation import revocations
from bench.seed import SeededBoard, add_citizens, postgres_database, prepare
from bench.server import ROOT, Server, bare, raise_file_limit, tavle
from bench.stats import latency_summary
from bench.sync import Bare, SyncBench, result

T = TypeVar("T")

# Hard limits per phase, so a run always ends.
PHASE_LIMIT = {"embedded": 330.0, "national": 330.0, "growth": 120.0}


def say(text: str) -> None:
    print(text, flush=True)


async def bounded(name: str, work: Awaitable[T], results: dict[str, Any]) -> T | None:
    started = time.monotonic()
    try:
        value = await asyncio.wait_for(work, PHASE_LIMIT[name])
    except (TimeoutError, HttpError, OSError, RuntimeError) as exc:
        results.setdefault("failures", []).append(f"{name}: {type(exc).__name__}: {exc}")
        say(f"!! {name} failed: {type(exc).__name__}: {exc}")
        return None
    say(f"   ({name} took {time.monotonic() - started:.0f} s)")
    return value


async def measured(bench: SyncBench, server: Server, rate: float, seconds: float) -> dict[str, Any]:
    """One stretch of writes at `rate`, with the server's CPU per write."""
    cpu = server.cpu_seconds()
    window = await bench.run(rate, seconds)
    figures = result(window, streams=len(bench.streams), rate=rate, seconds=seconds)
    figures["server_cpu_ms_per_write"] = round((server.cpu_seconds() - cpu) * 1000 / max(1, window.sent), 2)
    return figures


async def embedded(folder: Path, results: dict[str, Any]) -> None:
    """SQLite, one process: the embedded default. The board page is timed while the writes go
    on; then the write rate steps up until p99 or loss gives out; then the bare floor gets the
    same streams and writes."""
    url = f"sqlite:///{folder / 'embedded.db'}"
    engine = prepare(url)
    boards = add_citizens(engine, model.EMBEDDED_BOARDS + model.PROBE_BOARDS, sessions=True).boards
    engine.dispose()
    probed, boards = boards[: model.PROBE_BOARDS], boards[model.PROBE_BOARDS :]
    with tavle(url) as server:
        bench = SyncBench(boards, port=server.port)
        await bench.load_pages()
        await bench.open_streams()
        await asyncio.sleep(2)
        # Every board once, so each view has drawn a change before the measured window.
        await bench.run(model.RATE * 2, len(boards) / (model.RATE * 2))
        probe = PageProbe(server.port, probed, rate=model.PAGE_PROBE_RATE)
        pages = asyncio.create_task(probe.run(model.EMBEDDED_SECONDS))
        figures = await measured(bench, server, model.RATE, model.EMBEDDED_SECONDS)
        await pages
        results["embedded"] = figures
        results["board_page_p95_ms"] = {
            "pages": len(probe.latencies),
            "pages_per_s": model.PAGE_PROBE_RATE,
            **latency_summary(probe.latencies),
            "errors": probe.errors,
        }
        say(f"embedded: {report.latency_line(figures)}")
        say(f"board page during it: {report.latency_line(results['board_page_p95_ms'])}")
        results["saturation"] = {"writes_per_s": 0, "p99_limit_ms": model.SATURATION_P99_MS, "steps": []}
        await saturation(bench, server, results["saturation"])
        bench.close_streams()
        bench.pool.close()
    with bare() as floor:
        bench = SyncBench(boards, port=floor.port, target=Bare())
        await bench.open_streams()
        await asyncio.sleep(2)
        await bench.run(model.RATE * 2, len(boards) / (model.RATE * 2))
        figures = await measured(bench, floor, model.RATE, model.EMBEDDED_SECONDS)
        bench.close_streams()
        bench.pool.close()
    tavle_p99, bare_p99 = results["embedded"]["p99_ms"], figures["p99_ms"]
    results["floor_ratio"] = {
        **figures,
        "tavle_p99_ms": tavle_p99,
        "bare_p99_ms": bare_p99,
        "ratio": round(tavle_p99 / bare_p99, 2) if tavle_p99 and bare_p99 else None,
    }
    say(f"bare floor: {report.latency_line(figures)}; ratio {results['floor_ratio']['ratio']}")


async def saturation(bench: SyncBench, server: Server, outcome: dict[str, Any]) -> None:
    """Steps the write rate up until p99 passes the limit or a write is lost or fails; fills
    `outcome` as it goes, so a step cut short by the phase's time limit keeps the ones before."""
    for rate in model.RAMP:
        figures = await measured(bench, server, rate, model.RAMP_SECONDS)
        step = {k: figures[k] for k in ("writes_per_s", "p50_ms", "p99_ms", "lost", "errors")}
        step["server_cpu_ms_per_write"] = figures["server_cpu_ms_per_write"]
        outcome["steps"].append(step)
        say(f"saturation, {rate:.0f} writes/s: {report.latency_line(figures)}")
        p99 = figures["p99_ms"]
        if p99 is None or p99 > model.SATURATION_P99_MS or figures["lost"] or figures["errors"]:
            return
        outcome["writes_per_s"], outcome["p99_ms"] = rate, p99
        await asyncio.sleep(1)


async def national(results: dict[str, Any]) -> None:
    """PostgreSQL and two uvicorn workers (the production configuration): meetings with three
    open views each, citizens alone with theirs, writes at the peak rate; then the removal of
    network members with their boards open."""
    with postgres_database() as url:
        engine = prepare(url)
        meetings = add_citizens(engine, model.MEETINGS, sessions=True, caseload=1, screen=True).boards
        alone = add_citizens(engine, model.ALONE, sessions=True).boards
        removed = add_citizens(engine, model.REVOCATIONS, sessions=True, member=True).boards
        engine.dispose()
        with tavle(url, workers=model.WORKERS) as server:
            await asyncio.sleep(2)
            rss_before = server.rss_kb()
            at_meetings = SyncBench(
                meetings,
                port=server.port,
                viewers=("citizen", "consultant", "screen"),
                writers=("citizen", "screen"),
            )
            by_themselves = SyncBench(alone, port=server.port, viewers=("citizen",))
            await at_meetings.open_streams()
            await by_themselves.open_streams()
            await asyncio.sleep(3)
            streams = len(at_meetings.streams) + len(by_themselves.streams)
            kb = round((server.rss_kb() - rss_before) / streams, 1)
            say(f"national: {streams} streams open, {kb} kB of server memory each")
            # Every meeting board once, so each process has met every board before the window.
            await at_meetings.run(model.RATE * 2, len(meetings) / (model.RATE * 2))
            figures = await measured(at_meetings, server, model.RATE, model.NATIONAL_SECONDS)
            figures["streams"] = streams
            figures["kb_per_stream"] = kb
            figures["processes"] = model.WORKERS
            figures["closed_while_open"] = sum(1 for s in by_themselves.streams if s.closed)
            results["national_peak"] = figures
            say(f"national peak: {report.latency_line(figures)}")
            taken = await revocations(server.port, removed)
            results["revocation_ms"] = {"removals": len(removed), **taken}
            say(f"revocation: {report.latency_line(taken)}")
            at_meetings.close_streams()
            by_themselves.close_streams()
            at_meetings.pool.close()


async def growth(folder: Path, results: dict[str, Any]) -> None:
    """A database of each size, with a server of its own; the three take turns, a round at a
    time, so that each ratio compares figures taken moments apart (this machine's speed moves
    by a third within minutes)."""
    boards: dict[int, SeededBoard] = {}

    def url(citizens: int) -> str:
        return f"sqlite:///{folder / f'growth-{citizens}.db'}"

    for citizens in model.GROWTH_STEPS:
        engine = prepare(url(citizens))
        boards[citizens] = add_citizens(engine, model.GROWTH_STEPS[0], sessions=True).boards[0]
        if citizens > model.GROWTH_STEPS[0]:
            add_citizens(engine, citizens - model.GROWTH_STEPS[0], sessions=False)
        engine.dispose()
    timings: dict[int, dict[str, list[float]]] = {
        n: {"write_ms": [], "page_ms": []} for n in model.GROWTH_STEPS
    }
    with contextlib.ExitStack() as stack:
        servers = {n: stack.enter_context(tavle(url(n))) for n in model.GROWTH_STEPS}
        for _ in range(model.GROWTH_ROUNDS):
            for citizens in model.GROWTH_STEPS:
                taken = await cost(
                    servers[citizens].port, boards[citizens], "consultant", model.GROWTH_SAMPLES
                )
                for key, values in taken.items():
                    timings[citizens][key] += values
    steps = {str(n): medians(timings[n]) for n in model.GROWTH_STEPS}
    for citizens in model.GROWTH_STEPS:
        say(f"growth, {citizens} citizens: {steps[str(citizens)]}")
    first, last = steps[str(model.GROWTH_STEPS[0])], steps[str(model.GROWTH_STEPS[-1])]
    results["growth"] = {
        "write_ratio": round(last["write_ms"] / first["write_ms"], 3),
        "page_ratio": round(last["page_ms"] / first["page_ms"], 3),
        "rounds": model.GROWTH_ROUNDS,
        "samples_per_round": model.GROWTH_SAMPLES,
        "warm_up": WARMUP,
        "steps": steps,
    }


async def run_all(only: set[str]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tavle-bench-") as temp:
        folder = Path(temp)
        if not only or "embedded" in only:
            await bounded("embedded", embedded(folder, results), results)
        if not only or "national" in only:
            await bounded("national", national(results), results)
        if not only or "growth" in only:
            await bounded("growth", growth(folder, results), results)
    return results


def main(argv: list[str]) -> int:
    """`python -m bench [embedded|national|growth ...]`: all phases, or only those named (then
    the results are printed, not written)."""
    only = set(argv)
    started, started_at = time.monotonic(), datetime.now(UTC)
    load_before = report.load_average()
    files = raise_file_limit()
    say(f"Tavle benchmark: results in bench/results.json and BENCHMARKS.md (open files allowed: {files})")
    results = uvloop.run(run_all(only))
    seconds = round(time.monotonic() - started, 1)
    results["meta"] = report.machine(started_at=started_at, seconds=seconds, load_before=load_before)
    if not only:
        (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        (ROOT / "BENCHMARKS.md").write_text(report.markdown(results))
    say("")
    say(report.table(results))
    say(f"\nTotal time: {results['meta']['seconds']:.0f} s")
    return 1 if results.get("failures") or not report.all_met(results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

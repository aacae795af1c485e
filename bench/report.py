"""The results as a table and as BENCHMARKS.md: the load model, the targets, the figures, the
method, the machine. What the figures mean (what limits them, what was tried) is written by
hand in bench/NOTES.md and copied in after the generated part."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import model

NOTES = Path(__file__).resolve().parent / "NOTES.md"


def load_average() -> float:
    """Runnable processes over the last minute: shows how much else the machine was doing."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def machine(*, started_at: datetime, seconds: float, load_before: float) -> dict[str, Any]:
    name = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            name = line.split(":", 1)[1].strip()
            break
    return {
        "date": started_at.strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": name,
        "python": platform.python_version(),
        "seconds": seconds,
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }


def latency_line(figures: dict[str, Any]) -> str:
    parts = [
        f"p50 {figures.get('p50_ms')} ms",
        f"p95 {figures.get('p95_ms')} ms",
        f"p99 {figures.get('p99_ms')} ms",
    ]
    parts.append(f"max {figures.get('max_ms')} ms")
    for key, label in (("writes", "writes"), ("deliveries", "deliveries"), ("pages", "pages")):
        if key in figures:
            parts.append(f"{figures[key]} {label}")
    for key in ("lost", "errors", "still_open"):
        if key in figures:
            parts.append(f"{key.replace('_', ' ')} {figures[key]}")
    if "server_cpu_ms_per_write" in figures:
        parts.append(f"server CPU {figures['server_cpu_ms_per_write']} ms per write")
    return ", ".join(parts)


@dataclass(frozen=True)
class Target:
    key: str
    what: str
    goal: str
    met: Callable[[dict[str, Any]], bool]
    shown: Callable[[dict[str, Any]], str]


def _le(value: Any, limit: float) -> bool:
    return value is not None and value <= limit


def _clean(figures: dict[str, Any]) -> bool:
    return figures.get("lost") == 0 and figures.get("errors") == 0


def _sync(figures: dict[str, Any]) -> str:
    return (
        f"{figures.get('streams')} streams, {figures.get('writes_per_s')} writes/s: p50 {figures.get('p50_ms')} · "
        f"p99 {figures.get('p99_ms')} ms, lost {figures.get('lost')}, errors {figures.get('errors')}"
    )


TARGETS = (
    Target(
        "national_peak",
        "National peak: PostgreSQL, 2 workers, 10,000 streams, 50 writes/s for 60 s",
        f"write to every other viewer p50 ≤ {model.NATIONAL_P50_MS:.0f} ms, p99 ≤ {model.NATIONAL_P99_MS:.0f} ms, "
        f"0 lost, 0 errors, ≤ {model.KB_PER_STREAM:.0f} kB per stream",
        lambda f: (
            _le(f.get("p50_ms"), model.NATIONAL_P50_MS)
            and _le(f.get("p99_ms"), model.NATIONAL_P99_MS)
            and _clean(f)
            and _le(f.get("kb_per_stream"), model.KB_PER_STREAM)
            and f.get("streams", 0) >= model.MEETINGS * model.VIEWS_PER_MEETING + model.ALONE
        ),
        lambda f: f"{_sync(f)}, {f.get('kb_per_stream')} kB per stream",
    ),
    Target(
        "embedded",
        "Embedded: SQLite, one process, 2,000 streams, 50 writes/s",
        f"p99 ≤ {model.EMBEDDED_P99_MS:.0f} ms, 0 lost",
        lambda f: _le(f.get("p99_ms"), model.EMBEDDED_P99_MS) and _clean(f),
        _sync,
    ),
    Target(
        "floor_ratio",
        "Floor ratio: Tavle's embedded p99 / a bare FastAPI + SSE broadcast's p99",
        f"≤ {model.FLOOR_RATIO:.0f}",
        lambda f: _le(f.get("ratio"), model.FLOOR_RATIO) and _clean(f),
        lambda f: f"{f.get('tavle_p99_ms')} / {f.get('bare_p99_ms')} ms = {f.get('ratio')}",
    ),
    Target(
        "saturation",
        "Saturation: highest steady rate, SQLite, one process, 2,000 streams",
        f"≥ {model.SATURATION_WRITES_PER_S:.0f} writes/s with p99 ≤ {model.SATURATION_P99_MS:.0f} ms, nothing lost",
        lambda f: f.get("writes_per_s", 0) >= model.SATURATION_WRITES_PER_S,
        lambda f: f"{f.get('writes_per_s')} writes/s (p99 {f.get('p99_ms')} ms)",
    ),
    Target(
        "revocation_ms",
        "Revocation: a network member removed, to the close of their open stream (2 processes)",
        f"p99 ≤ {model.REVOCATION_P99_MS:.0f} ms",
        lambda f: _le(f.get("p99_ms"), model.REVOCATION_P99_MS) and f.get("still_open") == 0,
        lambda f: (
            f"{f.get('removals')} removals: p50 {f.get('p50_ms')} · p99 {f.get('p99_ms')} ms, "
            f"still open {f.get('still_open')}"
        ),
    ),
    Target(
        "board_page_p95_ms",
        "Board page while the embedded run goes on",
        f"p95 ≤ {model.BOARD_PAGE_P95_MS:.0f} ms",
        lambda f: _le(f.get("p95_ms"), model.BOARD_PAGE_P95_MS) and f.get("errors") == 0,
        lambda f: (
            f"{f.get('pages')} pages: p50 {f.get('p50_ms')} · p95 {f.get('p95_ms')} ms, errors {f.get('errors')}"
        ),
    ),
    Target(
        "growth",
        "Growth: a write and the board page, 10 → 10,000 citizens",
        f"each ≤ × {model.GROWTH_RATIO}",
        lambda f: (
            _le(f.get("write_ratio"), model.GROWTH_RATIO) and _le(f.get("page_ratio"), model.GROWTH_RATIO)
        ),
        lambda f: f"write × {f.get('write_ratio')}, page × {f.get('page_ratio')}",
    ),
)


def all_met(results: dict[str, Any]) -> bool:
    return all(t.key in results and t.met(results[t.key]) for t in TARGETS)


def _rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for target in TARGETS:
        figures = results.get(target.key)
        if figures is None:
            rows.append((target.what, target.goal, "not measured", "no"))
            continue
        rows.append(
            (target.what, target.goal, target.shown(figures), "yes" if target.met(figures) else "**no**")
        )
    return rows


def table(results: dict[str, Any]) -> str:
    return "\n".join(f"{met:>6}  {what}: {shown}" for what, _goal, shown, met in _rows(results))


def _details(results: dict[str, Any]) -> str:
    lines = []
    for key in ("national_peak", "embedded", "floor_ratio", "board_page_p95_ms", "revocation_ms"):
        if key in results:
            lines.append(f"| {key} | {latency_line(results[key])} |")
    for step in results.get("saturation", {}).get("steps", []):
        lines.append(f"| saturation, {step['writes_per_s']:.0f} writes/s | {latency_line(step)} |")
    growth = results.get("growth")
    if growth:
        steps = "; ".join(
            f"{n} citizens: write {s['write_ms']} ms, page {s['page_ms']} ms"
            for n, s in growth["steps"].items()
        )
        lines.append(f"| growth | {steps} |")
    return "| measurement | figures |\n|---|---|\n" + "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    rows = "\n".join(f"| {what} | {goal} | {shown} | {met} |" for what, goal, shown, met in _rows(results))
    failures = "".join(f"\n- {f}" for f in results.get("failures", []))
    notes = NOTES.read_text() if NOTES.exists() else ""
    return f"""# Benchmarks

Generated by `make bench` on {meta["date"]}; the whole run took {meta["seconds"]:.0f} s.
Machine: {meta["cores"]} cores ({meta["cpu"]}), Python {meta["python"]}; load average
{meta["load_average_before"]} before the run. The load generator and the servers **share these
cores**. Raw figures: `bench/results.json`.

## Load model

About {model.CITIZENS:,} citizens in the target group and {model.CONSULTANTS:,} consultants. At the
peak hour about {model.MEETINGS:,} meetings run at once, each with {model.VIEWS_PER_MEETING} open views
(meeting screen, consultant's laptop, citizen's phone), and {model.ALONE:,} citizens have Tavle open
by themselves: **{model.MEETINGS * model.VIEWS_PER_MEETING + model.ALONE:,} open streams**. A meeting changes
its board about once a minute and a citizen alone about once in five minutes: **{model.RATE:.0f} changes
a second**. A large municipality is a tenth of it.

## Targets
{failures}
| measurement | target | result | met |
|---|---|---|---|
{rows}

## Figures

{_details(results)}

## Method

- **Servers**: uvicorn started as a user starts it (`python -m uvicorn app.main:create_app --factory`,
  uvloop and httptools, `--no-access-log`), on a free 127.0.0.1 port, with
  `TAVLE_ENVIRONMENT=production` and a throwaway database (a SQLite file, or a database made on the
  local PostgreSQL and dropped after). `national_peak` runs `--workers {model.WORKERS}`: the kernel spreads
  the connections, streams and writes alike, over both workers, and a change reaches the other
  worker's streams through PostgreSQL's LISTEN/NOTIFY.
- **Data**: citizens with a full board (a challenge, a goal, a strength, four cards), consultants,
  consent given, and a signed-in session for everyone, written into the database with the app's
  models before the server starts. Everything measured goes through HTTP and the event streams.
- **Client**: `bench/client.py`, raw asyncio protocols on uvloop in one process, which holds all
  the streams. CSRF tokens are each session's HMAC, made with the key the bench gives the server.
- **A write** moves a board's first card between two columns (`POST …/agreements/{{id}}/move`,
  as htmx sends it from the board, naming its page). Its latency, for **every other viewer** of
  the board, runs from sending the request to the arrival of the event carrying the board's new
  version on that viewer's stream. Writes come at a steady rate, round-robin over the boards,
  one at a time per board; a write whose event has not arrived after 5 s is lost. Before each
  measured stretch every board is written once.
- **national_peak**: {model.MEETINGS:,} meeting boards with three open streams (the citizen, and the
  consultant twice: laptop and meeting screen, two sessions) and {model.ALONE:,} boards with the
  citizen's stream alone; the citizen and the meeting screen take turns writing on the meeting
  boards, {model.RATE:.0f} writes/s for {model.NATIONAL_SECONDS:.0f} s. Memory per stream is the growth of the workers'
  resident memory over the opening of all streams, divided by their number.
- **embedded**: {model.EMBEDDED_BOARDS:,} boards, the citizen's and the consultant's page loaded, then
  their streams opened ({2 * model.EMBEDDED_BOARDS:,} streams); {model.RATE:.0f} writes/s for {model.EMBEDDED_SECONDS:.0f} s, the citizen and
  the consultant taking turns. Meanwhile the board pages of {model.PROBE_BOARDS} other citizens are asked
  for, {model.PAGE_PROBE_RATE:.0f} a second (`board_page_p95_ms`). Then the rate steps up
  ({", ".join(f"{r:.0f}" for r in model.RAMP)} writes/s, {model.RAMP_SECONDS:.0f} s each) until p99 passes
  {model.SATURATION_P99_MS:.0f} ms or a write is lost (`saturation`).
- **floor_ratio**: `bench/bare.py`, a FastAPI app that keeps a set of SSE streams per board and, on
  a write, sends each of them one fixed 12 kB fragment: no database, no sign-in, no rendering. The
  same client opens the same {2 * model.EMBEDDED_BOARDS:,} streams and writes at the same rate.
- **revocation_ms**: after the national run, {model.REVOCATIONS} citizens each remove their network member
  while the member's board stream is open; timed from sending the removal to the end of the
  member's stream, on whichever worker holds it.
- **growth**: three SQLite databases (10, 1,000 and 10,000 citizens), a server each, taking turns
  for {model.GROWTH_ROUNDS} rounds of {model.GROWTH_SAMPLES} timed card moves and board pages, one at a time; medians.
- **CPU** per write is the scheduler's count for the server's threads (`/proc/<pid>/task/*/schedstat`).

{notes}"""

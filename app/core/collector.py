"""Python's garbage collector, set for a server that holds thousands of open streams.

A full collection walks every object alive; with thousands of open streams that stops the event
loop for hundreds of milliseconds, and every live update waits. Two settings keep that rare
and short: what start-up made (modules, templates, mappers) lives as long as the process, so it
is frozen out of the collector's walks; and the youngest generation is collected after more
allocations than Python's default, so the short-lived objects of a request or an event are
mostly gone by then instead of being promoted, and full collections (which Python makes when
promoted objects add up to a quarter of the old ones) come rarely. Reference cycles are still
collected. What it buys is measured in BENCHMARKS.md."""

import gc

YOUNG_THRESHOLD = 50_000


def settle() -> None:
    """Called once the app has started."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)

"""SQLite's checkpoints (copying the write-ahead log back into the database file), made in a
thread of their own beside the event loop.

Left to SQLite, the commit that takes the log past 1,000 pages makes the checkpoint itself before
it returns. Short writes commit on the event loop (`app.core.deps.short_write`), so that one commit
held up every request and live update of the process for as long as the copy and its sync took:
11–33 ms for each half second of writes at 300 writes/s (measured 2026-12-03). Here a thread asks
for a PASSIVE checkpoint every half second instead, which neither waits for nor holds up a
writer or a reader, and the sqlite3 module lets go of Python's lock meanwhile, so the copy runs
on another core. SQLite's own checkpoint stays as a safety net, at a log ten times as long,
should this thread ever stop."""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import URL, Engine

CHECKPOINT_SECONDS = 0.5
# SQLite's own checkpoint (`PRAGMA wal_autocheckpoint`, in pages of 4 KB): its default is 1,000.
FALLBACK_PAGES = 10_000

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, engine: Engine, seconds: float = CHECKPOINT_SECONDS) -> None:
        self.engine = engine
        self.seconds = seconds
        self.runs = 0
        # SQLite's answer to the last checkpoint: (busy, pages in the log, pages copied back).
        self.last: tuple[int, int, int] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def checkpoint(self) -> tuple[int, int, int]:
        with self.engine.connect() as connection:
            busy, pages, copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        self.last = (int(busy), int(pages), int(copied))
        self.runs += 1
        return self.last

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                self.checkpoint()
            except Exception:
                # A checkpoint can fail for a moment (a full disk, a locked file); the next may
                # not, and SQLite's own checkpoint covers the time between.
                log.exception("SQLite checkpoint failed")


def is_sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


@contextmanager
def checkpoints(engine: Engine) -> Iterator[Checkpointer | None]:
    """Checkpoints in a thread for as long as the block runs, for a SQLite file (else None)."""
    if not is_sqlite_file(engine.url):
        yield None
        return
    checkpointer = Checkpointer(engine)
    checkpointer.start()
    try:
        yield checkpointer
    finally:
        checkpointer.stop()

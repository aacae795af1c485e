"""One round of notices: find what fell due (`app.reminders.scan`), then send what is due
(`app.notices.delivery`). `python -m app notify --once` runs one round (cron, tests);
`python -m app notify` runs a round every TAVLE_NOTIFY_INTERVAL_SECONDS until stopped; with
TAVLE_NOTIFY_IN_APP every app process runs the same loop on a thread of its own.

Any number of these may run at once, on any number of machines: finding the same reason twice
adds nothing, and each notice is sent by exactly one of them (see `app.notices.delivery`)."""

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.notices.delivery import Report, deliver_due
from app.reminders.scan import plan_due

log = logging.getLogger("tavle.notices")


@dataclass
class Round:
    found: int
    report: Report

    def __str__(self) -> str:
        return f"{self.found} new notice{'' if self.found == 1 else 's'}; {self.report}"


def run_once(*, engine: Engine, settings: Settings) -> Round:
    with Session(engine, expire_on_commit=False) as session:
        found = plan_due(session=session, settings=settings)
    return Round(found=found, report=deliver_due(engine=engine, settings=settings))


def run_until(stop: threading.Event, *, engine: Engine, settings: Settings) -> None:
    """A round every interval until `stop` is set. A round that fails is logged and the next
    one tries again: a mail server that is down must not end the loop."""
    while not stop.is_set():
        try:
            done = run_once(engine=engine, settings=settings)
            if done.found or done.report.sent or done.report.failed:
                log.info("notices: %s", done)
        except Exception:
            log.exception("notices: the round failed; trying again in %s s", settings.notify_interval_seconds)
        stop.wait(settings.notify_interval_seconds)

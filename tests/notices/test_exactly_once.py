"""Two senders at once send every notice exactly once: on PostgreSQL each claims rows with
SELECT … FOR UPDATE SKIP LOCKED; on SQLite each claims a row in a short transaction of its own.
Raced as it happens in production: two workers, each with its own connections, let go together
at a barrier, both scanning and sending."""

import threading
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.core.db import make_engine
from app.models import Channel, Meeting, NoticeState
from app.reminders.runner import Round, run_once
from tests import factories
from tests.conftest import FrozenClock
from tests.notice_services import Inbox
from tests.notices.conftest import confirmed, copenhagen, notices_of

CITIZENS = 12
WORKERS = 2


def test_two_workers_send_every_notice_exactly_once(
    db: Session,
    engine: Engine,
    database_url: str,
    notify_settings: Settings,
    inbox: Inbox,
    frozen_clock: FrozenClock,
) -> None:
    frozen_clock.set(copenhagen(2026, 3, 2, 10, 0))
    consultant = factories.consultant(db)
    people = []
    for n in range(CITIZENS):
        citizen = factories.citizen(db, consultant, name=f"Borger {n}", locale="da")
        confirmed(db, citizen, Channel.email, f"borger{n}@example.dk")
        assert citizen.id is not None
        # Each citizen gets two notices: a meeting tomorrow, and one within the hour.
        db.add(Meeting(citizen_id=citizen.id, at=copenhagen(2026, 3, 3, 9, n)))
        db.add(Meeting(citizen_id=citizen.id, at=copenhagen(2026, 3, 2, 10, 30 + n)))
        people.append(citizen)
    db.commit()

    workers: list[Engine] = [make_engine(database_url) for _ in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)
    rounds: list[Round] = []
    failures: list[BaseException] = []

    def worker(own: Engine) -> None:
        try:
            barrier.wait()
            rounds.append(run_once(engine=own, settings=notify_settings))
        except BaseException as failed:  # reported below, with the test's own assertion
            failures.append(failed)

    threads = [threading.Thread(target=worker, args=(e,)) for e in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for each in workers:
        each.dispose()

    assert not failures, failures
    assert sum(r.found for r in rounds) == 2 * CITIZENS
    assert sum(r.report.sent for r in rounds) == 2 * CITIZENS
    for n, citizen in enumerate(people):
        subjects = sorted(m.message["Subject"] for m in inbox.to(f"borger{n}@example.dk"))
        assert subjects == [
            f"Påmindelse: Du har et møde i dag kl. 10.{30 + n:02d}",
            f"Påmindelse: Du har et møde i morgen kl. 09.{n:02d}",
        ], subjects
        assert {x.state for x in notices_of(db, citizen)} == {NoticeState.sent}
    # And nothing is left for a later round.
    frozen_clock.advance(timedelta(minutes=1))
    assert run_once(engine=engine, settings=notify_settings).report.sent == 0

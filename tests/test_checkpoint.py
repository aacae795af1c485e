"""SQLite's write-ahead log is copied back by the app's own thread, not by a commit."""

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from app.core.checkpoint import FALLBACK_PAGES, Checkpointer, checkpoints
from app.core.config import Settings
from app.core.db import make_engine
from app.main import create_app
from tests.conftest import Client


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_thread_copies_every_page_of_the_log_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'log.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
    checkpointer = Checkpointer(engine, seconds=0.05)
    checkpointer.start()
    try:
        for n in range(50):
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO note (body) VALUES (:body)"), {"body": "x" * 2000 * n})
        assert _wait_for(lambda: checkpointer.last is not None and checkpointer.last[1] > 0)
        # Then every page the writes left in the log is copied back.
        assert _wait_for(lambda: (last := checkpointer.last) is not None and last[1] == last[2])
        assert checkpointer.last is not None and checkpointer.last[0] == 0
        runs = checkpointer.runs
    finally:
        checkpointer.stop()
    assert not checkpointer.running
    time.sleep(0.2)
    assert checkpointer.runs == runs  # stopped means stopped
    with engine.connect() as connection:
        # SQLite's own checkpoint is left only as a fallback, at a far longer log.
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == FALLBACK_PAGES
        assert connection.execute(text("SELECT count(*) FROM note")).scalar() == 50
    engine.dispose()


def test_only_a_sqlite_file_gets_a_checkpoint_thread(tmp_path: Path) -> None:
    memory = make_engine("sqlite://")
    file = make_engine(f"sqlite:///{tmp_path / 'file.db'}")
    postgres = make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    with checkpoints(memory) as none, checkpoints(postgres) as also_none:
        assert none is None and also_none is None
    with checkpoints(file) as checkpointer:
        assert checkpointer is not None and checkpointer.running
    assert not checkpointer.running
    for engine in (memory, file, postgres):
        engine.dispose()


def test_the_app_checkpoints_while_it_runs(settings: Settings) -> None:
    app = create_app(settings)
    with Client(app, base_url="http://testserver") as client:
        assert client.get("/healthz").status_code == 200
        checkpointer = app.state.checkpointer
        if settings.database_url.startswith("sqlite"):
            assert checkpointer is not None and checkpointer.running
        else:
            assert checkpointer is None
    if checkpointer is not None:
        assert not checkpointer.running

"""The secret key the CSRF tokens are signed with: required in production, shared by every
worker of the embedded SQLite default through a file beside the database, else per process."""

import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.core.config import Settings
from app.core.secret import SecretKeyMissing, read_or_make, secret_key
from app.main import create_app

ROOT = Path(__file__).resolve().parent.parent


def settings(**values: object) -> Settings:
    return Settings(seed_demo=False, migrate_on_start=False, tune_gc=False, **values)  # type: ignore[arg-type]


def test_production_refuses_to_start_without_a_key() -> None:
    with pytest.raises(SecretKeyMissing, match="TAVLE_SECRET_KEY is not set"):
        create_app(settings(environment="production", database_url="sqlite://"))


def test_production_refuses_a_short_key() -> None:
    with pytest.raises(SecretKeyMissing, match="too short"):
        create_app(settings(environment="production", database_url="sqlite://", secret_key="short"))


def test_a_key_that_is_set_is_used() -> None:
    key = "k" * 48
    app = create_app(settings(environment="production", database_url="sqlite://", secret_key=key))
    assert app.state.secret_key == key.encode()


def test_the_serve_command_says_plainly_why_it_will_not_start(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "TAVLE_ENVIRONMENT": "production", "TAVLE_SECRET_KEY": ""}
    env["TAVLE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'tavle.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "app", "serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "TAVLE_SECRET_KEY is not set" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_embedded_default_keeps_one_key_beside_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'tavle.db'}"
    first = secret_key(settings(environment="development", database_url=url))
    second = secret_key(settings(environment="development", database_url=url))
    assert first == second and len(first) >= 32
    kept = tmp_path / "data" / "secret_key"
    assert kept.read_text().strip().encode() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_workers_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    barrier = threading.Barrier(8)
    keys: list[bytes] = []

    def start() -> None:
        barrier.wait()
        keys.append(read_or_make(path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_without_a_file_each_process_makes_its_own() -> None:
    made = {secret_key(settings(environment="test", database_url="sqlite://")) for _ in range(2)}
    assert len(made) == 2
    pg = settings(environment="development", database_url="postgresql+psycopg://x@127.0.0.1/none")
    assert secret_key(pg) != secret_key(pg)

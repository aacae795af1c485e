"""Starting the server the way a user does: uvicorn in its own process on a free 127.0.0.1 port."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.requests import SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
# Thousands of open streams need thousands of file descriptors, on both sides.
WANTED_FILES = 16384


def raise_file_limit() -> int:
    """Raises this process's soft limit on open files (the server processes inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = WANTED_FILES if hard == resource.RLIM_INFINITY else min(WANTED_FILES, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One uvicorn process. The same flags for Tavle and for the bare comparison app."""

    def __init__(
        self, app: str, *, env: dict[str, str] | None = None, factory: bool = True, workers: int = 1
    ) -> None:
        self.app = app
        self.env = env or {}
        self.factory = factory
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = ROOT / "bench" / f".server-{self.port}.log"
        # Nanoseconds each thread (by id) had run when last read: see cpu_seconds.
        self._ran: dict[str, int] = {}
        self._ended = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 60.0) -> Server:
        command = [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--factory"] if self.factory else []
        command += ["--workers", str(self.workers)] if self.workers > 1 else []
        # Access logging off and warnings only: the benchmark measures the app, not its log lines.
        command += ["--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "3"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited at start-up:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout:.0f} s")

    def pids(self) -> list[int]:
        """The server process and, with several workers, the worker processes it started."""
        found = [self.pid]
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                found += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
        return found

    def rss_kb(self) -> int:
        """Resident memory (VmRSS) of the server's processes, in kB."""
        total = 0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total

    def cpu_seconds(self) -> float:
        """The time the server's threads have run on a core, as the scheduler counts it
        (`/proc/<pid>/task/<tid>/schedstat`, in nanoseconds). Not the utime and stime of
        `/proc/<pid>/stat`: those are sampled at the clock tick, and a server whose thousands of
        idle streams wake for moments in step with the tick is charged for whole ticks. A
        thread that ends between two readings keeps what it had run at the first."""
        for pid in self.pids():
            for task in Path(f"/proc/{pid}/task").iterdir():
                try:
                    ran = int((task / "schedstat").read_text().split()[0])
                except (OSError, ValueError, IndexError):
                    continue  # the thread ended meanwhile
                key = f"{pid}/{task.name}"
                if ran < self._ran.get(key, 0):
                    # A new thread under an ended one's id.
                    self._ended += self._ran[key]
                self._ran[key] = ran
        return (self._ended + sum(self._ran.values())) / 1e9

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def tavle(database_url: str, *, workers: int = 1) -> Server:
    return Server(
        "app.main:create_app",
        env={
            "TAVLE_DATABASE_URL": database_url,
            "TAVLE_ENVIRONMENT": "production",
            "TAVLE_SEED_DEMO": "false",
            "TAVLE_PUBSUB": "auto",
            "TAVLE_SECRET_KEY": SECRET_KEY,
        },
        workers=workers,
    )


def bare() -> Server:
    return Server("bench.bare:app", factory=False)

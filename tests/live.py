"""A live Tavle server for tests, started as `make run` would (uvicorn in its own process on a
free 127.0.0.1 port, on the test's throwaway database), and a visitor that talks to it over
HTTP the way a browser does: cookies, the form token from the page, and its event streams."""

import itertools
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests import factories

ROOT = Path(__file__).resolve().parents[1]
# Every server a test starts shares one secret, as the workers of one deployment do.
SECRET_KEY = "tests-only-secret-key-0123456789abcdef"
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    """uvicorn serving the app, or (`as_make_run`) `python -m app serve` exactly as `make run`
    starts it, for what only that does (uvicorn's proxy settings)."""

    def __init__(
        self, database_url: str, extra_env: dict[str, str] | None = None, *, as_make_run: bool = False
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "TAVLE_DATABASE_URL": database_url,
            "TAVLE_ENVIRONMENT": "test",
            "TAVLE_SEED_DEMO": "false",
            "TAVLE_MIGRATE_ON_START": "false",
            "TAVLE_PUBLIC_URL": self.url,
            "TAVLE_SECRET_KEY": SECRET_KEY,
            "TAVLE_HOST": "127.0.0.1",
            "TAVLE_PORT": str(self.port),
            **(extra_env or {}),
        }
        uvicorn = ["-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1"]
        uvicorn += ["--port", str(self.port), "--log-level", "warning", "--timeout-graceful-shutdown", "2"]
        command = [sys.executable, *(["-m", "app", "serve"] if as_make_run else uvicorn)]
        quiet = subprocess.DEVNULL if as_make_run else None
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=quiet, stderr=quiet)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the live server exited during start-up")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the live server did not answer /healthz within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def served(database_url: str, forwarded_allow_ips: str = "127.0.0.1") -> Iterator[str]:
    """`make run`'s server on the test's database, stopped after; yields its address."""
    server = LiveServer(
        database_url,
        {"TAVLE_FORWARDED_ALLOW_IPS": forwarded_allow_ips, "TAVLE_PUBLIC_URL": ""},
        as_make_run=True,
    )
    try:
        yield server.url
    finally:
        server.stop()


class Visitor:
    """One browser: its own cookies, and the form token of the last page it loaded."""

    def __init__(self, server: "LiveServer") -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, follow_redirects=False, timeout=10)
        self.token = ""

    def get(self, path: str) -> httpx.Response:
        """A page, following its redirects as a browser does; its form token is kept."""
        answer = self.http.get(path, follow_redirects=True)
        found = TOKEN_FIELD.search(answer.text)
        if found:
            self.token = found.group(1)
        return answer

    def post(self, path: str, data: dict[str, str] | None = None, **headers: str) -> httpx.Response:
        """A form posted from the page this visitor has open (its token, our own origin)."""
        if not self.token:
            self.get("/login")
        form = {"csrf_token": self.token, **(data or {})}
        sent = {"Origin": self.server.url, "Sec-Fetch-Site": "same-origin", **headers}
        return self.http.post(path, data=form, headers=sent)

    def sign_in_citizen(self, code: str, pin: str = factories.PIN) -> None:
        self.get("/login")
        answer = self.post("/login/citizen", {"code": code, "pin": pin})
        assert answer.status_code == 303, answer.text
        self.get(answer.headers["location"])

    def sign_in_staff(self, email: str, password: str = factories.PASSWORD) -> None:
        self.get("/login/staff")
        answer = self.post("/login/staff", {"email": email, "password": password})
        assert answer.status_code == 303, answer.text
        self.get(answer.headers["location"])

    def open_stream(self, path: str) -> "Stream":
        return Stream(self, path)

    def close(self) -> None:
        self.http.close()


@dataclass
class Received:
    at: float
    event: str
    version: str
    data: str


@dataclass
class Stream:
    """An event stream read in a thread of its own, each event kept with when it came."""

    visitor: Visitor
    path: str
    events: list[Received] = field(default_factory=list)
    status: int = 0
    ended_at: float | None = None
    opened: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self.opened.wait(10), "the stream did not open"

    def _read(self) -> None:
        cookies = dict(self.visitor.http.cookies.items())
        try:
            with (
                httpx.Client(base_url=self.visitor.server.url, cookies=cookies, timeout=None) as http,
                http.stream("GET", self.path, headers={"Accept": "text/event-stream"}) as answer,
            ):
                self.status = answer.status_code
                self.opened.set()
                event, version, data = "message", "", []
                for line in answer.iter_lines():
                    if self._stop.is_set():
                        return
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("id: "):
                        version = line[4:]
                    elif line.startswith("data: "):
                        data.append(line[6:])
                    elif line == "" and data:
                        self.events.append(Received(time.monotonic(), event, version, "\n".join(data)))
                        event, version, data = "message", "", []
        except httpx.HTTPError:
            pass
        finally:
            self.opened.set()
            self.ended_at = time.monotonic()

    def wait_for(self, text: str, seconds: float = 5.0, after: int = 0) -> Received:
        """The first event holding `text`, among those after the first `after` ones."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for received in self.events[after:]:
                if text in received.data:
                    return received
            if self.ended_at is not None:
                break
            time.sleep(0.01)
        raise AssertionError(f"{text!r} never came; events: {[e.data[:80] for e in self.events]}")

    def wait_until_ended(self, seconds: float) -> float:
        """How long after now the stream ended (the server closed it); fails after `seconds`."""
        started = time.monotonic()
        self._thread.join(seconds)
        assert self.ended_at is not None, f"the stream was still open after {seconds} s"
        return self.ended_at - started

    def close(self) -> None:
        self._stop.set()


def visitors(server: "LiveServer", count: int) -> Iterator[Visitor]:
    for _ in range(count):
        yield Visitor(server)


# The issues' promise: a changed access closes the affected streams within one second.
CLOSES_WITHIN = 1.0
_LATER = itertools.count(1)


def closes_and_stays_silent(stream: Stream, write: Callable[[str], None]) -> None:
    """`stream` ends within CLOSES_WITHIN, and what `write` adds afterwards never reaches it."""
    took = stream.wait_until_ended(CLOSES_WITHIN + 1.0)
    assert took <= CLOSES_WITHIN, f"the stream stayed open {took:.2f} s"
    count = len(stream.events)
    after = f"Skrevet efter at adgangen sluttede ({next(_LATER)})"
    write(after)
    time.sleep(0.3)
    assert len(stream.events) == count
    assert all(after not in e.data for e in stream.events)

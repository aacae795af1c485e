"""The PostgreSQL hub: LISTEN/NOTIFY, so several app processes or machines serve one board.

Each process keeps one dedicated LISTEN connection that reconnects by itself with backoff, and
one small connection for its own presence announcements. Board changes are NOTIFYed inside
the transaction that makes them (PostgreSQL delivers a NOTIFY only when its transaction
commits), and every process, the publishing one included, fans out what it hears to its own
subscribers. Presence travels as "process P has these viewers on board B", refreshed now and
then, so a process that dies without saying goodbye fades out of everyone's list."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Iterable

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.live.hub import PRESENCE, Event, Hub, Viewer

log = logging.getLogger("tavle.hub")

CHANNEL = "tavle_board"
MAX_PAYLOAD = 7000
# How often each process re-announces its viewers, and when silent ones are forgotten.
PRESENCE_REFRESH = 20.0
PRESENCE_EXPIRY = 3 * PRESENCE_REFRESH
# NOTIFY payloads must stay under 8000 bytes.
MAX_VIEWERS = 40
BACKOFF_MAX = 10.0


def libpq_dsn(engine: Engine) -> str:
    """The SQLAlchemy URL as libpq wants it (no "+psycopg" driver suffix)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresHub(Hub):
    def __init__(self, *, dsn: str) -> None:
        super().__init__()
        self.dsn = dsn
        self.origin = uuid.uuid4().hex[:12]
        self.listening = asyncio.Event()
        self._remote: dict[str, dict[str, tuple[tuple[Viewer, ...], float]]] = {}
        self._dirty: set[str] = set()
        self._wake_announcer = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    # -- life cycle -------------------------------------------------------------------------
    async def start(self) -> None:
        await super().start()
        self._tasks = [
            asyncio.create_task(self._listen_forever(), name="tavle-hub-listen"),
            asyncio.create_task(self._announce_forever(), name="tavle-hub-announce"),
        ]
        # Wait a little for the first LISTEN, so changes right after start-up are not missed.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.listening.wait(), 5)

    async def stop(self) -> None:
        # Tell the other processes our viewers are gone, then stop listening.
        channels = [c for c in self._subscribers if self.local_viewers(c)]
        self._subscribers.clear()
        if channels:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._notify([self._presence_event(c) for c in channels]), 2)
        await super().stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # -- publishing -------------------------------------------------------------------------
    async def publish(self, event: Event) -> None:
        await self._notify([event])

    def before_commit(self, session: Session, event: Event) -> None:
        session.execute(text("SELECT pg_notify(:channel, :payload)"), _params(event))

    def after_commit(self, event: Event) -> None:
        """PostgreSQL delivered the NOTIFY with the commit; the LISTEN task fans it out here too."""

    async def _notify(self, events: Iterable[Event]) -> None:
        connect = psycopg.AsyncConnection.connect(self.dsn, autocommit=True)
        async with await connect as connection, connection.transaction():
            for event in events:
                await connection.execute("SELECT pg_notify(%(channel)s, %(payload)s)", _params(event))

    # -- listening --------------------------------------------------------------------------
    async def _listen_forever(self) -> None:
        delay = 0.25
        connected_before = False
        while not self.closed.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    if connected_before:
                        # Events may have been sent while we were away: refresh every view.
                        self.forget_history()
                    connected_before = True
                    delay = 0.25
                    self.listening.set()
                    self._mark_all_dirty()
                    while not self.closed.is_set():
                        async for notify in connection.notifies(timeout=PRESENCE_REFRESH):
                            self._receive(notify.payload)
                        # Quiet for a while: check the connection, re-announce, forget the silent.
                        await connection.execute("SELECT 1")
                        self._mark_all_dirty()
                        self._expire_presence()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("hub lost its LISTEN connection (%s); reconnecting in %.1fs", exc, delay)
            self.listening.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.closed.wait(), delay)
            delay = min(delay * 2, BACKOFF_MAX)

    def _receive(self, payload: str) -> None:
        try:
            event = Event.from_json(payload)
        except (ValueError, TypeError):
            log.warning("hub ignored a malformed notification")
            return
        if event.kind != PRESENCE:
            self._fan_out(event)
            return
        if event.origin == self.origin:
            return
        remote = self._remote.setdefault(event.channel, {})
        before = remote.get(event.origin, ((), 0.0))[0]
        if event.viewers:
            remote[event.origin] = (event.viewers, time.monotonic())
        else:
            remote.pop(event.origin, None)
        if before != event.viewers:
            super()._presence_changed(event.channel)

    # -- presence ---------------------------------------------------------------------------
    def _all_viewers(self, channel: str) -> Iterable[Viewer]:
        yield from self.local_viewers(channel)
        for viewers, _at in self._remote.get(channel, {}).values():
            yield from viewers

    def _presence_changed(self, channel: str) -> None:
        super()._presence_changed(channel)
        self._dirty.add(channel)
        self._wake_announcer.set()

    def _mark_all_dirty(self) -> None:
        self._dirty.update(c for c in self._subscribers if self.local_viewers(c))
        self._wake_announcer.set()

    def _presence_event(self, channel: str) -> Event:
        viewers = tuple(self.local_viewers(channel))[:MAX_VIEWERS]
        return Event(channel=channel, version=0, kind=PRESENCE, origin=self.origin, viewers=viewers)

    async def _announce_forever(self) -> None:
        """Sends presence changes in batches, so many views opening at once cost few NOTIFYs."""
        while not self.closed.is_set():
            await self._wake_announcer.wait()
            self._wake_announcer.clear()
            await asyncio.sleep(0.05)
            channels, self._dirty = self._dirty, set()
            if not channels:
                continue
            try:
                await self._notify([self._presence_event(c) for c in channels])
            except Exception as exc:
                log.warning("hub could not announce presence (%s)", exc)
                self._dirty |= channels
                await asyncio.sleep(1)
                self._wake_announcer.set()

    def _expire_presence(self) -> None:
        limit = time.monotonic() - PRESENCE_EXPIRY
        for channel, remote in list(self._remote.items()):
            stale = [origin for origin, (_v, at) in remote.items() if at < limit]
            for origin in stale:
                del remote[origin]
            if stale:
                super()._presence_changed(channel)
            if not remote:
                del self._remote[channel]


def _params(event: Event) -> dict[str, str]:
    return {"channel": CHANNEL, "payload": event.to_json()}

"""Starting and stopping the hub with the app, and ending event streams promptly on shutdown."""

import asyncio
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import FrameType
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from app.core.config import Settings
from app.live import Hub, make_hub, register, unregister

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@asynccontextmanager
async def running_hub(app: FastAPI, settings: Settings, engine: Engine) -> AsyncIterator[Hub]:
    """Puts the hub on `app.state.hub` and registers it against the engine while the app runs, so
    a unit of work finds it through its session (app.live.unit_of_work)."""
    hub = make_hub(settings, engine)
    await hub.start()
    app.state.hub = hub
    register(engine, hub)
    restore = _end_streams_on_signal(hub)
    try:
        yield hub
    finally:
        restore()
        hub.close_streams()
        unregister(engine)
        await hub.stop()


def _end_streams_on_signal(hub: Hub) -> Callable[[], None]:
    """uvicorn waits for open responses to finish before it shuts the app down, and an event
    stream never finishes by itself. So on SIGINT/SIGTERM, first end the streams, then let
    uvicorn's own handler carry on (it stays installed and is restored afterwards)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    installed: dict[int, tuple[Any, Any]] = {}
    for sig in SIGNALS:
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue

        def chained(signum: int, frame: FrameType | None, previous: Any = previous) -> None:
            loop.call_soon_threadsafe(hub.close_streams)
            previous(signum, frame)

        signal.signal(sig, chained)
        installed[sig] = (previous, chained)

    def restore() -> None:
        for sig, (previous, chained) in installed.items():
            if signal.getsignal(sig) is chained:
                signal.signal(sig, previous)

    return restore

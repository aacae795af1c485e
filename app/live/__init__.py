"""Live sync: the publish/subscribe hub, and where to find it.

The app factory makes one hub per app and registers it against the app's database engine. A
unit of work (app.live.unit_of_work) finds the hub through its session's engine, so no caller
passes the hub around (and two apps in one process, as in tests, never cross)."""

from weakref import WeakKeyDictionary

from sqlalchemy import Engine

from app.core.config import Settings
from app.live.hub import (
    Event,
    Hub,
    Subscription,
    Viewer,
    board_channel,
    caseload_channel,
    person_channel,
)
from app.live.memory import MemoryHub

__all__ = [
    "Event",
    "Hub",
    "Subscription",
    "Viewer",
    "board_channel",
    "caseload_channel",
    "hub_for",
    "make_hub",
    "person_channel",
    "register",
]

_hubs: "WeakKeyDictionary[Engine, Hub]" = WeakKeyDictionary()


def make_hub(settings: Settings, engine: Engine) -> Hub:
    """`settings.pubsub`: "memory", "postgres", or "auto" (postgres when the database is)."""
    choice = settings.pubsub
    if choice == "auto":
        choice = "postgres" if engine.dialect.name == "postgresql" else "memory"
    if choice == "postgres":
        from app.live.postgres import PostgresHub, libpq_dsn

        return PostgresHub(dsn=libpq_dsn(engine))
    if choice != "memory":
        raise ValueError(f"unknown TAVLE_PUBSUB {settings.pubsub!r}: use memory, postgres or auto")
    return MemoryHub()


def register(engine: Engine, hub: Hub) -> None:
    _hubs[engine] = hub


def unregister(engine: Engine) -> None:
    _hubs.pop(engine, None)


def hub_for(bind: object) -> Hub | None:
    """The hub of the app that owns this engine (a session's bind), if that app is running."""
    return _hubs.get(bind) if isinstance(bind, Engine) else None

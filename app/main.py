"""The app factory: settings in, a ready FastAPI app out."""

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI
from sqlalchemy import Engine
from starlette.middleware.gzip import GZipMiddleware

from app.admin import routes as admin
from app.board import agreement_routes, meeting_routes, stream
from app.board import routes as board
from app.calendar import routes as calendar
from app.caseload import routes as caseload
from app.caseload import stream as caseload_stream
from app.conversation import routes as conversation
from app.conversation import stream as conversation_stream
from app.core import collector, errors, idempotency
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.core.i18n import warm_up
from app.core.idempotency import IdempotencyMiddleware
from app.core.middleware import SecurityMiddleware
from app.core.migrate import migrate
from app.core.rendering import STATIC_DIR, compile_templates
from app.core.secret import secret_key
from app.core.static import StaticFiles
from app.demo import seed_demo
from app.deps import verify_csrf
from app.identity import oidc_routes, passkey_routes, security_routes
from app.identity import routes as identity
from app.interventions import outcome_routes
from app.interventions import routes as interventions
from app.live.lifecycle import running_hub
from app.network import invitation_routes
from app.network import routes as network
from app.notices import routes as notices
from app.plan import agenda_routes, challenge_routes, goal_routes, my_agreement_routes, strength_routes
from app.plan import routes as plan
from app.privacy import routes as privacy
from app.reminders.runner import run_until
from app.site import health, home, language, pwa, readability

ROUTERS = (
    health,
    identity,
    passkey_routes,
    security_routes,
    oidc_routes,
    language,
    home,
    board,
    agreement_routes,
    stream,
    meeting_routes,
    plan,
    challenge_routes,
    goal_routes,
    strength_routes,
    agenda_routes,
    my_agreement_routes,
    interventions,
    outcome_routes,
    caseload,
    caseload_stream,
    conversation,
    conversation_stream,
    network,
    invitation_routes,
    privacy,
    notices,
    calendar,
    admin,
    pwa,
    readability,
)


class NoticeSender:
    """TAVLE_NOTIFY_IN_APP: this process sends what is due, on a thread of its own, like a
    `python -m app notify` beside it would (any number of them may run at once)."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=run_until,
            args=(self.stopping,),
            kwargs={"engine": engine, "settings": settings},
            name="tavle-notices",
            daemon=True,
        )
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # First: without its secret in production the app must not start at all.
    key = secret_key(settings)
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            migrate(engine)
        if settings.should_seed_demo:
            seed_demo(engine)
        warm_up()
        compile_templates()
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        collector.settle()
        sender = NoticeSender(engine, settings) if settings.notify_in_app else None
        async with running_hub(app, settings, engine):
            yield
        if sender is not None:
            sender.stop()
        engine.dispose()

    app = FastAPI(
        title="Tavle",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # The CSRF check first: only a change from our own page may claim its key.
        dependencies=[Depends(verify_csrf), Depends(idempotency.claim)],
    )
    app.state.settings = settings
    # Read by app.core.middleware.prepare for every request (the stream lane's too).
    app.state.secret_key = key
    app.state.hsts = settings.public_https
    app.state.engine = engine
    errors.install(app)
    idempotency.install(app)
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Inside the security middleware: it sees the request's token and keeps answers as sent.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(SecurityMiddleware, secure_cookies=settings.cookies_secure)
    # Leaves text/event-stream alone, so live updates are never held in a compression buffer.
    app.add_middleware(GZipMiddleware, minimum_size=500)
    return app

"""The app factory: settings in, a ready FastAPI app out."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI

from app.admin import routes as admin
from app.board import agreement_routes as agreements
from app.board import meeting_routes as meeting
from app.board import routes as board
from app.board import stream as events
from app.caseload import routes as caseload
from app.caseload import stream as caseload_events
from app.core import errors
from app.core.checkpoint import checkpoints
from app.core.compression import Compression
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.core.db import warm_up as warm_up_database
from app.core.deps import verify_csrf
from app.core.i18n import warm_up
from app.core.middleware import SecurityMiddleware
from app.core.migrate import migrate
from app.core.rendering import STATIC_DIR, compile_templates
from app.core.secret import secret_key
from app.core.static import StaticFiles
from app.demo import seed_demo
from app.identity import oidc_routes as oidc
from app.identity import passkey_routes as passkeys
from app.identity import routes as auth
from app.identity import security_routes as account_security
from app.interventions import outcome_routes as outcomes
from app.interventions import routes as interventions
from app.live.lifecycle import running_hub
from app.live.stream_lane import StreamLane
from app.network import invitation_routes as invitations
from app.network import routes as network
from app.plan import agenda_routes as agenda
from app.plan import challenge_routes as challenges
from app.plan import goal_routes as goals
from app.plan import routes as citizens
from app.plan import strength_routes as strengths
from app.privacy import routes as privacy
from app.site import health, home, language, pwa


def tune_garbage_collector() -> None:
    """Python's collector stops everything while it walks the oldest objects; with thousands of
    open streams that walk took up to a third of a second, and every live update waited. What
    start-up made (modules, templates, catalogues) lives as long as the process, so it is set
    aside for good, and the full walk comes ten times less often (measured in bench/)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(2000, 10, 100)


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
        warm_up_database(engine)
        if settings.tune_gc:
            tune_garbage_collector()
        # Python runs one thread at a time: past a few, more threads only take turns and make
        # every request wait longer for its turn (measured in bench/, see BENCHMARKS.md).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        with checkpoints(engine) as checkpointer:
            app.state.checkpointer = checkpointer
            async with running_hub(app, settings, engine):
                yield
        engine.dispose()

    app = FastAPI(
        title="Tavle",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(verify_csrf)],
    )
    app.state.settings = settings
    # Read by app.core.middleware.prepare for every request (the stream lane's too).
    app.state.secret_key = key
    app.state.hsts = settings.public_https
    app.state.engine = engine
    errors.install(app)
    # Routes are matched in order: the board's, asked for most, come first.
    for router in (board, agreements, events, meeting, caseload_events):
        app.include_router(router.router)
    for router in (health, auth, language, home, caseload, citizens, privacy, admin):
        app.include_router(router.router)
    for router in (challenges, goals, strengths, agenda, interventions, outcomes):
        app.include_router(router.router)
    for router in (invitations, network, passkeys, account_security, oidc):
        app.include_router(router.router)
    app.include_router(pwa.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SecurityMiddleware, secure_cookies=settings.cookies_secure)
    app.add_middleware(Compression, minimum_size=500)
    # Outermost: the boards' event streams go straight to their route (see app.live.stream_lane).
    app.add_middleware(StreamLane, secure_cookies=settings.cookies_secure)
    return app

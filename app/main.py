"""The app factory: settings in, a ready FastAPI app out."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI

from app import errors
from app.checkpoint import checkpoints
from app.compression import Compression
from app.config import Settings, get_settings
from app.db import make_engine
from app.db import warm_up as warm_up_database
from app.deps import verify_csrf
from app.hub.lifecycle import running_hub
from app.i18n import warm_up
from app.middleware import SecurityMiddleware
from app.migrate import migrate
from app.routes import (
    account_security,
    admin,
    agenda,
    agreements,
    auth,
    board,
    caseload,
    caseload_events,
    challenges,
    citizens,
    events,
    goals,
    health,
    home,
    interventions,
    invitations,
    language,
    meeting,
    network,
    oidc,
    outcomes,
    passkeys,
    privacy,
    pwa,
    strengths,
)
from app.seed import seed_demo
from app.static import StaticFiles
from app.stream_lane import StreamLane
from app.templating import STATIC_DIR, compile_templates


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
    # Outermost: the boards' event streams go straight to their route (see app.stream_lane).
    app.add_middleware(StreamLane, secure_cookies=settings.cookies_secure)
    return app

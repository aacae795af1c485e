"""What makes Tavle an installable app: the web manifest, the service worker (served from the
site root, so it may control every page) and the page it shows when there is no network."""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from app.catalogue import N_
from app.core.rendering import STATIC_DIR, environment, static_url
from app.deps import TranslatorDep, WebDep

router = APIRouter(tags=["pwa"])

THEME_COLOUR = "#1d4e89"
BACKGROUND_COLOUR = "#ffffff"
DESCRIPTION = N_("Your plan and your agreements with the job centre, on your phone.")
SERVICE_WORKER = "sw.js"
OFFLINE_TEMPLATE = "offline.html"
# Fetched when the worker installs: what the board needs to be read offline. The offline page
# comes later, in the person's language, once the worker controls a page (sw.js
# keepOfflinePageIn): a first visit has a weight budget.
PRECACHED_STATIC = (
    "app.css",
    "htmx.min.js",
    "Sortable.min.js",
    "board.js",
    "pwa.js",
    "read_aloud.js",
    "icon.svg",
)
# Fetched by the worker once it controls a page (not on the first visit, which has a weight
# budget): what a page needs to keep changes made offline (pwa.js loads it when needed).
LATER_STATIC = ("outbox_store.js", "outbox.js", "outbox.css")
# Part of the worker itself, for Background Sync: the outbox's store.
OUTBOX_STORE = "outbox_store.js"
TEMPLATES = Path(__file__).parent / "templates"
# The worker must always be fetched fresh, or a deploy would not reach the phones.
NO_CACHE = "no-cache"


@lru_cache
def app_version() -> str:
    """Changes whenever a static file, the worker or the offline page does. It names the
    worker's cache, so a deploy installs a new worker that drops the old files."""
    digest = hashlib.sha256()
    files = sorted(path for path in STATIC_DIR.rglob("*") if path.is_file())
    files += [TEMPLATES / SERVICE_WORKER, TEMPLATES / OFFLINE_TEMPLATE]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@router.get("/manifest.webmanifest")
def manifest(t: TranslatorDep) -> Response:
    icons = [
        {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {
            "src": static_url("icons/maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static_url("icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
    ]
    body = {
        "id": "/",
        "name": t.gettext("Tavle"),
        "short_name": t.gettext("Tavle"),
        "description": t.gettext(DESCRIPTION),
        "lang": t.locale,
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        media_type="application/manifest+json",
        headers={"Cache-Control": "public, max-age=3600", "Vary": "Accept-Language, Cookie"},
    )


@router.get("/sw.js")
def service_worker() -> Response:
    script = (
        environment()
        .get_template(SERVICE_WORKER)
        .render(
            version=app_version(),
            precache=[static_url(name) for name in PRECACHED_STATIC],
            later=[static_url(name) for name in LATER_STATIC],
            outbox_store=_without_comments((STATIC_DIR / OUTBOX_STORE).read_text(encoding="utf-8")),
        )
    )
    return Response(
        script,
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": NO_CACHE},
    )


def _without_comments(script: str) -> str:
    """The store's comment lines are for its readers; the worker's bytes count on a first visit."""
    lines = (line.strip() for line in script.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


@router.get("/offline")
def offline(web: WebDep) -> Response:
    # Rendered as for nobody signed in: the copy is kept on the phone, so it must not carry
    # anyone's name or a sign-out form that could not work offline anyway.
    response = web.page(OFFLINE_TEMPLATE, user=None)
    # The worker keeps this page in the language it was fetched in, and fetches it again
    # when the person's language differs.
    response.headers["Content-Language"] = web.translator.locale
    response.headers["Cache-Control"] = NO_CACHE
    return response

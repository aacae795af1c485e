"""The installable app over HTTP: the manifest, the service worker's script and headers, the
offline page, and compression (pages compressed, event streams never)."""

import json
import re
import struct

from sqlmodel import Session
from starlette.middleware.gzip import GZipMiddleware

from app.core.rendering import static_url
from app.site.pwa import app_version
from tests import factories
from tests.conftest import Client


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_manifest_describes_an_installable_app_with_icons_that_are_served(client: Client) -> None:
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": "da"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    assert manifest["name"] == "Tavle" and manifest["short_name"] == "Tavle"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["lang"] == "da"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    icons = {(icon["sizes"], icon["type"], icon["purpose"]): icon["src"] for icon in manifest["icons"]}
    for size in (192, 512):
        src = icons[(f"{size}x{size}", "image/png", "any")]
        png = client.get(src)
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert _png_size(png.content) == (size, size)
        assert "immutable" in png.headers["cache-control"]
    maskable = client.get(icons[("512x512", "image/png", "maskable")])
    assert _png_size(maskable.content) == (512, 512)
    svg = client.get(icons[("any", "image/svg+xml", "any")])
    assert svg.status_code == 200 and "<svg" in svg.text


def test_manifest_speaks_the_visitors_language(client: Client) -> None:
    english = json.loads(client.get("/manifest.webmanifest", headers={"Accept-Language": "en"}).text)
    danish = json.loads(client.get("/manifest.webmanifest", headers={"Accept-Language": "da"}).text)
    assert english["lang"] == "en" and danish["lang"] == "da"
    assert english["description"] != danish["description"]


def test_every_page_links_the_manifest_and_the_worker_script(client: Client) -> None:
    html = client.get("/login").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert re.search(r'<script src="/static/pwa\.js\?v=\w+" defer>', html)


def test_service_worker_is_served_from_the_root_fresh_and_allowed_to_control_every_page(
    client: Client,
) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"
    script = response.text
    # The cache is named after this version of the files, so a deploy replaces it.
    assert f'const VERSION = "{app_version()}";' in script
    assert "skipWaiting" in script and "clients.claim" in script
    listed = re.search(r"const PRECACHE = (\[.*?\]);", script)
    assert listed, "the service worker lists no files to keep"
    precache = json.loads(listed.group(1))
    assert all(re.fullmatch(r"/static/[\w./]+\?v=[0-9a-f]{10}", url) for url in precache)
    # Fetched once the worker controls a page, not on the first visit: what keeps changes offline.
    later = re.search(r"const LATER = (\[.*?\]);", script)
    assert later, "the service worker lists nothing to fetch later"
    kept_later = json.loads(later.group(1))
    assert any("/static/outbox.js?v=" in url for url in kept_later)
    for url in [*precache, *kept_later, "/offline"]:
        assert client.get(url).status_code == 200, url


def test_offline_page_is_translated_and_names_nobody(client: Client, db: Session) -> None:
    english = client.get("/offline", headers={"Accept-Language": "en"})
    assert english.status_code == 200
    assert english.headers["content-language"] == "en" and "No connection" in english.text
    factories.citizen(db, name="Lise Lund", code="LISE")
    client.sign_in_citizen("LISE")
    danish = client.get("/offline", headers={"Accept-Language": "da"})
    assert danish.headers["content-language"] == "da" and "Ingen forbindelse" in danish.text
    # The worker keeps this page on the phone: nobody's name, no sign-out form.
    assert "Lise Lund" not in danish.text and 'action="/logout"' not in danish.text


def test_pages_are_compressed_when_the_browser_accepts_gzip(client: Client, db: Session) -> None:
    me = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    response = client.get(f"/citizens/{me.id}/board", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert [v.strip() for v in response.headers["vary"].split(",")].count("Accept-Encoding") == 1
    assert int(response.headers["content-length"]) < len(response.content)
    css = client.get(static_url("app.css"), headers={"Accept-Encoding": "gzip"})
    assert css.headers["content-encoding"] == "gzip"
    # Its name changes with its content, so browsers may keep it for a year.
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_small_answers_and_event_streams_are_left_uncompressed(client: Client) -> None:
    assert "content-encoding" not in client.get("/healthz", headers={"Accept-Encoding": "gzip"}).headers
    # A stream must reach the browser event by event, never held in a compressor's buffer
    # (tests/browser/test_pwa.py watches a real stream arrive uncompressed).
    installed = [kwargs for cls, _args, kwargs in client.fastapi_app.user_middleware if cls is GZipMiddleware]
    assert len(installed) == 1
    gzip = GZipMiddleware(client.fastapi_app, **installed[0])
    assert "text/event-stream" in gzip.exclude_content_types


def test_a_page_for_a_client_without_gzip_is_plain_and_says_what_it_varies_by(
    client: Client, db: Session
) -> None:
    me = factories.citizen(db, code="LISE")
    client.sign_in_citizen("LISE")
    for accepted in ("identity", "br"):
        response = client.get(f"/citizens/{me.id}/board", headers={"Accept-Encoding": accepted})
        assert response.status_code == 200
        assert "content-encoding" not in response.headers
        assert int(response.headers["content-length"]) == len(response.content)
        assert "<h1>" in response.text
        # So a shared cache keeps this plain copy apart from a compressed one.
        assert "Accept-Encoding" in response.headers["vary"]

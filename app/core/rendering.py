"""The Jinja environment. Templates get their language from the caller, never from a global,
so one process can render the same board in Danish for one viewer and English for another."""

import hashlib
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block

from app import clock
from app.catalogue.roles import ROLE_NAMES
from app.core.config import ROOT
from app.core.i18n import LANGUAGE_NAMES, Translator
from app.core.idempotency import with_form_keys
from app.core.read_aloud import read_aloud
from app.core.readability import measure

# Each feature keeps its templates beside its routes; names are unique across the features.
TEMPLATE_DIRS = sorted((ROOT / "app").glob("*/templates"))
STATIC_DIR = ROOT / "app" / "static"


@lru_cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIRS),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates change only with a deploy (a restart); checking each file's time on every
        # render and import costs a system call each.
        auto_reload=False,
    )
    # {% trans %} passes its variables as keywords to the gettext we put in each context.
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals["static_url"] = static_url
    env.globals["language_names"] = LANGUAGE_NAMES
    env.globals["role_names"] = ROLE_NAMES
    # When a page was rendered ("last updated" on a copy kept for offline reading).
    env.globals["now"] = clock.now
    env.globals["read_aloud"] = read_aloud
    env.globals["readability"] = measure
    return env


def compile_templates() -> int:
    """Compiles every template at start-up, so the first page and the first live update do not
    wait for it (the board's templates take a tenth of a second)."""
    env = environment()
    names = env.list_templates()
    for name in names:
        env.get_template(name)
    return len(names)


def render(template: str, context: dict[str, Any], translator: Translator, block: str | None = None) -> str:
    full = {
        **context,
        "t": translator,
        "lang": translator.locale,
        "gettext": translator.template_gettext,
        "_": translator.template_gettext,
        "ngettext": translator.template_ngettext,
    }
    if block is None:
        html = environment().get_template(template).render(full)
    else:
        html = render_block(environment(), template, block, **full)
    # Every form with the session's token gets a key of its own: sent twice, it changes once.
    return with_form_keys(html, context.get("csrf_token"))


@lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """A URL that changes whenever the file does, so browsers may cache it for a year."""
    file = STATIC_DIR / path
    try:
        version = hashlib.sha256(file.read_bytes()).hexdigest()[:10]
    except FileNotFoundError:
        version = "missing"
    return f"/static/{path}?v={version}"

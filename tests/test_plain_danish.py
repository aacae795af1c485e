"""Tavle's own Danish is easy to read: LIX over the Danish catalogue's citizen-facing messages
(those used anywhere outside the staff-only parts) stays at 34 or less, and so does every message
long enough to measure on its own. A failure lists each message above 34 with its score, so the
translation can be rewritten in shorter sentences and shorter words."""

import re
from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.core.readability import measure

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 34
# A message is measured on its own from this many words: below it, one long word decides the
# score (a two-word heading scores 50 or 100), which says nothing about how it reads.
MIN_WORDS = 8
# Read only by staff: the administrator's and the manager's pages, the caseload, staff sign-in,
# the demo's own data and what the notices and reminders send (measured where they are shown).
STAFF_ONLY = (
    "app/admin/",
    "app/caseload/",
    "app/demo.py",
    "app/identity/oidc",
    "app/identity/templates/login_staff.html",
    "app/interventions/templates/outcomes_manager.html",
)
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>")


@lru_cache
def citizen_facing_danish() -> dict[str, str]:
    """Each citizen-facing message id and its Danish translation, placeholders as one short word."""
    used: dict[str, set[str]] = {}
    method_map = [("app/**.py", "python"), ("app/*/templates/**.html", "jinja2")]
    options = {"app/*/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        key = message if isinstance(message, str) else message[0]
        used.setdefault(key, set()).add(filename)
    with (ROOT / "locales" / "da" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    found = {}
    for entry in catalogue:
        key = entry.id if isinstance(entry.id, str) else entry.id[0]
        files = used.get(key, set())
        if not key or not files or all(f.startswith(STAFF_ONLY) for f in files):
            continue
        danish = entry.string if isinstance(entry.string, str) else (entry.string or ("",))[0]
        found[key] = _PLACEHOLDER.sub("Anna", danish)
    return found


def test_tavles_own_danish_scores_34_or_less_overall() -> None:
    texts = citizen_facing_danish()
    assert len(texts) > 500, "the catalogue's citizen-facing messages were not found"
    result = measure("\n".join(texts.values()))
    assert result is not None
    assert result.lix <= LIMIT, f"Tavle's citizen-facing Danish scores LIX {result.lix:.1f}"


def test_no_citizen_facing_danish_message_scores_above_34() -> None:
    above = []
    for key, danish in sorted(citizen_facing_danish().items()):
        result = measure(danish)
        if result is not None and result.words >= MIN_WORDS and result.lix > LIMIT:
            above.append(f"LIX {result.score}: {danish!r} (for {key!r})")
    assert not above, "Rewrite these Danish translations in shorter sentences and words:\n" + "\n".join(above)

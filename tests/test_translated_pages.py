"""Every page a demo user can reach by following links, read in Danish, shows no English message.

The catalogue test proves that every *marked* message has a Danish translation; this one finds
text that reaches the screen without being marked (a label in a Python dict, a template literal),
by crawling the demo as each role and looking for English message ids in the visible text."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import Engine

from app.demo import seed_demo
from tests.conftest import Client
from tests.crawl import DEMO_ROLES, crawl

ROOT = Path(__file__).resolve().parent.parent


def english_messages() -> set[str]:
    """English ids whose Danish differs, of two words or more and without placeholders: a hit
    among them is English text on a Danish page, not a name or a shared word."""
    with (ROOT / "locales" / "da" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    found = set()
    for message in catalogue:
        if not isinstance(message.id, str) or not isinstance(message.string, str):
            continue
        if "%(" in message.id or message.string == message.id or len(message.id.split()) < 2:
            continue
        found.add(message.id)
    return found


# The wording does not depend on the database: each page once, on SQLite.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("role", DEMO_ROLES)
def test_danish_pages_show_no_english_text(engine: Engine, client: Client, role: str) -> None:
    seed_demo(engine)
    client.headers["Accept-Language"] = "da"
    DEMO_ROLES[role](client)
    # "Min aftale" is written in the citizen's language whoever opens it: an English-speaking
    # citizen's page is English by design, and says so in its lang attribute.
    pages = {url: page for url, page in crawl(client).items() if '<html lang="en">' not in page.html}
    assert len(pages) >= 2, pages.keys()
    english = english_messages()
    leaks = {url: sorted(m for m in english if m in page.text) for url, page in pages.items()}
    leaks = {url: found for url, found in leaks.items() if found}
    assert not leaks, f"English text on Danish pages as {role}: {leaks}"

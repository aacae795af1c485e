"""Every message in the code and templates is translated in both catalogues."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from markupsafe import Markup

from app.core.i18n import negotiate, translations, translator

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("locale", ["da", "en"])
def test_every_message_is_translated(extracted: set[str], locale: str) -> None:
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = set()
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and not message.fuzzy and all(strings):
            translated.add(message.id if isinstance(message.id, str) else message.id[0])
    missing = sorted(extracted - translated)
    assert not missing, f"{locale} lacks translations (run `make messages`): {missing[:10]}"


def test_danish_really_differs_from_english() -> None:
    assert translator("da").gettext("Sign in") == "Log ind"
    assert translator("en").gettext("Sign in") == "Sign in"


def test_accept_language_negotiation() -> None:
    assert negotiate("en-US,en;q=0.9") == "en"
    assert negotiate("de-DE, da;q=0.8, en;q=0.5") == "da"
    assert negotiate("fr, de") is None
    assert negotiate("en;q=bad, da") == "da"
    assert negotiate(None) is None


def test_babel_formats_numbers_per_locale() -> None:
    assert translator("da").number(1234.5) == "1.234,5"
    assert translator("en").number(1234.5) == "1,234.5"


def test_messages_without_values_read_the_same_as_through_the_full_path() -> None:
    t = translator("da")
    for message in ("Log in", "Tavle", "New agreement"):
        assert t.template_gettext(message) == Markup(translations("da").gettext(message)) % {}
    # A literal per cent sign stays one sign, as when values are put in.
    assert t.template_gettext("100%% sure") == "100% sure"
    assert t.number(7) == "7" and translator("en").number(1234) == "1,234"

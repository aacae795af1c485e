"""A recording stand-in for the browser's speech synthesis: what read_aloud.js says, and in
which language, is kept in `window.__spoken` for the test to read."""

from collections.abc import Sequence

from playwright.sync_api import Page

_RECORDER = """
window.__spoken = [];
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
  speak: function (u) { window.__spoken.push({ text: u.text, lang: u.lang }); },
  cancel: function () {},
  getVoices: function () { return window.__voices; },
} });
"""


def record_speech(voices: Sequence[str] = ("da-DK", "en-GB")) -> str:
    """The init script: a phone whose speech synthesis has a voice for each of `voices`."""
    listed = ", ".join(f'{{ lang: "{lang}", name: "{lang}" }}' for lang in voices)
    return f"window.__voices = [{listed}];" + _RECORDER


def spoken(page: Page) -> list[dict[str, str]]:
    return list(page.evaluate("window.__spoken"))

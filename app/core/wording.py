"""Checks text a person typed into the plan: not empty, not too long, nothing we cannot store.

Every message is in the person's language and says what to do. The text itself is returned
cleaned (trimmed, one line where one line is asked for), so the form can show it back."""

import unicodedata
from dataclasses import dataclass

from app.core.i18n import Translator

# Categories that never belong in what a person writes: control characters (NUL breaks
# PostgreSQL), lone surrogates, private-use and unassigned code points.
_REFUSED_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}
# Direction overrides can make text read differently from what is stored.
_REFUSED_FORMAT = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_ALLOWED_CONTROLS = {"\n", "\t"}


@dataclass(frozen=True)
class Checked:
    text: str
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def odd_characters(text: str) -> bool:
    return any(
        (unicodedata.category(ch) in _REFUSED_CATEGORIES and ch not in _ALLOWED_CONTROLS)
        or ch in _REFUSED_FORMAT
        for ch in text
    )


def check(
    raw: str,
    *,
    limit: int,
    t: Translator,
    empty_message: str,
    required: bool = True,
    multiline: bool = False,
) -> Checked:
    """`empty_message` is an English msgid, translated here, telling what to write."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = (
        "\n".join(line.strip() for line in text.split("\n")).strip() if multiline else " ".join(text.split())
    )
    if odd_characters(text):
        return Checked(
            text,
            t.gettext(
                "The text has characters we cannot save, such as invisible control characters. "
                "Please remove them and try again."
            ),
        )
    if not text:
        return Checked(text, t.gettext(empty_message) if required else None)
    if len(text) > limit:
        return Checked(
            text,
            t.gettext(
                "Please write at most %(limit)s characters. Now there are %(count)s.",
                limit=t.number(limit),
                count=t.number(len(text)),
            ),
        )
    return Checked(text, None)

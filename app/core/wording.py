"""The one rule for free text: whatever a person writes that Tavle keeps and shows to someone
(a card's "what" and who does it, a name, a challenge, a goal, a strength, a topic, a reason, a
comment) passes `problem` or `check` here, so the same text is refused or kept the same way in
every field.

The text is cleaned (trimmed, one line where one line is asked for, NFC), then refused when it
holds characters that cannot be stored or that make it read differently from what it is:
control characters (NUL breaks PostgreSQL), lone surrogates, private-use and unassigned code
points, and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
that would show "gnirts" for "string" on the meeting screen and in the network's view. Every
message is in the person's language and says what to do; the form shows the text back."""

import unicodedata
from dataclasses import dataclass

from app.catalogue import N_
from app.core.i18n import Translator

# Categories that never belong in what a person writes: control characters (NUL breaks
# PostgreSQL), lone surrogates, private-use and unassigned code points.
_REFUSED_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}
# Direction embeddings, overrides and isolates can make text read differently from what is
# stored. (The plain marks U+200E/U+200F stay: right-to-left writing needs them, and they
# cannot turn a run of text around.)
_REFUSED_FORMAT = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_ALLOWED_CONTROLS = {"\n", "\t"}

ODD_CHARACTERS = N_(
    "The text has characters we cannot save, such as invisible control characters. "
    "Please remove them and try again."
)


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


def cleaned(raw: str, *, multiline: bool = False) -> str:
    """Trimmed and in NFC; on one line (runs of spaces made one) unless `multiline`."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    if multiline:
        return "\n".join(line.strip() for line in text.split("\n")).strip()
    return " ".join(text.split())


def problem(text: str) -> str | None:
    """The English msgid saying what is wrong with cleaned `text` beyond its length, or None."""
    return ODD_CHARACTERS if odd_characters(text) else None


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
    text = cleaned(raw, multiline=multiline)
    wrong = problem(text)
    if wrong:
        return Checked(text, t.gettext(wrong))
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

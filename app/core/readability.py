"""How easy a text is to read: LIX (läsbarhetsindex), the measure Danish and Norwegian public
services use, and the sentences that are too long. One implementation, used by the meter beside
the fields consultants write for the citizen (as they type, through a small request, and on a
page rendered after a plain submit) and by the test that holds Tavle's own Danish to it.

LIX = words / sentences + 100 * long words / words, where a long word has more than six letters.
33 or less is easy to read, 44 or more hard (NAV's writing aid uses the same bands)."""

import re
from dataclasses import dataclass
from typing import Literal

from app.catalogue import N_

Level = Literal["easy", "medium", "hard"]

EASY_MAX = 33
HARD_MIN = 44
LONG_WORD_LETTERS = 7
LONG_SENTENCE_WORDS = 21
LEVEL_NAMES: dict[Level, str] = {"easy": N_("Easy"), "medium": N_("Medium"), "hard": N_("Hard")}

# A word is a run of letters, with inner hyphens or apostrophes ("e-mail", "Anna's"); numbers
# are not words here, as in the classic count.
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# A sentence ends at . ! ? or : followed by a capital letter or the end, or at a line
# break (lists are written one item a line). "f.eks. det" and "kl. 10" stay one sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?:])[\"'”’)]*\s+(?=[\"'“(]*[^\W\d_a-zæøå]|\Z)|\s*\n+\s*", re.UNICODE)


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    long_words: int
    # The sentences of LONG_SENTENCE_WORDS words or more, as written.
    long_sentences: tuple[str, ...]

    @property
    def lix(self) -> float:
        if not self.words:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words

    @property
    def score(self) -> int:
        """LIX as shown: a whole number."""
        return round(self.lix)

    @property
    def level(self) -> Level:
        if self.score <= EASY_MAX:
            return "easy"
        return "hard" if self.score >= HARD_MIN else "medium"

    @property
    def level_name(self) -> str:
        """The level's message id ("Easy"); translate it where it is shown."""
        return LEVEL_NAMES[self.level]


def sentences(text: str) -> list[str]:
    """The text's sentences that hold at least one word."""
    parts = (part.strip() for part in _SENTENCE_END.split(text))
    return [part for part in parts if part and _WORD.search(part)]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def measure(text: str) -> Readability | None:
    """The text's readability; None when there are no words to measure."""
    found = sentences(text)
    counts = [words(sentence) for sentence in found]
    total = sum(len(c) for c in counts)
    if not total:
        return None
    long_words = sum(1 for c in counts for word in c if _letters(word) >= LONG_WORD_LETTERS)
    long_sentences = tuple(s for s, c in zip(found, counts, strict=True) if len(c) >= LONG_SENTENCE_WORDS)
    return Readability(
        words=total, sentences=len(found), long_words=long_words, long_sentences=long_sentences
    )


def _letters(word: str) -> int:
    return sum(1 for ch in word if ch.isalpha())

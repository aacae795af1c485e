"""Sensitive words: what a card or message says that the citizen may not want her network to
read: health, mental health, addiction, debt, a criminal record. Tavle asks before such a text is
shared (the guard on the board); the words are in one Danish and English list,
`sensitive_words.txt` beside this file, so the list can be read and changed without code."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.catalogue import N_

WORD_LIST = Path(__file__).with_name("sensitive_words.txt")
TOPIC_NAMES = {
    "health": N_("health"),
    "mental_health": N_("mental health"),
    "addiction": N_("addiction"),
    "debt": N_("debt"),
    "criminal_record": N_("a criminal record"),
}
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


@dataclass(frozen=True)
class Entry:
    topic: str
    word: str
    starts: bool  # the entry may begin the word ("misbrug*")
    ends: bool  # the entry may end the word ("*gæld")

    def matches(self, word: str) -> bool:
        if self.starts and self.ends:
            return self.word in word
        if self.starts:
            return word.startswith(self.word)
        if self.ends:
            return word.endswith(self.word)
        return word == self.word


@dataclass(frozen=True)
class Mention:
    topic: str
    # The word as the text has it, so the question can quote it back.
    word: str


@lru_cache
def entries() -> tuple[Entry, ...]:
    found = []
    for line in WORD_LIST.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        topic, pattern = line.split()
        assert topic in TOPIC_NAMES, f"{WORD_LIST.name}: unknown topic {topic!r}"
        word = pattern.strip("*")
        found.append(Entry(topic, word, starts=pattern.endswith("*"), ends=pattern.startswith("*")))
    return tuple(found)


def mentions(*texts: str) -> list[Mention]:
    """What the texts mention that is sensitive, each topic once, in the order it first appears."""
    seen: dict[str, Mention] = {}
    for text in texts:
        for word in _WORD.findall(text):
            lower = word.lower()
            for entry in entries():
                if entry.topic not in seen and entry.matches(lower):
                    seen[entry.topic] = Mention(entry.topic, word)
    return list(seen.values())

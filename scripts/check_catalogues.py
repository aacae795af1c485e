"""Checks that the Danish and English catalogues translate every message.

English is the source language, so `--fill-english` copies each new English message into the
English catalogue; Danish translations are always written by a person.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("da", "en")


def catalogue_path(locale: str) -> Path:
    return ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"


def missing(locale: str) -> list[str]:
    with catalogue_path(locale).open("rb") as handle:
        catalogue = read_po(handle)
    gaps = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def fill_english() -> None:
    path = catalogue_path("en")
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=100, omit_header=False, sort_output=True)


def main() -> int:
    if "--fill-english" in sys.argv:
        fill_english()
    failed = False
    for locale in LOCALES:
        gaps = missing(locale)
        if gaps:
            failed = True
            print(f"{locale}: {len(gaps)} untranslated message(s), e.g.: {gaps[:5]}")
        if "--compiled" in sys.argv and not catalogue_path(locale).with_suffix(".mo").exists():
            failed = True
            print(f"{locale}: the catalogue is not compiled")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

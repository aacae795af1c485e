"""Numbers a person typed, or a page sent back: ASCII digits only, everywhere.

Python's own tests are wider than they look: "²".isdigit() is true and int("²") then fails (a
500), and int("١٠") and int("०") read Arabic-Indic and Devanagari digits as 10 and 0, so a
value nobody meant was saved. int() also takes "+3", " 3 " and "3_0". Every whole number that
comes from a form, a query string or a header is read here instead: plain 0–9 or nothing."""

import re

# 18 digits always fit a signed 64-bit id; anything longer names nothing here.
_WHOLE = re.compile(r"[0-9]{1,18}")
# A count typed by a person: digits, with a decimal comma or point.
_DECIMAL = re.compile(r"([0-9]{1,9})(?:[.,]([0-9]{1,9}))?")


def whole(raw: str | None) -> int | None:
    """The whole number written in `raw` (spaces around it allowed), or None."""
    if raw is None:
        return None
    text = raw.strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def decimal(raw: str) -> float | None:
    """A number like "12", "12,5" or "12.5" (comma or point), or None."""
    found = _DECIMAL.fullmatch(raw.strip())
    if found is None:
        return None
    whole_part, fraction = found.groups()
    return float(f"{whole_part}.{fraction or '0'}")


def digits(raw: str) -> bool:
    """Whether `raw` is nothing but ASCII digits (a PIN, a one-time code)."""
    return raw.isascii() and raw.isdigit()

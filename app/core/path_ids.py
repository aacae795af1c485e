"""Ids in paths are 64-bit: a number beyond that in a path names nothing, and is "not found".

Routes declare their ids (`citizen_id: int`, ...) as plain ints, which Python does not bound;
the databases do (SQLite and PostgreSQL's BIGINT stop at 2^63 - 1), and a bigger number reached
them as an error: a 500, and the keep-alive connection closed under the next request. Rather
than every route remembering a bounded type, the security middleware (`app.core.middleware`)
answers 404 before routing when any segment of the path is a whole number outside the signed
64-bit range: no path of this app names anything with one (tokens are not all digits). That
covers every route, the event streams too. Text that is no number at all in an id's place is a
validation error of the route's, also answered 404 (`app.core.errors`)."""

import re

SMALLEST = -(2**63)
LARGEST = 2**63 - 1
# A segment of 19 or more digits (2^63 has 19): only those can be out of range.
LONG_NUMBER = re.compile(r"/(-?[0-9]{19,})(?=/|$)")
DIGITS = re.compile(r"-?[0-9]{1,20}")


def fits(raw: str) -> bool:
    """Whether `raw` is a signed 64-bit whole number, written plainly."""
    return DIGITS.fullmatch(raw) is not None and SMALLEST <= int(raw) <= LARGEST


def out_of_range(path: str) -> bool:
    """Whether a segment of `path` is a whole number no 64-bit id can be."""
    return any(not fits(number) for number in LONG_NUMBER.findall(path))

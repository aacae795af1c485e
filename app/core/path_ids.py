"""Ids in paths are 64-bit: anything else in their place is a page that does not exist.

Every route that takes an id (`citizen_id: int`, `agreement_id: int`, ...) declares it a plain
int, which Python does not bound; the databases do (SQLite and PostgreSQL's BIGINT stop at
2^63 - 1), and a bigger number reached them as an error (a 500). This one app-wide dependency
(`app.main`) answers 404, before anything else runs, for any path parameter a route declares as
an int, whichever function of the route declares it, when its text is not a signed 64-bit
integer. A route added later is covered without anyone remembering to."""

import re
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

from app.access.rules import NotVisible

SMALLEST = -(2**63)
LARGEST = 2**63 - 1
DIGITS = re.compile(r"-?[0-9]{1,20}")

_int_names: dict[int, tuple[APIRoute, tuple[str, ...]]] = {}


async def bounded_path_ids(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    for name in int_path_params(route):
        raw = request.path_params.get(name)
        if isinstance(raw, str) and not fits(raw):
            raise NotVisible(None)


def fits(raw: str) -> bool:
    return DIGITS.fullmatch(raw) is not None and SMALLEST <= int(raw) <= LARGEST


def int_path_params(route: APIRoute) -> tuple[str, ...]:
    """The names of the path parameters this route (or any of its dependencies) reads as int."""
    known = _int_names.get(id(route))
    if known is not None and known[0] is route:
        return known[1]
    names: list[str] = []
    pending: list[Any] = [route.dependant]
    while pending:
        dependant = pending.pop()
        for field in dependant.path_params:
            if field.field_info.annotation is int and field.name not in names:
                names.append(field.name)
        pending.extend(dependant.dependencies)
    found = tuple(names)
    _int_names[id(route)] = (route, found)
    return found

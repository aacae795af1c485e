"""Every endpoint of the app, flattened: for tests generated from the route table (access and
accessibility sweeps), so that a route added later is covered without anyone remembering to."""

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def api_routes(app: FastAPI) -> list[APIRoute]:
    found: list[APIRoute] = []
    _collect(app.router.routes, found)
    return found


def _collect(routes: Any, found: list[APIRoute]) -> None:
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        # FastAPI keeps included routers as a wrapper around the original router; Tavle
        # includes routers without prefixes, so the original routes carry their full paths.
        elif (inner := getattr(route, "original_router", None)) is not None:
            _collect(inner.routes, found)

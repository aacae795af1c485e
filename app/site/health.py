"""Liveness and readiness for load balancers and the container's HEALTHCHECK. Both answer HEAD
too (many load balancers ask with HEAD): the same status, no body."""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import text
from sqlmodel import Session

router = APIRouter(tags=["health"])


def _answer(request: Request, body: str, status_code: int = 200) -> Response:
    if request.method == "HEAD":
        return Response(status_code=status_code, media_type="text/plain")
    return PlainTextResponse(body, status_code=status_code)


@router.api_route("/healthz", methods=["GET", "HEAD"])
def healthz(request: Request) -> Response:
    return _answer(request, "ok")


@router.api_route("/readyz", methods=["GET", "HEAD"])
def readyz(request: Request) -> Response:
    try:
        with Session(request.app.state.engine) as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception:
        return _answer(request, "database unreachable", status_code=503)
    return _answer(request, "ok")

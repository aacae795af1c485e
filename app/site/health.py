"""Liveness and readiness for load balancers and the container's HEALTHCHECK."""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import text
from sqlmodel import Session

router = APIRouter(tags=["health"])


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"


@router.get("/readyz", response_class=PlainTextResponse)
def readyz(request: Request) -> PlainTextResponse:
    try:
        with Session(request.app.state.engine) as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception:
        return PlainTextResponse("database unreachable", status_code=503)
    return PlainTextResponse("ok")

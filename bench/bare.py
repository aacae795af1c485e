"""The ceiling: a bare FastAPI endpoint that returns a fixed short text, served by the same uvicorn."""

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"


@app.get("/", response_class=PlainTextResponse)
async def fixed_text() -> str:
    return "Hello from a bare FastAPI endpoint."

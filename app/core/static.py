"""Static files with long cache lifetimes: their URLs carry a content hash (templating.static_url)."""

from starlette.responses import Response
from starlette.staticfiles import StaticFiles as _StaticFiles
from starlette.types import Scope


class StaticFiles(_StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = (
                "public, max-age=31536000, immutable" if versioned else "public, max-age=300"
            )
        return response

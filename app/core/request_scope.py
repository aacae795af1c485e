"""The request being served, for code far from the route that needs to name it (the audit trail
says which page let someone in). Set by the security middleware; copied into the thread pool
with the rest of the request's context."""

from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

current_scope: ContextVar[MutableMapping[str, Any] | None] = ContextVar("tavle_request_scope", default=None)

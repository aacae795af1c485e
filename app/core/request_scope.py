"""The request being served, for code far from the route that needs to name it (the audit trail
says which page let someone in). Set by the security middleware; copied into the thread pool
with the rest of the request's context."""

import re
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

current_scope: ContextVar[MutableMapping[str, Any] | None] = ContextVar("tavle_request_scope", default=None)

# An open board page names itself (a random id made by board.js) on its stream and on the
# requests it sends, so a change is not sent back to the page that made it: that page has the
# change already, in the answer to its own request.
VIEW_HEADER = b"x-tavle-view"
_VIEW_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def valid_view_name(value: str) -> str:
    """`value` if it can be a view's name, else "" (no name: every change is sent)."""
    return value if _VIEW_NAME.fullmatch(value) else ""


def originating_view() -> str:
    """The name of the open page the current request comes from ("" when it gave none)."""
    scope = current_scope.get()
    if scope is None:
        return ""
    for key, value in scope.get("headers", ()):
        if key == VIEW_HEADER:
            return valid_view_name(value.decode("latin-1"))
    return ""

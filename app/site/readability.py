"""The readability meter's own address: the text a consultant is writing comes here as they type
(htmx, a short pause after the last key) and goes back as the meter, computed by the same code and
template that a page rendered after a plain submit uses (app/core/readability.py). It reads
nothing and keeps nothing: the text is measured and forgotten."""

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.core.refusals import NotVisible
from app.deps import SignedInWebDep

router = APIRouter(tags=["readability"])

# The field's name and the meter's id come from our own templates; anything else is not ours.
_NAME = re.compile(r"[a-z][a-z_]{0,30}")
_METER = re.compile(r"[a-z][a-z0-9-]{0,60}")
TEXT_MAX = 10_000


@router.post("/readability")
async def readability_meter(
    request: Request,
    web: SignedInWebDep,
    field: str = "text",
    meter: str = "text",
    text: Annotated[str, Form()] = "",
) -> Response:
    """`field`: the name of the field whose text is measured (the form's own name for it);
    `meter`: the id the meter has on the page."""
    if not _NAME.fullmatch(field) or not _METER.fullmatch(meter):
        raise NotVisible(0)
    value = (await request.form()).get(field, text)
    written = value[:TEXT_MAX] if isinstance(value, str) else ""
    return web.page("readability_meter.html", text=written, meter_id=meter)

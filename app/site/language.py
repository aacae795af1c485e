"""The language switch: one tap, remembered in a cookie and on the signed-in user."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from app.core.i18n import normalise, set_language_cookie
from app.core.web import safe_next, see_other
from app.deps import OptionalUser, SessionDep, SettingsDep
from app.models import User

router = APIRouter(tags=["language"])


@router.post("/language")
def switch_language(
    session: SessionDep,
    settings: SettingsDep,
    user: OptionalUser,
    locale: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    response = see_other(safe_next(next))
    chosen = normalise(locale)
    if chosen is None:
        return response
    if user is not None:
        # The signed-in user is a shared, read-only copy: change the row itself.
        row = session.get(User, user.id)
        if row is not None:
            row.locale = chosen
            session.add(row)
            session.commit()
    set_language_cookie(response, chosen, settings)
    return response

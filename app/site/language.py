"""The language switch: one tap, remembered in a cookie and on the signed-in user."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from app.core.config import Settings
from app.core.i18n import normalise
from app.core.web import safe_next, see_other
from app.deps import LANG_COOKIE, OptionalUser, SessionDep, SettingsDep
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


def set_language_cookie(response: Response, locale: str, settings: Settings) -> None:
    """Remembers the language in the browser; Secure when cookies are (public URL https)."""
    response.set_cookie(
        LANG_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/", secure=settings.cookies_secure
    )

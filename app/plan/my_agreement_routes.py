"""The "Min aftale" page. It is written in the citizen's language whoever opens it: the
consultant prints it for the citizen at the meeting. The same people as the plan may open it
(the citizen, and their consultant while the citizen consents (a)); never a network member."""

from fastapi import APIRouter
from fastapi.responses import Response

from app.access.rules import visible_citizen
from app.board.agreements import CITIZEN_ACTOR_NAMES
from app.core.i18n import translator
from app.core.rendering import render
from app.deps import CurrentUser, SessionDep, SettingsDep, WebDep
from app.plan.my_agreement import my_agreement
from app.plan.pages import plan_context

router = APIRouter(tags=["citizens"])


@router.get("/citizens/{citizen_id}/my-agreement")
def my_agreement_page(
    citizen_id: int, web: WebDep, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    # The citizen reads it in the language they chose; anyone else gets the citizen's.
    own = user.id == citizen.id
    language = web.translator if own else translator(citizen.locale or settings.default_locale)
    context = web.context(
        page=my_agreement(session=session, citizen=citizen),
        actor_names=CITIZEN_ACTOR_NAMES,
        **plan_context(citizen, user, "overview"),
    )
    return web.html(render("my_agreement.html", context, language))

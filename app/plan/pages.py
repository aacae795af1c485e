"""What every page of the plan shares: whose plan it is, and the answer when a step belongs to
someone else."""

from typing import Any

from fastapi.responses import Response

from app.catalogue.life_areas import LIFE_AREA_NAMES
from app.catalogue.pictograms import pictogram
from app.core.web import Web
from app.models import Challenge, User
from app.plan import suggestions
from app.plan.overview import is_consultant, is_own_plan


def plan_context(citizen: User, user: User, section: str, **extra: Any) -> dict[str, Any]:
    """What every page of the plan needs: whose plan, whether it is the viewer's own, names."""
    return {
        "citizen": citizen,
        "own": is_own_plan(user, citizen),
        "as_consultant": is_consultant(user),
        "section": section,
        "life_area_names": LIFE_AREA_NAMES,
        "pictogram": pictogram,
        **extra,
    }


def refused(web: Web) -> Response:
    """The viewer may see the plan but this step is the citizen's own (or the consultant's)."""
    return web.page(
        "error.html",
        status_code=403,
        heading=web.gettext("Only the citizen can do this"),
        message=web.gettext(
            "These are the citizen's own words and choices. You can write a comment or suggest "
            "a new wording, and the citizen decides."
        ),
    )


def target_url(citizen_id: int, target: suggestions.Target) -> str:
    if isinstance(target, Challenge):
        return f"/citizens/{citizen_id}/challenges/{target.id}"
    return f"/citizens/{citizen_id}/goals/{target.id}"

"""Calendar: a citizen's meetings page with "Add to my calendar" (one meeting as .ics), and each
person's private feed (`/calendar`): its secret address, renewing it, and the feed itself, which
calendar apps fetch without signing in."""

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import clock
from app.access.rules import visible_citizen
from app.calendar import feeds
from app.catalogue import N_
from app.core.config import Settings
from app.core.i18n import translator
from app.core.refusals import NotVisible
from app.core.web import see_other
from app.deps import CurrentUser, SessionDep, SettingsDep, SignedInWebDep, WebDep
from app.models import Meeting, Role
from app.plan.pages import plan_context

router = APIRouter(tags=["calendar"])
FEED_ROLES = (Role.citizen, Role.consultant)
ICS = "text/calendar; charset=utf-8"
SAVED = {
    "new": N_("Your calendar has a new address. The old one no longer works."),
    "stopped": N_("Your calendar address is switched off."),
}


def _base_url(request: Request, settings: Settings) -> str:
    return settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")


def _host(request: Request, settings: Settings) -> str:
    return urlsplit(_base_url(request, settings)).hostname or "tavle"


def _ics(body: bytes, filename: str) -> Response:
    # A feed address is a secret: not kept by shared caches, not sent on as a referrer.
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
        "Referrer-Policy": "no-referrer",
    }
    return Response(body, media_type=ICS, headers=headers)


@router.get("/citizens/{citizen_id}/meetings")
def meetings_page(citizen_id: int, web: WebDep, session: SessionDep, user: CurrentUser) -> Response:
    """The citizen's coming meetings (where a meeting reminder leads)."""
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    coming = feeds.meetings_of(session=session, citizen_ids=[citizen_id], since=clock.now())
    return web.page("meetings.html", **plan_context(citizen, user, "meetings", meetings=coming))


@router.get("/citizens/{citizen_id}/meetings/{meeting_id}.ics")
def meeting_ics(
    citizen_id: int,
    meeting_id: int,
    request: Request,
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> Response:
    """Add to my calendar: one meeting, as a file the phone's calendar opens."""
    visible_citizen(session=session, user=user, citizen_id=citizen_id)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.citizen_id != citizen_id:
        raise NotVisible(citizen_id)
    entry = feeds.Entry(
        uid=f"meeting-{meeting.id}",
        summary=web.gettext(feeds.MEETING_SUMMARY),
        link=f"/citizens/{citizen_id}/meetings",
        at=meeting.at,
    )
    body = feeds.ics(
        entries=[entry],
        t=web.translator,
        base_url=_base_url(request, settings),
        host=_host(request, settings),
    )
    return _ics(body, f"tavle-meeting-{meeting.id}.ics")


def _feed_user(web: SignedInWebDep) -> None:
    if web.user.role not in FEED_ROLES:
        raise NotVisible(None)


@router.get("/calendar")
def calendar_page(web: SignedInWebDep, session: SessionDep, settings: SettingsDep) -> Response:
    _feed_user(web)
    token = feeds.token_of(session=session, secret=web.request.app.state.secret_key, user=web.user)
    saved = web.request.query_params.get("saved", "")
    base = _base_url(web.request, settings)
    return web.page(
        "calendar.html",
        feed_url=f"{base}/calendar/{token}.ics" if token else "",
        saved=web.gettext(SAVED[saved]) if saved in SAVED else "",
    )


@router.post("/calendar/feed")
def renew_feed(web: SignedInWebDep, session: SessionDep) -> Response:
    """A first address, or a new one: the old one is "not found" from now on."""
    _feed_user(web)
    feeds.renew(session=session, secret=web.request.app.state.secret_key, user=web.user)
    return see_other("/calendar?saved=new#feed")


@router.post("/calendar/feed/stop")
def stop_feed(web: SignedInWebDep, session: SessionDep) -> Response:
    _feed_user(web)
    feeds.stop(session=session, user=web.user)
    return see_other("/calendar?saved=stopped#feed")


@router.get("/calendar/{token}.ics")
def feed(token: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The feed itself: no sign-in (calendar apps have none), the secret address is the key."""
    owner = feeds.owner_of(session=session, token=token)
    if owner is None:
        raise NotVisible(None)
    t = translator(owner.locale or settings.default_locale)
    body = feeds.ics(
        entries=feeds.entries(session=session, user=owner, t=t),
        t=t,
        base_url=_base_url(request, settings),
        host=_host(request, settings),
    )
    return _ics(body, "tavle.ics")

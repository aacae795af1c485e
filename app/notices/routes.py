"""My notices (`/notices`): how Tavle may reach a person when they are not looking. A citizen or
network member chooses the channels (all off until chosen), confirms an e-mail address or mobile
number with the code sent to it, turns push on for an installed phone and sets quiet hours.
Staff see their list of notices here and choose the daily e-mail digest."""

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from app.catalogue import N_
from app.core.config import Settings
from app.core.refusals import NotVisible
from app.core.web import SignedInWeb, see_other
from app.deps import SessionDep, SettingsDep, SignedInWebDep
from app.models import Channel, User
from app.notices import listing, preferences
from app.notices.outbox import STAFF
from app.notices.vapid import vapid_keys

router = APIRouter(tags=["notices"])
PAGE = "/notices"
ADDRESS_TYPED_MAX = 200
CODE_TYPED_MAX = 20
TIME_TYPED_MAX = 10
# What the page says after a change, by the `saved` word in its address.
SAVED = {
    "code-email": N_("We sent a code to your e-mail address. Type it below."),
    "code-sms": N_("We sent a code to your mobile. Type it below."),
    "confirmed-email": N_("Your e-mail address is confirmed. Notices can go there now."),
    "confirmed-sms": N_("Your mobile number is confirmed. Notices can go there now."),
    "removed-email": N_("Tavle no longer sends notices to your e-mail address."),
    "removed-sms": N_("Tavle no longer sends notices to your mobile."),
    "push-on": N_("Notices on this phone are on."),
    "push-off": N_("Notices on your phones are off."),
    "quiet": N_("Your quiet hours are saved."),
    "digest": N_("Your choice of the daily e-mail is saved."),
    "read": N_("All notices are marked as read."),
}
ADDRESS_CHANNELS = {"email": Channel.email, "sms": Channel.sms}


def _offered(settings: Settings) -> dict[str, bool]:
    return {
        "push": preferences.push_offered(settings),
        "email": settings.email_enabled,
        "sms": settings.sms_enabled,
    }


def _page(
    web: SignedInWeb,
    session: SessionDep,
    settings: Settings,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    user = web.user
    assert user.id is not None
    saved = web.request.query_params.get("saved", "")
    context: dict[str, Any] = {
        "errors": errors or {},
        "typed": typed or {},
        "saved": web.gettext(SAVED[saved]) if saved in SAVED else "",
    }
    chosen = preferences.choices_of(session=session, user_id=user.id)
    if user.role in STAFF:
        context["listed"] = listing.listed_for(session=session, staff=user)
        context["digest"] = chosen.settings.digest
        context["email_offered"] = settings.email_enabled
        return web.page("notices_staff.html", status_code=status, **context)
    keys = vapid_keys(settings)
    context.update(
        chosen=chosen,
        offered=_offered(settings),
        application_server_key=keys.public if keys else "",
        quiet_from=chosen.settings.quiet_from.strftime("%H:%M"),
        quiet_until=chosen.settings.quiet_until.strftime("%H:%M"),
    )
    return web.page("notices.html", status_code=status, **context)


def _done(saved: str, anchor: str = "") -> Response:
    return see_other(f"{PAGE}?saved={saved}" + (f"#{anchor}" if anchor else ""))


@router.get(PAGE)
def notices_page(web: SignedInWebDep, session: SessionDep, settings: SettingsDep) -> Response:
    return _page(web, session, settings)


def _not_staff(user: User) -> None:
    """Staff get their notices in Tavle's own list only: the channels are not theirs to set."""
    if user.role in STAFF:
        raise NotVisible(None)


def _address_channel(name: str, settings: Settings) -> Channel:
    """The channel named in the address, if this server offers it; else the page is not there."""
    channel = ADDRESS_CHANNELS.get(name)
    if channel is None or not _offered(settings)[name]:
        raise NotVisible(None)
    return channel


# Before the address channels' routes: "/notices/push/remove" is not a channel named "push".
@router.post(PAGE + "/push")
def push_on(
    web: SignedInWebDep,
    session: SessionDep,
    settings: SettingsDep,
    endpoint: Annotated[str, Form()] = "",
    p256dh: Annotated[str, Form()] = "",
    auth: Annotated[str, Form()] = "",
) -> Response:
    """The installed app's subscription (app/static/notices.js fills the form in)."""
    _not_staff(web.user)
    if not preferences.push_offered(settings):
        raise NotVisible(None)
    if not preferences.subscribe(
        session=session, settings=settings, user=web.user, endpoint=endpoint, p256dh=p256dh, auth=auth
    ):
        message = web.gettext("This phone could not turn notices on. Try again, or choose e-mail or SMS.")
        return _page(web, session, settings, errors={"push": message}, status=400)
    return _done("push-on", "push")


@router.post(PAGE + "/push/remove")
def push_off(web: SignedInWebDep, session: SessionDep) -> Response:
    _not_staff(web.user)
    preferences.unsubscribe(session=session, user=web.user)
    return _done("push-off", "push")


@router.post(PAGE + "/{name}/address")
def start_address(
    name: str,
    web: SignedInWebDep,
    session: SessionDep,
    settings: SettingsDep,
    address: Annotated[str, Form()] = "",
) -> Response:
    """Sends a code to the address typed; nothing else goes there until the code comes back."""
    _not_staff(web.user)
    channel = _address_channel(name, settings)
    typed = address[:ADDRESS_TYPED_MAX]
    error = preferences.start_address(
        session=session, settings=settings, user=web.user, channel=channel, raw=typed, t=web.translator
    )
    if error:
        return _page(web, session, settings, errors={name: error}, typed={name: typed}, status=400)
    return _done(f"code-{name}", name)


@router.post(PAGE + "/{name}/code")
def confirm_address(
    name: str,
    web: SignedInWebDep,
    session: SessionDep,
    settings: SettingsDep,
    code: Annotated[str, Form()] = "",
) -> Response:
    _not_staff(web.user)
    channel = _address_channel(name, settings)
    typed = code[:CODE_TYPED_MAX]
    error = preferences.confirm_address(
        session=session, user=web.user, channel=channel, code=typed, t=web.translator
    )
    if error:
        field = f"{name}_code"
        return _page(web, session, settings, errors={field: error}, typed={field: typed}, status=400)
    return _done(f"confirmed-{name}", name)


@router.post(PAGE + "/{name}/remove")
def remove_address(name: str, web: SignedInWebDep, session: SessionDep, settings: SettingsDep) -> Response:
    _not_staff(web.user)
    channel = _address_channel(name, settings)
    preferences.remove_address(session=session, user=web.user, channel=channel)
    return _done(f"removed-{name}", name)


@router.post(PAGE + "/quiet")
def quiet_hours(
    web: SignedInWebDep,
    session: SessionDep,
    settings: SettingsDep,
    quiet: Annotated[str, Form()] = "",
    quiet_from: Annotated[str, Form()] = "",
    quiet_until: Annotated[str, Form()] = "",
) -> Response:
    _not_staff(web.user)
    typed = {
        "quiet": quiet,
        "quiet_from": quiet_from[:TIME_TYPED_MAX],
        "quiet_until": quiet_until[:TIME_TYPED_MAX],
    }
    errors = preferences.set_quiet(
        session=session,
        user=web.user,
        quiet=quiet == "yes",
        start=typed["quiet_from"],
        end=typed["quiet_until"],
        t=web.translator,
    )
    if errors:
        return _page(web, session, settings, errors=errors, typed=typed, status=400)
    return _done("quiet", "quiet")


def _staff(user: User) -> None:
    if user.role not in STAFF:
        raise NotVisible(None)


@router.post(PAGE + "/digest")
def digest(web: SignedInWebDep, session: SessionDep, on: Annotated[str, Form()] = "") -> Response:
    _staff(web.user)
    preferences.set_digest(session=session, user=web.user, on=on == "yes")
    return _done("digest", "digest")


@router.post(PAGE + "/read")
def mark_read(web: SignedInWebDep, session: SessionDep) -> Response:
    _staff(web.user)
    listing.mark_all_read(session=session, staff=web.user)
    return _done("read")

"""Invitations: a consultant invites a citizen (new or from the caseload), and the person who
opens the link chooses a PIN or a passkey. Refused links get a clear page. Unknown links count
against the client's address (the per-address limit), and only unknown ones: a real invitation
keeps working from an address that has tried junk. Wrong answers for a real invitation (a
passkey that fails) count against that invitation alone."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from app.access.rules import can_see_citizen, visible_in_caseload
from app.core.i18n import SUPPORTED, normalise, translator
from app.core.qr import qr_svg
from app.core.web import Web, see_other
from app.deps import LANG_COOKIE, ConsultantUser, SessionDep, SettingsDep, WebDep, require_role
from app.identity import passkeys
from app.identity import throttle as signin_throttle
from app.identity.signing_in import as_json, landing, locked_message, signed_in
from app.models import Invitation, InvitationKind, Role, User
from app.network import invitations
from app.network.invitations import InvitationRefused, Refusal

router = APIRouter(tags=["invitations"])

LANGUAGE_CHOICES = SUPPORTED


def invite_url(request: Request, settings: SettingsDep, token: str) -> str:
    base = settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return f"{base}/invite/{token}"


def shown_context(web: Web, session: SessionDep, settings: SettingsDep, key: str | None) -> dict[str, Any]:
    """The once-shown link, QR code and personal code, when `key` points at one for this viewer."""
    assert web.user is not None
    shown = invitations.shown(session=session, key=key, viewer=web.user)
    if shown is None:
        return {"shown": None}
    url = invite_url(web.request, settings, shown.token)
    return {
        "shown": shown,
        "shown_url": url,
        "shown_qr": qr_svg(url, title=web.gettext("QR code with the invitation link")),
    }


@router.get("/citizens/{citizen_id}/invitation")
def invitation_page(
    citizen_id: int,
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    user: ConsultantUser,
    shown: str | None = None,
) -> Response:
    citizen = visible_in_caseload(session=session, user=user, citizen_id=citizen_id)
    context = shown_context(web, session, settings, shown)
    if context["shown"] is not None and context["shown"].invited_user_id != citizen.id:
        context = {"shown": None}
    assert citizen.id is not None
    return web.page(
        "invitation.html",
        citizen=citizen,
        latest=invitations.latest(session=session, invited_user_id=citizen.id),
        status=invitations.status_of(invitations.latest(session=session, invited_user_id=citizen.id)),
        has_pin=citizen.pin_hash is not None,
        # Without consent (a) there is no plan to go back to: the caseload instead.
        plan_shared=can_see_citizen(session=session, user=user, citizen_id=citizen.id),
        **context,
    )


@router.post("/citizens/{citizen_id}/invitation")
def new_invitation(citizen_id: int, session: SessionDep, user: ConsultantUser) -> Response:
    citizen = visible_in_caseload(session=session, user=user, citizen_id=citizen_id)
    assert citizen.id is not None
    issued = invitations.issue(
        session=session,
        kind=InvitationKind.citizen,
        citizen_id=citizen.id,
        invited=citizen,
        created_by=user,
    )
    key = invitations.remember_for_display(session=session, issued=issued, viewer=user)
    return see_other(f"/citizens/{citizen.id}/invitation?shown={key}")


@router.get("/caseload/citizens/new", dependencies=[require_role(Role.consultant)])
def new_citizen_form(web: WebDep) -> Response:
    return web.page(
        "invitation_new_citizen.html",
        errors={},
        values={"name": "", "locale": "da"},
        languages=LANGUAGE_CHOICES,
    )


@router.post("/caseload/citizens/new")
def new_citizen(
    web: WebDep,
    session: SessionDep,
    user: ConsultantUser,
    name: Annotated[str, Form()] = "",
    locale: Annotated[str, Form()] = "da",
) -> Response:
    try:
        issued = invitations.create_citizen(session=session, consultant=user, name=name, locale=locale)
    except invitations.FormError as invalid:
        return web.page(
            "invitation_new_citizen.html",
            status_code=400,
            errors={field: web.gettext(message) for field, message in invalid.errors.items()},
            values={"name": name[:200], "locale": locale if locale in SUPPORTED else "da"},
            languages=LANGUAGE_CHOICES,
        )
    key = invitations.remember_for_display(session=session, issued=issued, viewer=user)
    return see_other(f"/citizens/{issued.invitation.invited_user_id}/invitation?shown={key}")


# --- The invited person's side -------------------------------------------------------------


def _open(web: Web, session: SessionDep, settings: SettingsDep, token: str) -> Invitation:
    """The invitation behind the link. An unknown link counts against the client's address;
    an invitation paused by wrong answers for it is refused. Raises LoginLocked or
    InvitationRefused. (Finding the link is one digest lookup: there is nothing costly to
    spare a real invitation from, and a 256-bit token is not guessed.)"""
    try:
        invitation = invitations.find(session=session, token=token[:200])
    except InvitationRefused as refused:
        if refused.reason == Refusal.unknown:
            signin_throttle.from_address(
                session=session, settings=settings, request=web.request, what="invite"
            )
        raise
    signin_throttle.check(session=session, key=_answers_key(invitation))
    return invitation


def _answers_key(invitation: Invitation) -> str:
    """The count of wrong answers given for this invitation."""
    return f"invite:{invitation.id}"


def _wrong_answer(
    web: Web, session: SessionDep, settings: SettingsDep, invitation: Invitation, message: str, status: int
) -> JSONResponse:
    """Counts a wrong answer for this invitation: `message`, or the pause it has led to."""
    try:
        signin_throttle.failed(session=session, settings=settings, key=_answers_key(invitation))
    except signin_throttle.LoginLocked as locked:
        return JSONResponse({"error": locked_message(web, locked)}, status_code=429)
    return JSONResponse({"error": message}, status_code=status)


def _speaking_their_language(web: Web, person: User | None) -> Web:
    """The page speaks the invited person's language unless this browser has chosen one."""
    if person is None or not person.locale or normalise(web.request.cookies.get(LANG_COOKIE)):
        return web
    return Web(
        request=web.request,
        translator=translator(person.locale),
        user=web.user,
        csrf_token=web.csrf_token,
        extra=web.extra,
    )


def _refused_page(web: Web, session: SessionDep, token: str, exc: Exception) -> Response:
    if isinstance(exc, signin_throttle.LoginLocked):
        return web.page(
            "invite_refused.html", status_code=429, reason="locked", message=locked_message(web, exc)
        )
    assert isinstance(exc, InvitationRefused)
    person = None
    if exc.reason != Refusal.unknown:
        # Expired or used: the person is known, so answer in their language.
        found = invitations.find_any(session=session, token=token[:200])
        person = session.get(User, found.invited_user_id) if found else None
    web = _speaking_their_language(web, person)
    status = 404 if exc.reason == Refusal.unknown else 410
    return web.page("invite_refused.html", status_code=status, reason=exc.reason.value, message="")


def _invite_page(
    web: Web,
    session: SessionDep,
    invitation: Invitation,
    token: str,
    *,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    person = invitations.invited_user(session=session, invitation=invitation)
    inviter = session.get(User, invitation.created_by_id) if invitation.created_by_id else None
    web = _speaking_their_language(web, person)
    return web.page(
        "invite.html",
        status_code=status,
        person=person,
        inviter=inviter,
        invitation=invitation,
        token=token,
        errors={field: web.gettext(message) for field, message in errors.items()},
    )


@router.get("/invite/{token}")
def open_invitation(token: str, web: WebDep, session: SessionDep, settings: SettingsDep) -> Response:
    try:
        invitation = _open(web, session, settings, token)
    except (InvitationRefused, signin_throttle.LoginLocked) as exc:
        return _refused_page(web, session, token, exc)
    return _invite_page(web, session, invitation, token, errors={})


@router.post("/invite/{token}")
def choose_pin(
    token: str,
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    pin: Annotated[str, Form()] = "",
    pin_again: Annotated[str, Form()] = "",
) -> Response:
    try:
        invitation = _open(web, session, settings, token)
    except (InvitationRefused, signin_throttle.LoginLocked) as exc:
        return _refused_page(web, session, token, exc)
    try:
        person = invitations.choose_pin(
            session=session, invitation=invitation, pin=pin.strip(), pin_again=pin_again.strip()
        )
    except invitations.FormError as invalid:
        return _invite_page(web, session, invitation, token, errors=invalid.errors, status=400)
    return signed_in(web, session, settings, person, landing(person), way="pin")


@router.post("/invite/{token}/passkey/options")
def passkey_options(token: str, web: WebDep, session: SessionDep, settings: SettingsDep) -> Response:
    try:
        invitation = _open(web, session, settings, token)
    except (InvitationRefused, signin_throttle.LoginLocked):
        return JSONResponse({"error": web.gettext("This invitation link cannot be used.")}, status_code=404)
    person = invitations.invited_user(session=session, invitation=invitation)
    rp = passkeys.relying_party(settings=settings, request=web.request)
    options, challenge = passkeys.registration_options(
        session=session, rp=rp, user=person, extra={"invitation_id": invitation.id}
    )
    response = Response(options, media_type="application/json")
    passkeys.set_challenge_cookie(response, token=challenge, settings=settings)
    return response


@router.post("/invite/{token}/passkey")
def passkey_finish(
    token: str,
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    credential: Annotated[str, Form()] = "",
) -> Response:
    try:
        invitation = _open(web, session, settings, token)
    except (InvitationRefused, signin_throttle.LoginLocked):
        return JSONResponse({"error": web.gettext("This invitation link cannot be used.")}, status_code=404)
    rp = passkeys.relying_party(settings=settings, request=web.request)
    try:
        _item, data = passkeys.register(
            session=session,
            rp=rp,
            token=web.request.cookies.get(passkeys.CHALLENGE_COOKIE),
            credential=credential,
            user_id=invitation.invited_user_id,
        )
    except passkeys.PasskeyFailed:
        message = web.gettext("The passkey could not be saved. Try again, or choose a PIN.")
        return _wrong_answer(web, session, settings, invitation, message, 400)
    if data.get("invitation_id") != invitation.id:
        message = web.gettext("This invitation link cannot be used.")
        return _wrong_answer(web, session, settings, invitation, message, 404)
    person = invitations.complete(session=session, invitation=invitation)
    return as_json(signed_in(web, session, settings, person, landing(person), way="passkey"))

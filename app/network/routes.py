"""The citizen's network page (invite, re-invite, remove) and a network member's start page."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from app.access.consent import is_given, states
from app.access.rules import NotVisible
from app.core.web import Web, see_other
from app.deps import CitizenSelf, SessionDep, SettingsDep, WebDep, require_role
from app.models import ConsentScope, Role, User
from app.network import invitations
from app.network import service as network
from app.network.invitation_routes import shown_context

router = APIRouter(tags=["network"])
MemberUser = Annotated[User, require_role(Role.network)]


def _page(
    web: Web,
    session: SessionDep,
    settings: SettingsDep,
    citizen: User,
    *,
    shown: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    assert citizen.id is not None
    return web.page(
        "network.html",
        status_code=status,
        citizen=citizen,
        members=network.network_members(session=session, citizen_id=citizen.id),
        network_shared=is_given(session=session, citizen_id=citizen.id, scope=ConsentScope.network),
        errors={field: web.gettext(message) for field, message in (errors or {}).items()},
        values=values or {"name": "", "relation": ""},
        **shown_context(web, session, settings, shown),
    )


@router.get("/citizens/{citizen_id}/network")
def network_page(
    web: WebDep, session: SessionDep, settings: SettingsDep, citizen: CitizenSelf, shown: str | None = None
) -> Response:
    return _page(web, session, settings, citizen, shown=shown)


@router.post("/citizens/{citizen_id}/network")
def invite_member(
    web: WebDep,
    session: SessionDep,
    settings: SettingsDep,
    citizen: CitizenSelf,
    name: Annotated[str, Form()] = "",
    relation: Annotated[str, Form()] = "",
) -> Response:
    try:
        issued = network.invite_member(session=session, citizen=citizen, name=name, relation=relation)
    except invitations.FormError as invalid:
        values = {"name": name[:200], "relation": relation[:200]}
        return _page(web, session, settings, citizen, errors=invalid.errors, values=values, status=400)
    key = invitations.remember_for_display(session=session, issued=issued, viewer=citizen)
    return see_other(f"/citizens/{citizen.id}/network?shown={key}#invitation")


@router.post("/citizens/{citizen_id}/network/{member_id}/invitation")
def reinvite_member(member_id: int, session: SessionDep, citizen: CitizenSelf) -> Response:
    issued = network.reinvite_member(session=session, citizen=citizen, member_id=member_id)
    if issued is None:
        raise NotVisible(member_id)
    key = invitations.remember_for_display(session=session, issued=issued, viewer=citizen)
    return see_other(f"/citizens/{citizen.id}/network?shown={key}#invitation")


@router.post("/citizens/{citizen_id}/network/{member_id}/remove")
def remove_member(member_id: int, session: SessionDep, citizen: CitizenSelf) -> Response:
    assert citizen.id is not None
    if not network.remove_member(session=session, citizen_id=citizen.id, member_id=member_id):
        raise NotVisible(member_id)
    return see_other(f"/citizens/{citizen.id}/network")


@router.get("/network")
def member_home(web: WebDep, session: SessionDep, user: MemberUser) -> Response:
    citizens = network.citizens_of(session=session, member=user)
    consents = states(session=session, citizen_ids=[c.id for c, _relation in citizens if c.id is not None])
    shared = {cid: state.network_shared for cid, state in consents.items()}
    return web.page("network_home.html", citizens=citizens, shared=shared)

"""Administration of accounts. An admin sees names and roles, never anyone's plan: who works
with whom, closing and opening staff accounts, moving a caseload, and erasure."""

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from app.access.rules import NotVisible
from app.admin import accounts
from app.core.numbers import whole
from app.core.web import Web, see_other
from app.deps import AdminUser, SessionDep, WebDep, require_role
from app.models import Role, User
from app.privacy import erasure
from app.privacy import service as privacy

# Every page here is for admins only; the routes that act on their own name ask for AdminUser too.
router = APIRouter(tags=["admin"], dependencies=[require_role(Role.admin)])


def _page(web: Web, session: SessionDep, status_code: int = 200, **context: Any) -> Response:
    users = accounts.all_users(session=session)
    context.setdefault("errors", {})
    context.setdefault("values", {"name": "", "email": "", "role": "consultant"})
    return web.page(
        "admin.html",
        status_code=status_code,
        page_url="/admin",
        users=users,
        consultants=[u for u in users if u.role == Role.consultant],
        citizens=[u for u in users if u.role == Role.citizen],
        consultants_of=accounts.consultants_by_citizen(session=session),
        staff_roles=[r.value for r in accounts.STAFF_ROLES],
        erasure_queue=erasure.queue(session=session),
        **context,
    )


def _errors(web: Web, error: accounts.AccountError) -> dict[str, str]:
    return {key: web.gettext(message) for key, message in error.errors.items()}


@router.get("/admin")
def admin_page(web: WebDep, session: SessionDep) -> Response:
    return _page(web, session)


@router.post("/admin/staff")
def create_staff(
    web: WebDep,
    session: SessionDep,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        accounts.create_staff(
            session=session,
            data=accounts.StaffInput(name=name, email=email, role=role, password=password),
        )
    except accounts.AccountError as error:
        return _page(
            web, session, 400, errors=_errors(web, error), values={"name": name, "email": email, "role": role}
        )
    return see_other("/admin")


@router.post("/admin/staff/{user_id}/close")
def close_account(user_id: int, web: WebDep, session: SessionDep, admin: AdminUser) -> Response:
    return _set_active(web, session, admin, user_id, active=False)


@router.post("/admin/staff/{user_id}/open")
def open_account(user_id: int, web: WebDep, session: SessionDep, admin: AdminUser) -> Response:
    return _set_active(web, session, admin, user_id, active=True)


def _set_active(web: Web, session: SessionDep, admin: User, user_id: int, *, active: bool) -> Response:
    target = session.get(User, user_id)
    if target is None or target.role not in accounts.STAFF_ROLES:
        # Only staff accounts are closed here: any other id names no such page.
        raise NotVisible(user_id)
    try:
        accounts.set_active(session=session, user_id=user_id, active=active, by=admin)
    except accounts.AccountError as error:
        return _page(web, session, 400, account_errors=_errors(web, error))
    return see_other(f"/admin?done={'opened' if active else 'closed'}#person-{user_id}")


@router.post("/admin/caseload")
def assign_citizen(
    web: WebDep,
    session: SessionDep,
    admin: AdminUser,
    consultant_id: Annotated[str, Form()] = "",
    citizen_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        accounts.assign(
            session=session, consultant_id=_int(consultant_id), citizen_id=_int(citizen_id), by=admin
        )
    except accounts.AccountError as error:
        return _page(web, session, 400, assign_errors=_errors(web, error))
    return see_other("/admin")


@router.post("/admin/caseload/remove")
def remove_from_caseload(
    web: WebDep,
    session: SessionDep,
    admin: AdminUser,
    consultant_id: Annotated[str, Form()] = "",
    citizen_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        accounts.unassign(
            session=session, consultant_id=_int(consultant_id), citizen_id=_int(citizen_id), by=admin
        )
    except accounts.AccountError as error:
        return _page(web, session, 400, account_errors=_errors(web, error))
    return see_other(f"/admin?done=removed#person-{_int(citizen_id)}")


@router.post("/admin/caseload/transfer")
def transfer_caseload(
    web: WebDep,
    session: SessionDep,
    admin: AdminUser,
    from_id: Annotated[str, Form()] = "",
    to_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        moved = accounts.transfer(session=session, from_id=_int(from_id), to_id=_int(to_id), by=admin)
    except accounts.AccountError as error:
        return _page(
            web,
            session,
            400,
            transfer_errors=_errors(web, error),
            transfer_values={"from": _int(from_id), "to": _int(to_id)},
        )
    return see_other(f"/admin?moved={moved}#transfer")


@router.post("/admin/erasure/{request_id}/refuse")
def refuse_erasure(
    request_id: int,
    web: WebDep,
    session: SessionDep,
    admin: AdminUser,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """The request is refused with a reason the citizen reads on their privacy page."""
    waiting = erasure.waiting_request(session=session, request_id=request_id)
    if waiting is None:
        raise NotVisible(request_id)
    try:
        erasure.refuse(session=session, waiting=waiting, by=admin, reason=reason)
    except erasure.ErasureError as error:
        messages = {key: web.gettext(message) for key, message in error.errors.items()}
        return _page(
            web,
            session,
            400,
            refuse_errors={request_id: messages["reason"]},
            refuse_values={request_id: reason[:2000]},
        )
    return see_other("/admin?done=refused#erasure-queue")


@router.get("/admin/citizens/{citizen_id}/erase")
def confirm_erase(citizen_id: int, web: WebDep, session: SessionDep) -> Response:
    citizen = _citizen(session, citizen_id)
    return web.page("admin_erase.html", citizen=citizen, error="")


@router.post("/admin/citizens/{citizen_id}/erase")
def erase(
    citizen_id: int,
    web: WebDep,
    session: SessionDep,
    admin: AdminUser,
    confirm_name: Annotated[str, Form()] = "",
) -> Response:
    citizen = _citizen(session, citizen_id)
    if confirm_name.strip() != citizen.name:
        return web.page(
            "admin_erase.html",
            status_code=400,
            citizen=citizen,
            error=web.gettext("Type the citizen's full name exactly to confirm."),
        )
    privacy.erase_citizen(session=session, citizen=citizen, by=admin)
    return see_other("/admin?erased=1")


def _citizen(session: SessionDep, citizen_id: int) -> User:
    citizen = session.get(User, citizen_id)
    if citizen is None or citizen.role != Role.citizen:
        raise NotVisible(citizen_id)
    return citizen


def _int(value: str) -> int:
    return whole(value) or 0

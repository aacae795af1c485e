"""Administration of accounts. An admin sees names and roles, never anyone's plan."""

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from app.access.rules import NotVisible
from app.admin import accounts
from app.core.web import Web, see_other
from app.deps import AdminUser, SessionDep, WebDep, require_role
from app.models import Role, User
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
        users=users,
        consultants=[u for u in users if u.role == Role.consultant],
        citizens=[u for u in users if u.role == Role.citizen],
        **context,
    )


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
        translated = {key: web.gettext(message) for key, message in error.errors.items()}
        return _page(
            web, session, 400, errors=translated, values={"name": name, "email": email, "role": role}
        )
    return see_other("/admin")


@router.post("/admin/caseload")
def assign_citizen(
    web: WebDep,
    session: SessionDep,
    consultant_id: Annotated[str, Form()] = "",
    citizen_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        accounts.assign(session=session, consultant_id=_int(consultant_id), citizen_id=_int(citizen_id))
    except accounts.AccountError as error:
        translated = {key: web.gettext(message) for key, message in error.errors.items()}
        return _page(web, session, 400, assign_errors=translated)
    return see_other("/admin")


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
    return int(value) if value.strip().isdigit() else 0

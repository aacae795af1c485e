"""The start page: each role lands where its work is."""

from fastapi import APIRouter
from fastapi.responses import Response

from app.core.web import see_other
from app.deps import OptionalUser, SessionDep
from app.identity.signing_in import first_stop
from app.models import Role

router = APIRouter(tags=["home"])


@router.get("/")
def start(user: OptionalUser, session: SessionDep) -> Response:
    if user is None:
        return see_other("/login")
    if user.role == Role.consultant:
        return see_other("/caseload")
    if user.role == Role.citizen:
        return see_other(first_stop(session, user, f"/citizens/{user.id}"))
    if user.role == Role.admin:
        return see_other("/admin")
    if user.role == Role.manager:
        return see_other("/outcomes")
    if user.role == Role.network:
        return see_other("/network")
    return see_other("/login")

"""The citizen's privacy page: the two consents, who has access to the plan and who has looked
at it, download all data, asking to be erased, and signing out everywhere. And the two consent
questions on their own page, asked at the first sign-in."""

import json
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from app.access import audit, consent
from app.access.rules import NotVisible
from app.core.web import Web, safe_next, see_other
from app.deps import SESSION_COOKIE, CitizenSelf, CurrentUser, SessionDep, SettingsDep, WebDep
from app.identity.sessions import end_all_sessions
from app.models import ConsentScope
from app.models.base import utcnow
from app.privacy import erasure, readable
from app.privacy import service as privacy

router = APIRouter(tags=["privacy"])
ANSWERS = {"yes": True, "no": False}


@router.get("/citizens/{citizen_id}/privacy")
def privacy_page(web: WebDep, session: SessionDep, settings: SettingsDep, citizen: CitizenSelf) -> Response:
    assert citizen.id is not None
    closed = citizen.case_closed_at
    return web.page(
        "privacy.html",
        erasure=erasure.latest(session=session, citizen_id=citizen.id),
        erase_on=erasure.erase_on(closed, settings.retention_months) if closed else None,
        consent_state=consent.state(session=session, citizen_id=citizen.id),
        scopes=consent.SCOPES,
        wording=consent.WORDING,
        about=consent.ABOUT,
        access=privacy.who_has_access(session=session, citizen_id=citizen.id),
        entries=audit.entries_for(session=session, citizen_id=citizen.id),
    )


def _questions(
    web: Web,
    *,
    values: dict[str, str],
    next: str,
    first: bool,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return web.page(
        "consent.html",
        status_code=status,
        scopes=consent.SCOPES,
        wording=consent.WORDING,
        about=consent.ABOUT,
        values=values,
        errors=errors or {},
        next=next,
        first=first,
    )


@router.get("/citizens/{citizen_id}/consent")
def consent_questions(web: WebDep, session: SessionDep, citizen: CitizenSelf, next: str = "") -> Response:
    """The two questions: at the first sign-in, and whenever the citizen wants them again."""
    assert citizen.id is not None
    now = consent.state(session=session, citizen_id=citizen.id)
    values = {
        scope.value: ("yes" if now.given(scope) else "no") if now.latest(scope) else ""
        for scope in consent.SCOPES
    }
    return _questions(
        web, values=values, next=safe_next(next, f"/citizens/{citizen.id}"), first=not now.answered
    )


@router.post("/citizens/{citizen_id}/consent")
def answer_consent(
    web: WebDep,
    session: SessionDep,
    citizen: CitizenSelf,
    consultant: Annotated[str, Form()] = "",
    network: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    assert citizen.id is not None
    answers = {ConsentScope.consultant.value: consultant, ConsentScope.network.value: network}
    errors = {
        scope: web.gettext("Choose yes or no.") for scope, answer in answers.items() if answer not in ANSWERS
    }
    back = safe_next(next, f"/citizens/{citizen.id}")
    if errors:
        now = consent.state(session=session, citizen_id=citizen.id)
        values = {scope: answer if answer in ANSWERS else "" for scope, answer in answers.items()}
        return _questions(web, values=values, next=back, first=not now.answered, errors=errors, status=400)
    consent.choose(
        session=session,
        citizen=citizen,
        choices={ConsentScope(scope): ANSWERS[answer] for scope, answer in answers.items()},
    )
    return see_other(back)


@router.post("/citizens/{citizen_id}/consent/{scope}")
def change_consent(
    scope: str, session: SessionDep, citizen: CitizenSelf, given: Annotated[str, Form()] = ""
) -> Response:
    """One consent changed on the privacy page: given again, or withdrawn."""
    assert citizen.id is not None
    if scope not in {s.value for s in consent.SCOPES}:
        raise NotVisible(citizen.id)
    if given in ANSWERS:
        consent.choose(session=session, citizen=citizen, choices={ConsentScope(scope): ANSWERS[given]})
    return see_other(f"/citizens/{citizen.id}/privacy#consent-{scope}")


@router.post("/citizens/{citizen_id}/erasure")
def ask_for_erasure(session: SessionDep, citizen: CitizenSelf) -> Response:
    """The citizen asks to be erased: into the administrators' queue, with today's date."""
    erasure.ask(session=session, citizen=citizen)
    return see_other(f"/citizens/{citizen.id}/privacy#erasure")


@router.get("/citizens/{citizen_id}/export.json")
def export_json(session: SessionDep, citizen: CitizenSelf) -> Response:
    data = privacy.export_citizen(session=session, citizen=citizen)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="tavle-mine-data.json"'},
    )


@router.get("/citizens/{citizen_id}/export")
def export_page(web: WebDep, session: SessionDep, citizen: CitizenSelf) -> Response:
    """All my data to read or print, in the viewer's language (the JSON file is the full,
    machine-readable copy)."""
    return web.page(
        "export.html",
        copy=readable.readable_copy(session=session, citizen=citizen, now=utcnow()),
        names=readable.NAMES,
        wording=consent.WORDING,
    )


@router.post("/sessions/end-all")
def sign_out_everywhere(session: SessionDep, user: CurrentUser) -> Response:
    assert user.id is not None
    end_all_sessions(session=session, user_id=user.id)
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

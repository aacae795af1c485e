"""The citizen's privacy page: consent, who has looked at the plan, download all data,
and signing out everywhere."""

import json

from fastapi import APIRouter
from fastapi.responses import Response

from app.access import audit, consent
from app.core.i18n import translator
from app.core.web import see_other
from app.deps import SESSION_COOKIE, CitizenSelf, CurrentUser, SessionDep, WebDep
from app.identity.sessions import end_all_sessions
from app.privacy import service as privacy

router = APIRouter(tags=["privacy"])


@router.get("/citizens/{citizen_id}/privacy")
def privacy_page(web: WebDep, session: SessionDep, citizen: CitizenSelf) -> Response:
    assert citizen.id is not None
    return web.page(
        "privacy.html",
        consent=consent.current(session=session, citizen_id=citizen.id),
        consent_given=consent.is_given(session=session, citizen_id=citizen.id),
        consent_texts=[(code, translator(code).gettext(consent.CONSENT_TEXT)) for code in ("da", "en")],
        entries=audit.entries_for(session=session, citizen_id=citizen.id),
    )


@router.post("/citizens/{citizen_id}/consent")
def give_consent(session: SessionDep, citizen: CitizenSelf) -> Response:
    assert citizen.id is not None
    consent.give(session=session, citizen_id=citizen.id)
    return see_other(f"/citizens/{citizen.id}/privacy#consent")


@router.post("/citizens/{citizen_id}/consent/withdraw")
def withdraw_consent(session: SessionDep, citizen: CitizenSelf) -> Response:
    assert citizen.id is not None
    consent.withdraw(session=session, citizen_id=citizen.id)
    return see_other(f"/citizens/{citizen.id}/privacy#consent")


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
    return web.page("export.html", data=privacy.export_citizen(session=session, citizen=citizen))


@router.post("/sessions/end-all")
def sign_out_everywhere(session: SessionDep, user: CurrentUser) -> Response:
    assert user.id is not None
    end_all_sessions(session=session, user_id=user.id)
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

"""Erasure on request: the citizen asks on the privacy page, the request waits in the
administrators' queue with its date, and comes back refused (with a reason the citizen reads)
or carried out. And the consultant closing a case, which starts the retention period."""

from sqlmodel import Session, select

from app.models import AuditEntry, ErasureRequest, ErasureStatus, Role, User
from app.models.base import utcnow
from tests import factories
from tests.conftest import Client


def test_the_request_goes_to_the_admin_and_the_refusal_comes_back(client: Client, db: Session) -> None:
    anna = factories.citizen(db, factories.consultant(db), name="Anna Jensen", code="ANNA")
    admin = factories.staff(db, Role.admin, "admin@example.dk", name="Adam Holm")
    client.sign_in_citizen("ANNA")
    assert client.post_form(f"/citizens/{anna.id}/erasure").status_code == 303
    assert client.post_form(f"/citizens/{anna.id}/erasure").status_code == 303
    assert len(db.exec(select(ErasureRequest)).all()) == 1
    privacy = client.get(f"/citizens/{anna.id}/privacy").text
    assert "Du bad om det" in privacy and "Du bad om at få slettet alle dine data." in privacy
    assert 'id="erasure-ask"' not in privacy

    client.post_form("/logout")
    client.sign_in_staff("admin@example.dk")
    request = db.exec(select(ErasureRequest)).one()
    queue = client.get("/admin").text
    assert f'id="erasure-{request.id}"' in queue and "Bedt om" in queue
    empty = client.post_form(f"/admin/erasure/{request.id}/refuse", {"reason": "   "})
    assert empty.status_code == 400 and "Skriv hvorfor, så borgeren kan læse det." in empty.text
    reason = "Vi skal gemme sagen i to år mere efter loven. Spørg Mette, hvis du vil vide mere."
    refused = client.post_form(f"/admin/erasure/{request.id}/refuse", {"reason": reason})
    assert refused.status_code == 303
    assert f'id="erasure-{request.id}"' not in client.get("/admin").text
    assert client.post_form(f"/admin/erasure/{request.id}/refuse", {"reason": "igen"}).status_code == 404
    db.expire_all()
    decided = db.get(ErasureRequest, request.id)
    assert (
        decided is not None and decided.status == ErasureStatus.refused and decided.decided_by_id == admin.id
    )

    client.post_form("/logout")
    client.sign_in_citizen("ANNA")
    privacy = client.get(f"/citizens/{anna.id}/privacy").text
    assert "blev afvist" in privacy and reason in privacy
    assert "Din anmodning om at slette dine data blev afvist." in privacy
    # Asked again, and this time carried out.
    assert client.post_form(f"/citizens/{anna.id}/erasure").status_code == 303
    client.post_form("/logout")
    client.sign_in_staff("admin@example.dk")
    again = db.exec(select(ErasureRequest).where(ErasureRequest.status == ErasureStatus.waiting)).one()
    assert (
        f'href="/admin/citizens/{anna.id}/erase" id="erasure-{again.id}-erase"' in client.get("/admin").text
    )
    anna_id = anna.id
    done = client.post_form(f"/admin/citizens/{anna_id}/erase", {"confirm_name": "Anna Jensen"})
    assert done.status_code == 303
    db.expunge_all()
    assert db.get(User, anna_id) is None
    assert db.exec(select(ErasureRequest)).all() == []
    assert "Ingen borgere har bedt om at blive slettet." in client.get("/admin").text


def test_only_the_citizen_asks_and_only_an_admin_answers(client: Client, db: Session) -> None:
    mette = factories.consultant(db, email="mette@example.dk")
    anna = factories.citizen(db, mette, code="ANNA")
    db.add(ErasureRequest(citizen_id=anna.id or 0))
    db.commit()
    request = db.exec(select(ErasureRequest)).one()
    client.sign_in_staff("mette@example.dk")
    assert client.post_form(f"/citizens/{anna.id}/erasure").status_code == 404
    assert client.post_form(f"/admin/erasure/{request.id}/refuse", {"reason": "nej"}).status_code == 404
    assert db.exec(select(ErasureRequest)).one().status == ErasureStatus.waiting


def test_a_consultant_closes_the_case_and_the_citizen_is_told(client: Client, db: Session) -> None:
    mette = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    anna = factories.citizen(db, mette, name="Anna Jensen", code="ANNA")
    private = factories.citizen(db, mette, name="Bo Borg", consent=False)
    client.sign_in_staff("mette@example.dk")
    assert client.post_form(f"/citizens/{anna.id}/case/close").status_code == 303
    # Closing works without consent (a) too: it shows nothing of the plan.
    assert client.post_form(f"/citizens/{private.id}/case/close").status_code == 303
    caseload = client.get("/caseload").text
    assert caseload.count("Stoppet i forløbet ") == 2 and f'id="case-open-{anna.id}"' in caseload
    year_on = utcnow().replace(year=utcnow().year + 1)
    db.expire_all()
    closed = db.get(User, anna.id)
    assert closed is not None and closed.case_closed_at is not None
    client.post_form("/logout")
    client.sign_in_citizen("ANNA")
    privacy = client.get(f"/citizens/{anna.id}/privacy").text
    assert "Din sag blev lukket" in privacy and str(year_on.year) in privacy
    assert "Din sag er lukket: Du er stoppet i forløbet." in privacy
    client.post_form("/logout")
    client.sign_in_staff("mette@example.dk")
    assert client.post_form(f"/citizens/{anna.id}/case/open").status_code == 303
    db.expire_all()
    assert db.get(User, anna.id).case_closed_at is None  # type: ignore[union-attr]
    trail = db.exec(select(AuditEntry.target).where(AuditEntry.citizen_id == anna.id)).all()
    # Told once each, in words: not also as "changed something in your plan".
    assert sorted(trail) == ["case:closed", "case:opened"]
    # Not the consultant's citizen: not found.
    other = factories.citizen(db, factories.consultant(db), name="Fremmed")
    assert client.post_form(f"/citizens/{other.id}/case/close").status_code == 404

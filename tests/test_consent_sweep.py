"""Without the citizen's consent, the people it would let in get nothing. Generated from the
route table like tests/test_no_leaks.py, but as the citizen's own consultant (without consent
(a)) and a member of the citizen's own network (without consent (b)): every route, the live
streams included, answers 404 or 403, shows none of the plan and changes nothing. The control:
the same person with consent given again sees the plan, so the refusals come from the consent."""

import pytest
from sqlmodel import Session, col, select

from app.access import consent
from app.caseload.routes import caseload_context, render_rows
from app.core.config import Settings
from app.core.i18n import translator
from app.main import create_app
from app.models import AuditEntry, ConsentScope, Invitation, User
from tests import factories
from tests.conftest import Client
from tests.test_no_leaks import SECRET, World, _routes, _snapshot, _world, call

NAME = "Anna Jensen"
# What the consultant does for a citizen in their caseload whatever the citizen consents to:
# the invitation that lets the citizen in (and so answer the questions at all), and closing the
# case when the citizen leaves. None of them shows any of the plan.
IN_CASELOAD_BY_DESIGN = {
    ("GET", "/citizens/{citizen_id}/invitation"),
    ("POST", "/citizens/{citizen_id}/invitation"),
    ("POST", "/citizens/{citizen_id}/case/close"),
    ("POST", "/citizens/{citizen_id}/case/open"),
}
REFUSED = {403, 404, 405, 410}


def _without(db: Session, scope: ConsentScope) -> tuple[World, User]:
    """The victim of tests/test_no_leaks.py, named plainly (the name may be shown), with a plan
    full of the secret, in the caseload of other@example.dk and the network of MEMBER, who has
    said no to `scope` (and yes to the other)."""
    world = _world(db)
    world.victim.name = NAME
    db.add(world.victim)
    db.commit()
    member = factories.network_member(db, world.victim, name="Louise Jensen", code="MEMBER")
    consent.choose(session=db, citizen=world.victim, choices={scope: False})
    return world, member


def _sweep(client: Client, world: World, skip: set[tuple[str, str]]) -> list[str]:
    problems: list[str] = []
    for method, path in _routes(client):
        if (method, path) in skip:
            continue
        # "given": were a consent route to let them in, it would say yes for the citizen.
        response = call(client, method, path, world, given="yes")
        if response.status_code not in REFUSED:
            problems.append(f"{method} {path} -> {response.status_code}")
        if SECRET in response.text:
            problems.append(f"{method} {path} showed the plan")
    return problems


def test_without_consent_a_every_consultant_route_is_refused(db: Session, settings: Settings) -> None:
    world, _member = _without(db, ConsentScope.consultant)
    before = _snapshot(db, world.victim)
    with Client(create_app(settings), base_url="http://testserver") as mette:
        mette.sign_in_staff("other@example.dk")
        problems = _sweep(mette, world, IN_CASELOAD_BY_DESIGN)
        assert not problems, "; ".join(problems)
        assert _snapshot(db, world.victim) == before, "the plan changed"
        # Nothing was seen, so nothing is in the citizen's trail as a look or a change.
        looks = db.exec(select(AuditEntry).where(col(AuditEntry.action).in_(("read", "change")))).all()
        assert looks == []

        # The caseload (page and live rows): the name and "has not shared their plan", nothing else.
        page = mette.get("/caseload").text
        consultant = db.exec(select(User).where(User.email == "other@example.dk")).one()
        context = caseload_context(session=db, user=consultant, sort="name", show="all", q="")
        rows = render_rows({**context, "csrf_token": "t"}, translator("da"))
        for shown in (page, rows):
            assert NAME in shown and "Har ikke delt sin plan." in shown
            assert SECRET not in shown
            assert f'href="/citizens/{world.victim.id}"' not in shown
            assert f"/citizens/{world.victim.id}/board" not in shown
        # Sorting or filtering by what is in the plan cannot find the citizen either.
        for show in ("flagged", "overdue", "no_meeting"):
            assert NAME not in mette.get(f"/caseload?show={show}").text, show

        # What the consultant may do by design shows the name, never the plan.
        invitation = mette.get(f"/citizens/{world.victim.id}/invitation")
        assert invitation.status_code == 200 and NAME in invitation.text
        assert SECRET not in invitation.text
        assert f'href="/citizens/{world.victim.id}"' not in invitation.text
        for tail in ("/invitation", "/case/close", "/case/open"):
            answer = mette.post_form(f"/citizens/{world.victim.id}{tail}")
            assert answer.status_code == 303 and SECRET not in answer.text, tail
        assert db.exec(select(Invitation).where(Invitation.invited_user_id == world.victim.id)).first()

        # The control: consent given again, the same consultant sees the same plan.
        consent.choose(session=db, citizen=world.victim, choices={ConsentScope.consultant: True})
        board = mette.get(f"/citizens/{world.victim.id}/board")
        assert board.status_code == 200 and SECRET in board.text


def test_without_consent_b_every_route_is_refused_to_the_network(db: Session, settings: Settings) -> None:
    world, _member = _without(db, ConsentScope.network)
    before = _snapshot(db, world.victim)
    with Client(create_app(settings), base_url="http://testserver") as louise:
        louise.sign_in_citizen("MEMBER")
        problems = _sweep(louise, world, set())
        assert not problems, "; ".join(problems)
        assert _snapshot(db, world.victim) == before, "the plan changed"
        home = louise.get("/network").text
        assert "Anna deler ikke noget med dig lige nu." in home
        assert SECRET not in home and f"/citizens/{world.victim.id}/board" not in home

        # The control: consent given again, the member sees the card shared with the network.
        consent.choose(session=db, citizen=world.victim, choices={ConsentScope.network: True})
        board = louise.get(f"/citizens/{world.victim.id}/board")
        assert board.status_code == 200 and f"Aftale {SECRET}" in board.text


@pytest.mark.parametrize("scope", list(ConsentScope))
def test_a_citizen_who_has_not_answered_shares_nothing(
    scope: ConsentScope, db: Session, settings: Settings
) -> None:
    """Before the first answer nothing is shared: the same as a no."""
    world, _member = _without(db, scope)
    for record in consent.history(session=db, citizen_id=world.victim.id or 0):
        db.delete(record)
    db.commit()
    assert consent.state(session=db, citizen_id=world.victim.id or 0).answered is False
    with Client(create_app(settings), base_url="http://testserver") as other:
        if scope == ConsentScope.consultant:
            other.sign_in_staff("other@example.dk")
            skip = IN_CASELOAD_BY_DESIGN
        else:
            other.sign_in_citizen("MEMBER")
            skip = set()
        problems = _sweep(other, world, skip)
    assert not problems, "; ".join(problems)

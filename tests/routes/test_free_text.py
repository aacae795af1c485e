"""One rule for free text: every field a person writes into, that Tavle keeps and shows to
someone, refuses the bidirectional overrides and isolates (U+202E shows "gnirts" for "string"
on the meeting screen and in the network's view) with the same message, keeps what was typed in
the form, and saves nothing. Text without them is saved as typed."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from app.models import (
    AgendaTopic,
    Agreement,
    Challenge,
    ErasureRequest,
    Goal,
    Intervention,
    MeaningfulnessRating,
    Message,
    NetworkLink,
    PlanSuggestion,
    Role,
    Strength,
    User,
)
from tests import factories
from tests.conftest import Client

MESSAGE = "The text has characters we cannot save"
# Right-to-left override, embedding and isolate: each makes the text read otherwise than stored.
CONTROLS = ["\u202e", "\u202b", "\u2067"]


@dataclass
class Plan:
    staff: User
    citizen: User
    ids: dict[str, int]


def _plan(db: Session) -> Plan:
    staff = factories.consultant(db, email="mette@example.dk")
    citizen = factories.citizen(db, staff, code="TEXT-1")
    challenge = factories.challenge(db, citizen)
    goal = factories.goal(db, citizen)
    card = factories.agreement(db, citizen)
    item = factories.intervention(db, citizen)
    return Plan(
        staff,
        citizen,
        {"challenge": challenge.id or 0, "goal": goal.id or 0, "card": card.id or 0, "item": item.id or 0},
    )


# (field, who writes it, address, the form with TEXT where the person's words go, what must not grow)
Field = tuple[str, str, Callable[[Plan], str], dict[str, str], type[SQLModel]]
FIELDS: list[Field] = [
    (
        "agreement what",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/agreements",
        {"what": "TEXT"},
        Agreement,
    ),
    (
        "agreement owner's name",
        "consultant",
        lambda p: f"/citizens/{p.citizen.id}/agreements",
        {"what": "Ringe", "who": "network", "who_name": "TEXT"},
        Agreement,
    ),
    (
        "agreement new wording",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/agreements/{p.ids['card']}",
        {"what": "TEXT", "who": "citizen", "revision": "1"},
        Agreement,
    ),
    (
        "challenge",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/challenges",
        {"life_area": "housing", "title": "TEXT"},
        Challenge,
    ),
    (
        "challenge why",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/challenges",
        {"life_area": "housing", "title": "Bolig", "why": "TEXT"},
        Challenge,
    ),
    (
        "goal",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/goals",
        {"title": "TEXT", "challenge_ids": "CHALLENGE"},
        Goal,
    ),
    ("strength", "citizen", lambda p: f"/citizens/{p.citizen.id}/strengths", {"text": "TEXT"}, Strength),
    (
        "agenda topic",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/agenda/topics",
        {"text": "TEXT"},
        AgendaTopic,
    ),
    (
        "comment on a goal",
        "consultant",
        lambda p: f"/citizens/{p.citizen.id}/goals/{p.ids['goal']}/comments",
        {"kind": "comment", "text": "TEXT"},
        PlanSuggestion,
    ),
    (
        "intervention provider",
        "consultant",
        lambda p: f"/citizens/{p.citizen.id}/interventions",
        {"kind": "mentor", "provider": "TEXT"},
        Intervention,
    ),
    (
        "rating reason",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/interventions/{p.ids['item']}/ratings",
        {"value": "7", "reason": "TEXT"},
        MeaningfulnessRating,
    ),
    (
        "message on an agreement",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/agreements/{p.ids['card']}/messages",
        {"body": "TEXT", "waiting": "yes"},
        Message,
    ),
    (
        "message in the general thread",
        "consultant",
        lambda p: f"/citizens/{p.citizen.id}/messages",
        {"body": "TEXT"},
        Message,
    ),
    (
        "network member's name",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/network",
        {"name": "TEXT", "relation": "søster"},
        NetworkLink,
    ),
    (
        "network relation",
        "citizen",
        lambda p: f"/citizens/{p.citizen.id}/network",
        {"name": "Louise", "relation": "TEXT"},
        NetworkLink,
    ),
    (
        "new citizen's name",
        "consultant",
        lambda _p: "/caseload/citizens/new",
        {"name": "TEXT", "locale": "da"},
        User,
    ),
    (
        "staff name",
        "admin",
        lambda _p: "/admin/staff",
        {"name": "TEXT", "email": "ny@example.dk", "role": "consultant", "password": "langt-kodeord-1"},
        User,
    ),
]


def _count(db: Session, model: type[SQLModel]) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


def _sign_in(db: Session, client: Client, plan: Plan, who: str) -> None:
    client.headers["Accept-Language"] = "en"
    if who == "citizen":
        client.sign_in_citizen("TEXT-1")
    elif who == "consultant":
        client.sign_in_staff(plan.staff)
    else:
        client.sign_in_staff(factories.staff(db, Role.admin, "admin@example.dk"))


def _form(plan: Plan, form: dict[str, str], text: str) -> dict[str, str]:
    filled = {k: v.replace("TEXT", text) for k, v in form.items()}
    return {k: v.replace("CHALLENGE", str(plan.ids["challenge"])) for k, v in filled.items()}


@pytest.mark.parametrize("field", FIELDS, ids=[f[0] for f in FIELDS])
def test_every_free_text_field_refuses_direction_overrides_the_same_way(
    client: Client, db: Session, field: Field
) -> None:
    _name, who, url, form, model = field
    plan = _plan(db)
    _sign_in(db, client, plan, who)
    before = _count(db, model)
    for control in CONTROLS:
        typed = f"Ringe til {control}lægen"
        response = client.post_form(url(plan), _form(plan, form, typed))
        assert response.status_code == 400, response.text[:300]
        assert MESSAGE in response.text
        assert typed in response.text, "the form keeps what was typed"
        assert _count(db, model) == before
    changed = db.exec(select(Agreement).where(Agreement.id == plan.ids["card"])).one()
    assert not any(control in changed.what for control in CONTROLS)


@pytest.mark.parametrize("field", FIELDS, ids=[f[0] for f in FIELDS])
def test_the_same_text_without_them_is_saved(client: Client, db: Session, field: Field) -> None:
    _name, who, url, form, model = field
    plan = _plan(db)
    _sign_in(db, client, plan, who)
    before = _count(db, model)
    response = client.post_form(url(plan), _form(plan, form, "Ringe til lægen \u200f(עברית)"))
    assert response.status_code == 303, response.text[:300]
    assert _count(db, model) >= before


def test_an_erasure_refused_with_an_override_in_its_reason_stays_waiting(client: Client, db: Session) -> None:
    citizen = factories.citizen(db)
    request = ErasureRequest(citizen_id=citizen.id or 0)
    db.add(request)
    db.commit()
    client.headers["Accept-Language"] = "en"
    client.sign_in_staff(factories.staff(db, Role.admin, "admin@example.dk"))
    response = client.post_form(f"/admin/erasure/{request.id}/refuse", {"reason": "Vi \u202ekan ikke"})
    assert response.status_code == 400 and MESSAGE in response.text
    db.expire_all()
    assert db.get(ErasureRequest, request.id).status == "waiting"  # type: ignore[union-attr]

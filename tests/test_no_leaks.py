"""Generated from the app's route table: every route, called by every role with ids that belong
to someone else, answers 404 or 403 and shows none of their data — and changes nothing.
A route added later is covered without anyone remembering to; a new kind of path parameter
makes this test fail until it is taught what a foreign value for it is."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from sqlmodel import Session

from app import clock
from app.core.config import Settings
from app.core.route_table import api_routes
from app.main import create_app
from app.models import (
    MeaningfulnessRating,
    Role,
    ScaleKind,
    ScaleReading,
    Strength,
    User,
)
from app.privacy import service as privacy
from tests import factories
from tests.conftest import Client

SECRET = "HEMMELIGT-INDHOLD"
# Routes a role may use with another person's id by design, and why.
BY_DESIGN = {
    # Admins manage accounts (names, roles) of every citizen — never plans.
    (Role.admin, "/admin/citizens/{citizen_id}/erase"),
}
SKIP_PATH_PREFIXES = ("/static",)


@dataclass
class World:
    victim: User
    ids: dict[str, int]


def _world(db: Session) -> World:
    theirs = factories.consultant(db, name="Anden Konsulent", email="other@example.dk")
    victim = factories.citizen(db, theirs, name=f"Offer {SECRET}", code="VICTIM")
    ids: dict[str, int] = {"citizen_id": _id(victim)}
    ids["challenge_id"] = _id(factories.challenge(db, victim, title=f"Udfordring {SECRET}"))
    goal = factories.goal(db, victim, title=f"Mål {SECRET}")
    ids["goal_id"] = _id(goal)
    db.add(ScaleReading(goal_id=_id(goal), kind=ScaleKind.today, value=5, recorded_at=clock.now()))
    shared = factories.agreement(db, victim, what=f"Aftale {SECRET}")
    shared.shared = True  # what a network member could see, were they in the victim's network
    db.add(shared)
    ids["agreement_id"] = _id(shared)
    intervention = factories.intervention(db, victim)
    ids["intervention_id"] = _id(intervention)
    rating = MeaningfulnessRating(intervention_id=_id(intervention), value=2, reason=SECRET)
    strength = Strength(citizen_id=_id(victim), text=f"Styrke {SECRET}", created_by_id=victim.id)
    db.add_all([rating, strength])
    db.commit()
    ids["rating_id"] = _id(rating)
    ids["strength_id"] = _id(strength)
    ids["user_id"] = _id(victim)
    ids["member_id"] = _id(victim)
    ids["consultant_id"] = _id(theirs)
    return World(victim=victim, ids=ids)


def _id(item: object) -> int:
    value = getattr(item, "id", None)
    assert isinstance(value, int)
    return value


def _foreign_value(param: str, world: World) -> str:
    if param in world.ids:
        return str(world.ids[param])
    # Ids of other item kinds: the victim's first row of that table would be better, but any id
    # that is not the caller's own works as long as every lookup is scoped to the citizen.
    if param.endswith("_id"):
        return "1"
    if param in ("token", "code", "path", "file_path", "name"):
        return "not-yours"
    if param == "scope":
        return "consultant"
    raise AssertionError(f"teach tests/test_no_leaks.py what a foreign value for {{{param}}} is")


def _routes(client: Client) -> list[tuple[str, str]]:
    pairs = []
    for route in api_routes(client.fastapi_app):
        if not _params(route.path):
            continue
        if route.path.startswith(SKIP_PATH_PREFIXES):
            continue
        for method in sorted(route.methods or ()):
            if method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                pairs.append((method, route.path))
    return pairs


Signer = Callable[[Client, Session], None]


def _as_citizen(client: Client, db: Session) -> None:
    factories.citizen(db, factories.consultant(db, email="mine@example.dk"), code="MINE")
    client.sign_in_citizen("MINE")


def _as_consultant(client: Client, db: Session) -> None:
    mine = factories.consultant(db, email="mine@example.dk")
    factories.citizen(db, mine, code="MINE")
    client.sign_in_staff("mine@example.dk")


def _as_network_member(client: Client, db: Session) -> None:
    # In the network of a citizen of their own, never of the victim's.
    mine = factories.citizen(db, factories.consultant(db, email="mine@example.dk"), code="MINE")
    factories.network_member(db, mine, code="MEMBER")
    client.sign_in_citizen("MEMBER")


def _as_staff(role: Role) -> Signer:
    def sign(client: Client, db: Session) -> None:
        factories.staff(db, role, f"{role}@example.dk")
        client.sign_in_staff(f"{role}@example.dk")

    return sign


def _anonymous(_client: Client, _db: Session) -> None:
    return None


ROLES: dict[str, tuple[Role | None, Signer]] = {
    "citizen": (Role.citizen, _as_citizen),
    "consultant": (Role.consultant, _as_consultant),
    "network": (Role.network, _as_network_member),
    "manager": (Role.manager, _as_staff(Role.manager)),
    "admin": (Role.admin, _as_staff(Role.admin)),
    "anonymous": (None, _anonymous),
}


def _snapshot(db: Session, victim: User) -> str:
    db.expire_all()
    data = privacy.export_citizen(session=db, citizen=victim)
    data["tables"].pop("audit_entry", None)
    data.pop("exported_at")
    return repr(data)


@pytest.mark.parametrize("role_name", list(ROLES))
def test_no_route_leaks_another_persons_data(
    role_name: str,
    db: Session,
    settings: Settings,
) -> None:
    role, sign_in = ROLES[role_name]
    world = _world(db)
    before = _snapshot(db, world.victim)
    problems: list[str] = []
    with Client(create_app(settings), base_url="http://testserver") as client:
        sign_in(client, db)
        routes = _routes(client)
        assert len(routes) >= 5, routes
        for method, path in routes:
            if (role, path) in BY_DESIGN:
                continue
            response = call(client, method, path, world)
            allowed = {403, 404, 405, 410}
            if role is None:
                redirect_to_login = response.status_code == 303 and response.headers.get(
                    "location", ""
                ).startswith("/login")
                ok = response.status_code in allowed or redirect_to_login
            else:
                ok = response.status_code in allowed
            if not ok:
                problems.append(f"{method} {path} -> {response.status_code}")
            if SECRET in response.text:
                problems.append(f"{method} {path} showed the other person's data")
    assert not problems, f"as {role_name}: " + "; ".join(problems)
    assert _snapshot(db, world.victim) == before, f"as {role_name}: another person's data changed"


def call(client: Client, method: str, path: str, world: World, **form: str) -> httpx.Response:
    """The route with the world's values in its path; a change with a form of made-up values
    (and `form`)."""
    url = path
    for param in _params(path):
        url = url.replace("{" + param + "}", _foreign_value(param, world))
    response: httpx.Response
    if method == "GET":
        response = client.get(url, follow_redirects=False)
    else:
        data = {"csrf_token": client.csrf(), "text": "x", "value": "1", **form}
        response = client.request(method, url, data=data, follow_redirects=False)
    return response


def _params(path: str) -> list[str]:
    return re.findall(r"{(\w+)(?::\w+)?}", path)


@pytest.mark.usefixtures("db")
def test_the_route_table_has_citizen_routes_to_check(settings: Settings) -> None:
    with Client(create_app(settings)) as client:
        paths = {path for _, path in _routes(client)}
    assert "/citizens/{citizen_id}" in paths
    assert sum("{citizen_id}" in p for p in paths) >= 3

"""Every HTML page of the app, as each role sees it: the GET routes come from the app's route
table and their path parameters are filled with ids from the signed-in person's own data, so a
page added later is swept without anyone remembering to. Whether a route is a page is decided by
its answer (status and content type), never by a list of paths."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

import httpx
from playwright.sync_api import BrowserContext, Page
from sqlmodel import Session

from app import clock
from app.core.config import Settings
from app.core.route_table import api_routes
from app.deps import LANG_COOKIE
from app.main import create_app
from app.models import (
    AgendaTopic,
    AgreementStatus,
    GoalChallengeLink,
    InvitationKind,
    MeaningfulnessRating,
    Meeting,
    Message,
    Role,
    ScaleKind,
    ScaleReading,
    Strength,
    Thread,
    User,
)
from app.models.base import utcnow
from app.network import invitations
from tests import factories
from tests.browser.conftest import post_sign_in

ROLES = ("citizen", "consultant", "network", "manager", "admin", "anonymous")
BROWSER_LOCALES = {"da": "da-DK", "en": "en-GB"}
# A page nobody links to, so that the error page is swept too.
MISSING_PAGE = "/this-page-does-not-exist"


@dataclass
class Person:
    """Who browses (None: nobody signed in), and the ids of the data that is theirs to see."""

    role: str
    code: str | None = None
    email: str | None = None
    ids: dict[str, str] = field(default_factory=dict)


@cache
def get_routes() -> tuple[str, ...]:
    settings = Settings(database_url="sqlite://", environment="test", seed_demo=False, migrate_on_start=False)
    paths = {route.path for route in api_routes(create_app(settings)) if "GET" in (route.methods or ())}
    return tuple(sorted(paths))


def page_paths(person: Person) -> list[str]:
    """Every GET route with its parameters filled; a new kind of parameter fails loudly here."""
    paths = []
    for route in get_routes():
        path = route
        for param in re.findall(r"{(\w+)(?::\w+)?}", route):
            if param not in person.ids:
                raise AssertionError(f"teach tests/browser/pages.py an own value for {{{param}}} in {route}")
            path = re.sub(r"{" + param + r"(?::\w+)?}", person.ids[param], path)
        paths.append(path)
    return [*paths, MISSING_PAGE]


def _id(item: object) -> str:
    value = getattr(item, "id", None)
    assert isinstance(value, int)
    return str(value)


def _rich_citizen(db: Session, consultant: User, language: str) -> tuple[User, dict[str, str]]:
    """A citizen whose plan has something in every part, so that no page is swept empty."""
    me = factories.citizen(db, consultant, name="Lise Lund", code="LISE-A11Y", locale=language)
    challenge = factories.challenge(db, me, title="Komme op om morgenen")
    factories.challenge(db, me, title="Sove bedre om natten")
    goal = factories.goal(db, me, title="Arbejde 10 timer om ugen")
    goal.step_higher = "Være oppe kl. 8"
    db.add(GoalChallengeLink(goal_id=goal.id or 0, challenge_id=challenge.id or 0))
    for days, value in ((14, 3), (0, 5)):
        db.add(
            ScaleReading(
                goal_id=goal.id or 0,
                kind=ScaleKind.today,
                value=value,
                recorded_at=utcnow() - timedelta(days=days),
            )
        )
    overdue = factories.agreement(
        db, me, what="Ringe til tandlægen", due_on=clock.today() - timedelta(days=3)
    )
    overdue.shared = True
    factories.agreement(db, me, what="Købe busbillet", status=AgreementStatus.doing)
    factories.agreement(db, me, what="Søge praktik", status=AgreementStatus.done)
    intervention = factories.intervention(db, me)
    db.add_all(
        [
            overdue,
            goal,
            MeaningfulnessRating(intervention_id=intervention.id or 0, value=6, reason="Det hjælper lidt"),
            Strength(citizen_id=me.id or 0, text="Jeg er god til dyr", created_by_id=me.id),
            AgendaTopic(citizen_id=me.id or 0, text="Min cykel", created_by_id=me.id),
        ]
    )
    meeting = Meeting(citizen_id=me.id or 0, at=utcnow() + timedelta(days=2))
    db.add(meeting)
    db.commit()
    # A conversation on the shared card, waiting for the consultant, so its page is swept full.
    thread = Thread(
        citizen_id=me.id or 0,
        agreement_id=overdue.id,
        key=f"agreement:{overdue.id}",
        waiting_for="consultant",
        messages=2,
        last_message_at=utcnow(),
    )
    db.add(thread)
    db.commit()
    db.add_all(
        [
            Message(thread_id=thread.id or 0, author_id=consultant.id, body="Hvordan gik det?"),
            Message(thread_id=thread.id or 0, author_id=me.id, body="Kan vi flytte det?", waiting=True),
        ]
    )
    db.commit()
    ids = {
        "citizen_id": _id(me),
        "challenge_id": _id(challenge),
        "goal_id": _id(goal),
        "agreement_id": _id(overdue),
        "intervention_id": _id(intervention),
        "meeting_id": _id(meeting),
    }
    return me, ids


def arrange(db: Session, role: str, language: str) -> Person:
    """The person `role` with their own data, speaking `language`."""
    consultant = factories.consultant(db, name="Mette Hansen", email="mette@example.dk")
    consultant.locale = language
    citizen, ids = _rich_citizen(db, consultant, language)
    member = factories.network_member(db, citizen, name="Louise Søster", code="LOUISE-A11Y")
    member.locale = language
    newcomer = factories.citizen(db, consultant, name="Ny Borger", locale=language)
    issued = invitations.issue(
        session=db,
        kind=InvitationKind.citizen,
        citizen_id=int(_id(newcomer)),
        invited=newcomer,
        created_by=consultant,
    )
    ids["token"] = issued.token
    db.add_all([consultant, member])
    db.commit()
    if role == "citizen":
        return Person(role, code="LISE-A11Y", ids=ids)
    if role == "network":
        return Person(role, code="LOUISE-A11Y", ids=ids)
    if role == "consultant":
        return Person(role, email="mette@example.dk", ids=ids)
    if role in ("manager", "admin"):
        staff = factories.staff(db, Role(role), f"{role}@example.dk", name="Ada Andersen")
        staff.locale = language
        db.add(staff)
        db.commit()
        return Person(role, email=f"{role}@example.dk", ids=ids)
    return Person(role, ids=ids)


def sign_in(context: BrowserContext, person: Person, language: str, base_url: str) -> Page:
    """Signs `person` in through the sign-in form's route; nobody gets the language as a cookie."""
    page = context.new_page()
    if person.code is not None:
        post_sign_in(page, "/login", "/login/citizen", {"code": person.code, "pin": factories.PIN})
    elif person.email is not None:
        post_sign_in(
            page, "/login/staff", "/login/staff", {"email": person.email, "password": factories.PASSWORD}
        )
    else:
        context.add_cookies([{"name": LANG_COOKIE, "value": language, "url": base_url}])
    return page


def html_pages(context: BrowserContext, base_url: str, person: Person) -> list[str]:
    """The paths that answer this person with an HTML page of their own: not a redirect, not a
    stream, file or JSON, not refused. Asked outside the browser so that a stream or a download
    never holds up a navigation; the error page is kept on purpose."""
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    found = []
    with httpx.Client(base_url=base_url, cookies=cookies, follow_redirects=False, timeout=10) as client:
        for path in page_paths(person):
            with client.stream("GET", path) as response:
                kind = response.headers.get("content-type", "")
                wanted = response.status_code == 200 or path == MISSING_PAGE
                if wanted and kind.startswith("text/html"):
                    found.append(path)
    return found

"""A page leaves nothing for the garbage collector in its templates. Jinja builds a macro module
imported `with context` anew at each render, as closures that refer to the render's context;
that cycle holds the page's objects (its request, rows and views) until a collection, and with
thousands of open streams those collections are the pauses behind the embedded p99
(bench/NOTES.md). Every macro is imported without context, so Jinja builds each module once."""

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager

import jinja2.runtime
from sqlmodel import Session

from app.core.config import ROOT, Settings
from app.core.rendering import TEMPLATE_DIRS
from app.main import create_app
from tests import factories
from tests.conftest import Client


@contextmanager
def cyclic_garbage() -> Iterator[list[object]]:
    """What the block leaves that only the collector can free."""
    found: list[object] = []
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield found
        gc.collect()
    finally:
        gc.set_debug(0)
        found.extend(gc.garbage)
        gc.garbage.clear()


def template_contexts(garbage: list[object]) -> list[str | None]:
    return [o.name for o in garbage if isinstance(o, jinja2.runtime.Context)]


def test_the_board_leaves_no_template_in_a_cycle_for_citizen_nor_consultant(
    client: Client, db: Session
) -> None:
    staff = factories.consultant(db, email="mette@example.dk")
    citizen = factories.citizen(db, staff, code="ANNA-1")
    factories.agreement(db, citizen, what="Ringe til lægen")
    factories.challenge(db, citizen, title="Søvn")
    url = f"/citizens/{citizen.id}/board"

    def as_citizen() -> None:
        client.sign_in_citizen("ANNA-1")

    def as_consultant() -> None:
        client.sign_in_staff(staff)

    for sign_in in (as_citizen, as_consultant):
        client.cookies.clear()
        sign_in()
        page = drawn_without_cycles(client, url)
        assert "Ringe til lægen" in page
        # The page still has what the macros draw: read-aloud buttons and plain-words help.
        assert "read-aloud-row" in page


def test_a_challenge_names_who_wrote_it_and_leaves_no_template_in_a_cycle(
    client: Client, db: Session
) -> None:
    staff = factories.consultant(db, email="mette@example.dk")
    citizen = factories.citizen(db, staff, name="Anna Andersen", code="ANNA-1")
    challenge = factories.challenge(db, citizen, title="Søvn")
    client.sign_in_staff(staff)
    page = drawn_without_cycles(client, f"/citizens/{citizen.id}/challenges/{challenge.id}")
    authorship = page[page.index('class="authorship') :]
    assert "Anna Andersen" in authorship[: authorship.index("</p>")]


def test_a_goals_scales_leave_no_template_in_a_cycle(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, factories.consultant(db), code="ANNA-1")
    goal = factories.goal(db, citizen, title="Arbejde 10 timer om ugen")
    client.sign_in_citizen("ANNA-1")
    page = drawn_without_cycles(client, f"/citizens/{citizen.id}/goals/{goal.id}")
    # The 0-10 questions, in the page's language, each with its read-aloud button.
    today = page[page.index('class="scale-form scale-form-today') :]
    assert "Hvor er du i dag" in today and 'aria-label="Læs op: Hvor er du i dag' in today


def test_the_privacy_pages_trail_leaves_no_template_in_a_cycle(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="mette@example.dk", name="Mette Hansen")
    citizen = factories.citizen(db, staff, code="ANNA-1")
    client.sign_in_staff(staff)
    assert client.get(f"/citizens/{citizen.id}/board").status_code == 200  # a look, on the trail
    client.cookies.clear()
    client.sign_in_citizen("ANNA-1")
    privacy = drawn_without_cycles(client, f"/citizens/{citizen.id}/privacy")
    trail = privacy[privacy.index('class="card audit-entry') :]
    assert "Mette Hansen" in trail[: trail.index("</li>")]


def test_the_notices_page_with_e_mail_and_sms_leaves_no_template_in_a_cycle(
    db: Session, settings: Settings
) -> None:
    # Offered once configured; a page that is only looked at sends nothing anywhere.
    configured = settings.model_copy(update={"smtp_host": "127.0.0.1", "sms_url": "http://127.0.0.1:9/sms"})
    factories.citizen(db, factories.consultant(db), code="ANNA-1")
    with Client(create_app(configured), base_url="http://testserver") as client:
        client.sign_in_citizen("ANNA-1")
        notices = drawn_without_cycles(client, "/notices")
    assert 'id="email-address"' in notices and 'id="sms-address"' in notices


def test_no_template_imports_a_macro_with_context() -> None:
    """The pages drawn above are samples; this holds for every template there is."""
    with_context = re.compile(r"{%-?\s*(?:from|import)\b[^%]*\bwith\s+context\b")
    found = [
        str(path.relative_to(ROOT))
        for folder in TEMPLATE_DIRS
        for path in sorted(folder.rglob("*.html"))
        if with_context.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def drawn_without_cycles(client: Client, url: str) -> str:
    """The page at `url`, drawn a second time (the first compiles and caches), with nothing of
    it left in a cycle of templates."""
    assert client.get(url).status_code == 200
    with cyclic_garbage() as garbage:
        page = client.get(url)
    assert page.status_code == 200
    assert template_contexts(garbage) == []
    text: str = page.text
    return text


def test_an_import_with_context_is_seen() -> None:
    """The check above finds the cycle it looks for."""
    environment = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "macros.html": "{% macro hello() %}{{ name }}{% endmacro %}",
                "page.html": '{% from "macros.html" import hello with context %}{{ hello() }}',
            }
        )
    )
    page = environment.get_template("page.html")
    page.render(name="Anna")
    with cyclic_garbage() as garbage:
        assert page.render(name="Anna") == "Anna"
    assert "macros.html" in template_contexts(garbage)

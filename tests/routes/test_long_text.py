"""Long text (issue 21 item 9): "What is agreed?" (300 characters) and the name of who does it
(120) were cut by the browser's maxlength without a word, while strengths, topics and goals keep
the text and explain. Now every free-text field does the latter: a hint with the limit, no
maxlength, and on sending a message that counts, with everything typed kept."""

import re

import pytest
from sqlmodel import Session, select

from app.models import Agreement
from tests import factories
from tests.conftest import Client

TOO_LONG = {
    "da": "Skriv højst {limit} tegn. Nu er der {count}.",
    "en": "Please write at most {limit} characters. Now there are {count}.",
}
HINT = {"da": "Højst {n} tegn.", "en": "At most {n} characters."}


def _maxlength(html: str, field: str) -> list[str]:
    """The maxlength of each form field called `field` (none when it has none)."""
    tags = re.findall(rf"<(?:input|textarea)\b[^>]*\bname=\"{field}\"[^>]*>", html)
    assert tags, f"no field {field}"
    return [m for tag in tags for m in re.findall(r'maxlength="(\d+)"', tag)]


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_long_agreement_is_kept_and_explained_not_cut(client: Client, db: Session, language: str) -> None:
    citizen = factories.citizen(db, name="Anna Jensen", code="ANNA-9", locale=language)
    client.sign_in_citizen("ANNA-9")
    board = client.get(f"/citizens/{citizen.id}/board").text
    assert _maxlength(board, "what") == [] and _maxlength(board, "who_name") == []
    assert HINT[language].format(n=300) in board and HINT[language].format(n=120) in board

    what = "Ringe til " + "y" * 310
    name = "Louise " + "Søster" * 20
    response = client.post_form(
        f"/citizens/{citizen.id}/agreements", {"what": what, "who": "network", "who_name": name}
    )
    assert response.status_code == 400
    assert TOO_LONG[language].format(limit=300, count=len(what)) in response.text
    assert TOO_LONG[language].format(limit=120, count=len(name)) in response.text
    assert f">{what}</textarea>" in response.text
    assert f'value="{name}"' in response.text
    assert db.exec(select(Agreement)).all() == []


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_long_new_wording_is_kept_and_explained(client: Client, db: Session, language: str) -> None:
    citizen = factories.citizen(db, name="Anna Jensen", code="ANNA-9E", locale=language)
    card = factories.agreement(db, citizen, what="Købe buskort")
    client.sign_in_citizen("ANNA-9E")
    url = f"/citizens/{citizen.id}/agreements/{card.id}"
    page = client.get(url).text
    assert _maxlength(page, "what") == [] and _maxlength(page, "who_name") == []
    what = "Købe " + "y" * 300
    response = client.post_form(url, {"what": what, "who": "citizen", "revision": str(card.revision)})
    assert response.status_code == 400
    assert TOO_LONG[language].format(limit=300, count=len(what)) in response.text
    assert f">{what}</textarea>" in response.text
    db.refresh(card)
    assert card.what == "Købe buskort"


def test_names_are_not_cut_by_the_browser_either(client: Client, db: Session) -> None:
    staff = factories.consultant(db, email="k9@example.dk")
    citizen = factories.citizen(db, staff, code="ANNA-9N")
    client.sign_in_citizen("ANNA-9N")
    network = client.get(f"/citizens/{citizen.id}/network").text
    assert _maxlength(network, "name") == [] and _maxlength(network, "relation") == []
    long = client.post_form(f"/citizens/{citizen.id}/network", {"name": "M" * 130, "relation": "søster"})
    assert long.status_code == 400 and 'value="' + "M" * 130 + '"' in long.text
    client.cookies.clear()
    client.sign_in_staff("k9@example.dk")
    new = client.get("/caseload/citizens/new").text
    assert _maxlength(new, "name") == []


def test_a_message_on_an_agreement_is_not_cut_by_the_browser(client: Client, db: Session) -> None:
    citizen = factories.citizen(db, code="ANNA-9M")
    card = factories.agreement(db, citizen, what="Købe buskort")
    client.sign_in_citizen("ANNA-9M")
    page = client.get(f"/citizens/{citizen.id}/agreements/{card.id}/messages")
    assert page.status_code == 200
    assert _maxlength(page.text, "body") == [] and "Højst 2.000 tegn." in page.text

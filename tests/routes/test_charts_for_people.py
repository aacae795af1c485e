"""Issue 21, item 18: charts for people. The meaningfulness chart has a 0–10 scale, dated points,
a one-line summary ("op fra 3 til 8 siden oktober") and a text alternative with dates; the
manager sees outcomes month by month against the 30 % / 15 % targets, as a chart and a table,
with the denominator said plainly. Both languages, SQLite and PostgreSQL."""

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from app.models import MeaningfulnessRating, Outcome, OutcomeStatus, Role
from tests import factories
from tests.conftest import Client


def _rated(db: Session) -> tuple[int, int]:
    staff = factories.consultant(db, email="mette@example.dk")
    anna = factories.citizen(db, staff, name="Anna", code="ANNA-1")
    item = factories.intervention(db, anna)
    for value, moment in (
        (3, datetime(2026, 10, 5, 9, tzinfo=UTC)),
        (8, datetime(2026, 12, 1, 9, tzinfo=UTC)),
    ):
        db.add(MeaningfulnessRating(intervention_id=item.id or 0, value=value, rated_at=moment))
    db.commit()
    factories.changed_board(db, anna)
    return anna.id or 0, item.id or 0


@pytest.mark.parametrize(
    ("language", "summary", "first_date", "tick"),
    [
        ("da", "Op fra 3 til 8 siden oktober", "5. okt. 2026", "5. okt."),
        ("en", "Up from 3 to 8 since October", "5 Oct 2026", "5 Oct"),
    ],
)
def test_the_meaningfulness_chart_has_a_scale_dates_and_a_summary(
    client: Client, db: Session, language: str, summary: str, first_date: str, tick: str
) -> None:
    client.headers["Accept-Language"] = language
    anna, item = _rated(db)
    client.sign_in_citizen("ANNA-1")
    for path in (f"/citizens/{anna}/interventions/{item}", f"/citizens/{anna}/board"):
        page = client.get(path).text
        assert summary in page, path
        svg = page[
            page.index('<svg class="chart chart-axes"') : page.index("</svg>", page.index("chart-axes"))
        ]
        # The scale's numbers, each point's date under it, and its value beside it.
        for number in ("0", "5", "10"):
            assert f'text-anchor="end">{number}</text>' in svg
        assert f">{tick}</text>" in svg and svg.count("<circle") == 2
        # The text alternative says every answer with its date.
        label = re.search(r'aria-label="([^"]+)"', svg)
        assert label is not None and first_date in label.group(1) and "8" in label.group(1)


def _months(db: Session) -> None:
    """Six citizens with outcomes in October and November; two with wage hours in November, one
    of them in an ordinary job; a seventh citizen with nothing recorded (not in the count)."""
    consultant = factories.consultant(db)
    factories.citizen(db, consultant, name="Nothing recorded")
    for i in range(6):
        citizen = factories.citizen(db, consultant, name=f"Citizen {i}")
        db.add(Outcome(citizen_id=citizen.id or 0, month=date(2026, 10, 1), wage_hours=0))
        status = OutcomeStatus.ordinary_job if i == 0 else OutcomeStatus.searching
        db.add(
            Outcome(
                citizen_id=citizen.id or 0,
                month=date(2026, 11, 1),
                wage_hours=20 if i < 5 else 0,
                status=status,
            )
        )
    db.commit()


@pytest.mark.parametrize(
    ("language", "denominator", "target", "month", "share"),
    [
        ("en", "not every citizen in the programme", "Target 30%", "November 2026", "83%"),
        ("da", "ikke alle borgere i forløbet", "Mål 30\xa0%", "november 2026", "83\xa0%"),
    ],
)
def test_the_manager_sees_outcomes_by_month_against_the_targets(
    client: Client, db: Session, language: str, denominator: str, target: str, month: str, share: str
) -> None:
    _months(db)
    factories.staff(db, Role.manager, "leder@example.dk", name="Lene Leder")
    client.headers["Accept-Language"] = language
    client.sign_in_staff("leder@example.dk")
    page = client.get("/outcomes").text
    section = page[page.index('id="outcome-months"') :]
    assert denominator in section
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert target in svg and 'class="chart-guide"' in svg
    # Wage hours both months, ordinary job in October (none); November's one person is hidden.
    assert svg.count("<circle") == 3
    table = section[section.index('id="months-table"') : section.index("</table>")]
    assert month in table and share in table and ">6</td>" in table
    label = re.search(r'aria-label="([^"]+)"', svg)
    assert label is not None and month in label.group(1)


def test_the_csv_has_the_months_too(client: Client, db: Session) -> None:
    """The same months as the page's chart and table, with each month's own denominator."""
    _months(db)
    factories.staff(db, Role.manager, "leder@example.dk", name="Lene Leder")
    client.headers["Accept-Language"] = "en"
    client.sign_in_staff("leder@example.dk")
    body = client.get("/outcomes.csv").content.decode("utf-8-sig")
    rows = {(r["Part"], r["Group"]): r for r in csv.DictReader(io.StringIO(body))}
    november = rows[("Outcome by month", "November 2026: Citizens with wage hours")]
    assert (november["Citizens"], november["Count"], november["Share"], november["Target"]) == (
        "6",
        "5",
        "0.833",
        "0.30",
    )
    hidden = rows[("Outcome by month", "November 2026: Citizens in an ordinary job")]
    assert hidden["Count"] == "" and hidden["Note"]

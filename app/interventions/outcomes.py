"""Outcomes: wage hours per month and status per citizen, recorded by the consultant and visible
to the citizen; and the anonymous aggregates a manager sees. No group smaller than
`MIN_GROUP` citizens is ever shown, in the page or in the CSV."""

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlmodel import Session, col, select

from app.catalogue import N_
from app.catalogue.interventions import INTERVENTION_TYPES
from app.core.charts import Dated, Guide, Line, axis_chart
from app.core.i18n import Translator
from app.core.numbers import decimal, whole
from app.models import Intervention, MeaningfulnessRating, Outcome, OutcomeStatus, Role, User
from app.plan.overview import require_consultant

MIN_GROUP = 5
TARGET_WAGE_HOURS = 0.30
TARGET_ORDINARY_JOB = 0.15
MAX_HOURS = 744  # hours in the longest month

STATUS_NAMES = {
    OutcomeStatus.searching: N_("Still searching"),
    OutcomeStatus.ordinary_job: N_("Ordinary job"),
    OutcomeStatus.education: N_("Education"),
    OutcomeStatus.flex_job: N_("Flex job"),
    OutcomeStatus.wage_subsidy: N_("Job with wage subsidy"),
    OutcomeStatus.sick_leave: N_("On sick leave"),
    OutcomeStatus.other: N_("Something else"),
}


@dataclass
class OutcomeForm:
    month: str = ""
    wage_hours: str = ""
    status: str = ""
    errors: dict[str, str] | None = None


def outcomes(*, session: Session, citizen: User) -> list[Outcome]:
    return list(
        session.exec(
            select(Outcome).where(Outcome.citizen_id == citizen.id).order_by(col(Outcome.month).desc())
        ).all()
    )


def record(
    *, session: Session, citizen: User, actor: User, form: OutcomeForm, t: Translator
) -> Outcome | None:
    """Records (or corrects) one month. None with `form.errors` when the input is not right."""
    require_consultant(actor)
    errors: dict[str, str] = {}
    month: date | None = None
    year, _, mon = form.month.strip().partition("-")
    try:
        month = date(whole(year) or 0, whole(mon[:2]) or 0, 1)
    except ValueError:
        errors["month"] = t.gettext("Choose a month, for example 2026-03.")
    typed = decimal(form.wage_hours) if form.wage_hours.strip() else 0.0
    hours = -1 if typed is None else round(typed)
    if not 0 <= hours <= MAX_HOURS:
        errors["wage_hours"] = t.gettext("Write the number of wage hours in the month, from 0 to 744.")
    if form.status not in OutcomeStatus.__members__:
        errors["status"] = t.gettext("Choose a status from the list.")
    if errors or month is None:
        form.errors = errors
        return None
    assert citizen.id is not None
    row = session.exec(
        select(Outcome).where(Outcome.citizen_id == citizen.id, Outcome.month == month)
    ).first()
    row = row or Outcome(citizen_id=citizen.id, month=month)
    row.wage_hours = hours
    row.status = OutcomeStatus(form.status)
    row.recorded_by_id = actor.id
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


@dataclass(frozen=True)
class Share:
    label: str  # an English msgid
    count: int | None  # None: hidden, the group is too small
    total: int
    target: float | None

    @property
    def hidden(self) -> bool:
        return self.count is None

    @property
    def share(self) -> float | None:
        return None if self.count is None or not self.total else self.count / self.total


@dataclass(frozen=True)
class Meaning:
    kind: str
    name: str  # an English msgid
    citizens: int | None  # None: hidden
    ratings: int | None
    average: float | None


@dataclass(frozen=True)
class MonthShares:
    """One month against the targets. The denominator is said plainly on the page: only the
    citizens with an outcome recorded for that month, not everyone in the programme."""

    month: date
    citizens: int | None  # with an outcome recorded for the month; None when fewer than MIN_GROUP
    wage_hours: Share
    ordinary_job: Share


@dataclass(frozen=True)
class Aggregates:
    citizens: int | None  # with a recorded outcome; None when fewer than MIN_GROUP
    shares: list[Share]
    meaning: list[Meaning]
    # The latest MONTHS months that have outcomes, oldest first.
    months: list[MonthShares] = field(default_factory=list)


MONTHS = 12


def _month_shares(rows: Sequence[Outcome]) -> list[MonthShares]:
    by_month: dict[date, list[Outcome]] = defaultdict(list)
    for row in rows:
        by_month[row.month].append(row)
    found = []
    for month in sorted(by_month)[-MONTHS:]:
        outcomes_ = by_month[month]
        n = len(outcomes_)
        big_enough = n >= MIN_GROUP

        def shown(count: int, big_enough: bool = big_enough) -> int | None:
            return count if big_enough and not 0 < count < MIN_GROUP else None

        hours = sum(1 for o in outcomes_ if o.wage_hours > 0)
        ordinary = sum(1 for o in outcomes_ if o.status == OutcomeStatus.ordinary_job)
        found.append(
            MonthShares(
                month=month,
                citizens=n if big_enough else None,
                wage_hours=Share(N_("Citizens with wage hours"), shown(hours), n, TARGET_WAGE_HOURS),
                ordinary_job=Share(
                    N_("Citizens in an ordinary job"), shown(ordinary), n, TARGET_ORDINARY_JOB
                ),
            )
        )
    return found


def aggregates(*, session: Session) -> Aggregates:
    """Latest outcome per citizen; average latest meaningfulness per intervention kind. Any group
    of fewer than `MIN_GROUP` citizens is hidden: the whole when it is that small, and each count
    of one to four citizens within it (none at all is shown)."""
    rows = session.exec(
        select(Outcome)
        .join(User, col(User.id) == col(Outcome.citizen_id))
        .where(User.role == Role.citizen)
        .order_by(col(Outcome.month), col(Outcome.id))
    ).all()
    latest: dict[int, Outcome] = {}
    for row in rows:
        latest[row.citizen_id] = row
    n = len(latest)
    big_enough = n >= MIN_GROUP

    def shown(count: int) -> int | None:
        # The citizens counted are a group too: one to four of them could be told apart.
        return count if big_enough and not 0 < count < MIN_GROUP else None

    with_hours = sum(1 for o in latest.values() if o.wage_hours > 0)
    ordinary = sum(1 for o in latest.values() if o.status == OutcomeStatus.ordinary_job)
    shares = [
        Share(N_("Citizens with wage hours"), shown(with_hours), n, TARGET_WAGE_HOURS),
        Share(N_("Citizens in an ordinary job"), shown(ordinary), n, TARGET_ORDINARY_JOB),
    ]
    for status in OutcomeStatus:
        if status != OutcomeStatus.ordinary_job:
            count = sum(1 for o in latest.values() if o.status == status)
            shares.append(Share(STATUS_NAMES[status], shown(count), n, None))

    ratings = session.exec(
        select(
            Intervention.kind,
            Intervention.citizen_id,
            MeaningfulnessRating.intervention_id,
            MeaningfulnessRating.value,
        )
        .join(Intervention, col(Intervention.id) == col(MeaningfulnessRating.intervention_id))
        .order_by(col(MeaningfulnessRating.rated_at), col(MeaningfulnessRating.id))
    ).all()
    last_value: dict[int, tuple[str, int, int]] = {}
    for kind, citizen_id, intervention_id, value in ratings:
        last_value[intervention_id] = (kind, citizen_id, value)
    by_kind: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for kind, citizen_id, value in last_value.values():
        by_kind[kind].append((citizen_id, value))
    meaning = []
    for item in INTERVENTION_TYPES:
        found = by_kind.get(item.key, [])
        people = len({c for c, _ in found})
        if people >= MIN_GROUP:
            meaning.append(
                Meaning(item.key, item.name, people, len(found), sum(v for _, v in found) / len(found))
            )
        else:
            meaning.append(Meaning(item.key, item.name, None, None, None))
    return Aggregates(
        citizens=n if big_enough else None, shares=shares, meaning=meaning, months=_month_shares(rows)
    )


def months_chart(months: Sequence[MonthShares], *, t: Translator) -> Markup | None:
    """The two shares month by month, in per cent, against their targets (dashed). A month with
    too few citizens is a gap. The text alternative says every month's figures."""
    if all(m.citizens is None for m in months):
        return None

    def points(pick: str) -> list[Dated]:
        found = []
        for m in months:
            share: Share = getattr(m, pick)
            value = share.share
            found.append(
                Dated(
                    tick=t.date(m.month, "MMM yy"),
                    label=t.date(m.month, "LLLL yyyy"),
                    value=None if value is None else round(value * 100, 1),
                    text="" if value is None else t.percent(value),
                )
            )
        return found

    def spoken(m: MonthShares) -> str:
        if m.citizens is None:
            return t.gettext("%(month)s: too few citizens to show", month=t.date(m.month, "LLLL yyyy"))
        return t.gettext(
            "%(month)s: wage hours %(hours)s, ordinary job %(job)s, of %(n)s citizens",
            month=t.date(m.month, "LLLL yyyy"),
            hours=_said(m.wage_hours, t),
            job=_said(m.ordinary_job, t),
            n=t.number(m.citizens),
        )

    title = t.gettext("Outcomes month by month against the targets") + ": " + "; ".join(map(spoken, months))
    guides = [
        Guide(TARGET_WAGE_HOURS * 100, t.gettext("Target %(share)s", share=t.percent(TARGET_WAGE_HOURS))),
        Guide(TARGET_ORDINARY_JOB * 100, t.gettext("Target %(share)s", share=t.percent(TARGET_ORDINARY_JOB))),
    ]
    ticks = [(v * 100, t.percent(v)) for v in (0, 0.2, 0.4, 0.6, 0.8, 1)]
    lines = [
        Line("chart-series-1", points("wage_hours")),
        Line("chart-series-2", points("ordinary_job"), dotted=True),
    ]
    return axis_chart(lines, title=title, maximum=100, ticks=ticks, guides=guides, width=640, height=240)


def _said(share: Share, t: Translator) -> str:
    value = share.share
    return t.gettext("hidden") if value is None else t.percent(value)


# How a spreadsheet in each language reads a CSV file: Danish Excel splits on semicolons and
# reads a decimal comma (a comma-separated file lands in one column, and 0.600 becomes 600).
CSV_FORMATS = {"da": (";", ","), "en": (",", ".")}
# Excel reads a file without a byte order mark as the machine's old code page: "ø" turns to "Ã¸".
BOM = "\ufeff"


def to_csv(data: Aggregates, *, t: Translator) -> str:
    """The same aggregates as the page, in the viewer's language, for their spreadsheet: a BOM,
    their separator and decimal mark; hidden groups as empty cells with a note."""
    delimiter, point = CSV_FORMATS.get(t.locale, CSV_FORMATS["en"])

    def number(value: float | None, places: int) -> str:
        return "" if value is None else f"{value:.{places}f}".replace(".", point)

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    hidden = t.gettext("hidden: fewer than %(n)s citizens", n=MIN_GROUP)
    writer.writerow(
        [
            t.gettext(heading)
            for heading in (
                N_("Part"),
                N_("Group"),
                N_("Citizens"),
                N_("Count"),
                N_("Share"),
                N_("Target"),
                N_("Average"),
                N_("Note"),
            )
        ]
    )
    total = "" if data.citizens is None else data.citizens
    for share in data.shares:
        writer.writerow(
            [
                t.gettext("Outcome"),
                t.gettext(share.label),
                total,
                "" if share.count is None else share.count,
                number(share.share, 3),
                number(share.target, 2),
                "",
                hidden if share.hidden else "",
            ]
        )
    # Month by month, as the page's chart and table: each month's citizens with a recorded outcome.
    for month in data.months:
        for share in (month.wage_hours, month.ordinary_job):
            writer.writerow(
                [
                    t.gettext("Outcome by month"),
                    f"{t.skeleton(month.month, 'yMMMM')}: {t.gettext(share.label)}",
                    "" if month.citizens is None else month.citizens,
                    "" if share.count is None else share.count,
                    number(share.share, 3),
                    number(share.target, 2),
                    "",
                    hidden if share.hidden else "",
                ]
            )
    for item in data.meaning:
        writer.writerow(
            [
                t.gettext("Meaningfulness"),
                t.gettext(item.name),
                "" if item.citizens is None else item.citizens,
                "" if item.ratings is None else item.ratings,
                "",
                "",
                number(item.average, 1),
                hidden if item.citizens is None else "",
            ]
        )
    return BOM + out.getvalue()

"""Alerts for the consultant: pure functions over an intervention's ratings.

A flag means "let us talk", never a sanction. Each flag says why in words (an English msgid with
its values, translated when shown)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from app import clock
from app.catalogue import N_

LOW = 3
FALL = 3
SILENT_DAYS = 30

MESSAGES = {
    "low": N_("Rated %(value)s of 10 for how meaningful it feels: a low rating."),
    "fell": N_("The rating fell from %(before)s to %(value)s."),
    "silent": N_("Not rated for %(days)s days while it is running."),
    "declined": N_("The citizen would rather not have this. Their reason: “%(reason)s”"),
    "declined_silent": N_("The citizen would rather not have this, and gave no reason."),
}


@dataclass(frozen=True)
class Rated:
    value: int
    at: datetime | date


@dataclass(frozen=True)
class Flag:
    rule: str  # "low", "fell", "silent", "declined" or "declined_silent"
    values: dict[str, int | str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return MESSAGES[self.rule]


def _day(value: datetime | date) -> date:
    # A moment counts on the day it was in Copenhagen, like "today" does.
    return clock.local(value).date() if isinstance(value, datetime) else value


def low(ratings: Sequence[Rated]) -> Flag | None:
    """The latest rating is 3 or less."""
    if ratings and ratings[-1].value <= LOW:
        return Flag("low", {"value": ratings[-1].value})
    return None


def fell(ratings: Sequence[Rated]) -> Flag | None:
    """The latest rating is 3 or more below the one before."""
    if len(ratings) >= 2 and ratings[-2].value - ratings[-1].value >= FALL:
        return Flag("fell", {"before": ratings[-2].value, "value": ratings[-1].value})
    return None


def silent(ratings: Sequence[Rated], *, active: bool, since: date, today: date) -> Flag | None:
    """Running, and no rating for 30 days: counted from the latest rating, or from `since` (the
    start) when it was never rated."""
    if not active:
        return None
    last = _day(ratings[-1].at) if ratings else since
    days = (today - last).days
    if days >= SILENT_DAYS:
        return Flag("silent", {"days": days})
    return None


def declined(*, rather_not: bool, reason: str) -> Flag | None:
    """The citizen said "I'd rather not" before it started: the consultant hears it, with why."""
    if not rather_not:
        return None
    return Flag("declined", {"reason": reason}) if reason else Flag("declined_silent")


def flags(
    ratings: Sequence[Rated],
    *,
    active: bool,
    since: date,
    today: date,
    rather_not: bool = False,
    reason: str = "",
) -> list[Flag]:
    """Every flag for one intervention, ratings oldest first."""
    found = [
        declined(rather_not=rather_not, reason=reason),
        low(ratings),
        fell(ratings),
        silent(ratings, active=active, since=since, today=today),
    ]
    return [f for f in found if f is not None]

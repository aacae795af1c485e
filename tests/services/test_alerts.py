"""Each alert rule on its own, and at its edges."""

from datetime import date, timedelta

from app.interventions import alerts
from app.interventions.alerts import Flag, Rated

TODAY = date(2026, 6, 1)


def r(value: int, days_ago: int = 1) -> Rated:
    return Rated(value=value, at=TODAY - timedelta(days=days_ago))


def test_low_when_latest_is_three_or_less() -> None:
    assert alerts.low([r(8), r(3)]) == Flag("low", {"value": 3})
    assert alerts.low([r(0)]) == Flag("low", {"value": 0})
    assert alerts.low([r(2), r(4)]) is None
    assert alerts.low([]) is None


def test_fell_when_three_or_more_below_the_one_before() -> None:
    assert alerts.fell([r(9), r(6)]) == Flag("fell", {"before": 9, "value": 6})
    assert alerts.fell([r(9), r(7)]) is None
    assert alerts.fell([r(2), r(9)]) is None
    assert alerts.fell([r(9)]) is None
    # Only the latest two count.
    assert alerts.fell([r(10), r(4), r(5)]) is None


def test_silent_after_thirty_days_while_active() -> None:
    start = TODAY - timedelta(days=90)
    assert alerts.silent([r(7, 30)], active=True, since=start, today=TODAY) == Flag("silent", {"days": 30})
    assert alerts.silent([r(7, 29)], active=True, since=start, today=TODAY) is None
    assert alerts.silent([r(7, 60)], active=False, since=start, today=TODAY) is None
    # Never rated: counted from the start.
    assert alerts.silent([], active=True, since=TODAY - timedelta(days=31), today=TODAY) == Flag(
        "silent", {"days": 31}
    )
    assert alerts.silent([], active=True, since=TODAY - timedelta(days=5), today=TODAY) is None


def test_flags_combines_rules_and_says_why() -> None:
    found = alerts.flags([r(8, 40), r(2, 35)], active=True, since=TODAY, today=TODAY)
    assert [f.rule for f in found] == ["low", "fell", "silent"]
    assert found[1].message % found[1].values == "The rating fell from 8 to 2."
    assert alerts.flags([r(7)], active=True, since=TODAY, today=TODAY) == []


def test_declined_flags_with_the_reason_first() -> None:
    """Issue 21, item 15: "I'd rather not" is a flag, with the citizen's own words."""
    assert alerts.declined(rather_not=True, reason="Ikke nu") == Flag("declined", {"reason": "Ikke nu"})
    assert alerts.declined(rather_not=True, reason="") == Flag("declined_silent")
    assert alerts.declined(rather_not=False, reason="Ikke nu") is None
    found = alerts.flags([r(2)], active=False, since=TODAY, today=TODAY, rather_not=True, reason="Nej")
    assert [f.rule for f in found] == ["declined", "low"]

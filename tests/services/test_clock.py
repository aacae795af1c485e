"""The one clock: stored moments are aware UTC, "today" is the date in Copenhagen, also on the
nights the clocks change (the last Sundays of March and October)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app import clock
from app.models.base import utcnow
from tests.conftest import FrozenClock


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "copenhagen_date"),
    [
        # New Year's Eve in winter time (UTC+1): Copenhagen is already in the new year at 23:00 UTC.
        (utc(2026, 12, 31, 22, 59), date(2026, 12, 31)),
        (utc(2026, 12, 31, 23, 0), date(2027, 1, 1)),
        (utc(2026, 12, 31, 23, 30), date(2027, 1, 1)),
        # Summer time begins on 29 March 2026: that day starts at 23:00 UTC (still UTC+1) ...
        (utc(2026, 3, 28, 22, 59), date(2026, 3, 28)),
        (utc(2026, 3, 28, 23, 0), date(2026, 3, 29)),
        # ... and the next at 22:00 UTC (now UTC+2).
        (utc(2026, 3, 29, 21, 59), date(2026, 3, 29)),
        (utc(2026, 3, 29, 22, 0), date(2026, 3, 30)),
        # Summer time ends on 25 October 2026: that day starts at 22:00 UTC (still UTC+2) ...
        (utc(2026, 10, 24, 21, 59), date(2026, 10, 24)),
        (utc(2026, 10, 24, 22, 0), date(2026, 10, 25)),
        # ... and lasts 25 hours, to 23:00 UTC (now UTC+1).
        (utc(2026, 10, 25, 22, 30), date(2026, 10, 25)),
        (utc(2026, 10, 25, 23, 0), date(2026, 10, 26)),
    ],
)
def test_today_is_the_date_in_copenhagen(
    frozen_clock: FrozenClock, moment: datetime, copenhagen_date: date
) -> None:
    frozen_clock.set(moment)
    assert clock.today() == copenhagen_date


def test_now_is_aware_utc_whatever_zone_the_source_gives(frozen_clock: FrozenClock) -> None:
    frozen_clock.set(datetime(2027, 1, 1, 0, 30, tzinfo=clock.ZONE))
    assert clock.now() == utc(2026, 12, 31, 23, 30)
    assert clock.now().tzinfo is UTC
    # The models' default timestamps are the same clock.
    assert utcnow() == clock.now()


def test_the_clock_follows_the_test_when_it_moves(frozen_clock: FrozenClock) -> None:
    frozen_clock.set(utc(2026, 12, 31, 22, 30))
    assert clock.today() == date(2026, 12, 31)
    frozen_clock.advance(timedelta(hours=1))
    assert clock.today() == date(2027, 1, 1)


def test_local_tells_the_repeated_hour_apart() -> None:
    # On 25 October 2026 the wall clock shows 02:30 twice: first in summer time, then in winter time.
    first, second = clock.local(utc(2026, 10, 25, 0, 30)), clock.local(utc(2026, 10, 25, 1, 30))
    assert (first.hour, first.minute) == (second.hour, second.minute) == (2, 30)
    assert first.utcoffset() == timedelta(hours=2)
    assert second.utcoffset() == timedelta(hours=1)


def test_the_clock_reads_the_system_time_unless_a_test_sets_it() -> None:
    assert clock.source is clock.system_time
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)

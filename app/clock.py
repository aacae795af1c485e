"""The one clock. Moments are stored as aware UTC; "today" is the date on the job centre's wall
in Europe/Copenhagen, so a card due today turns overdue at Copenhagen's midnight, not the
server's. Nothing else in the app asks the system for the date or the time. It imports nothing
from the app, so every layer can use it, the models' default timestamps too."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TIMEZONE = "Europe/Copenhagen"
ZONE = ZoneInfo(TIMEZONE)


def system_time() -> datetime:
    return datetime.now(UTC)


# Where every reading of the time comes from. Tests replace this one name to set the clock;
# everything below reads it on each call, so a replacement reaches the whole app at once.
source: Callable[[], datetime] = system_time


def now() -> datetime:
    """The current moment, aware and in UTC: what Tavle stores."""
    return source().astimezone(UTC)


def local(moment: datetime) -> datetime:
    """The same moment on the wall clock in Copenhagen."""
    return moment.astimezone(ZONE)


def today() -> date:
    """The date in Copenhagen right now."""
    return local(now()).date()

"""Changes of who may see what: published with the change, so every open view concerned checks
its viewer again at once, in every process, and ends when the answer is no."""

from collections.abc import Iterable

from app.live.hub import ACCESS, Event, board_channel, caseload_channel, person_channel
from app.live.unit_of_work import UnitOfWork


def access_changed(
    work: UnitOfWork,
    *,
    boards: Iterable[int] = (),
    people: Iterable[int] = (),
    caseloads: Iterable[int] = (),
) -> None:
    """`boards`: citizens whose board views must check again; `people`: persons whose own
    views (all their streams) must; `caseloads`: consultants whose caseload views must."""
    channels = [
        *(board_channel(i) for i in boards),
        *(person_channel(i) for i in people),
        *(caseload_channel(i) for i in caseloads),
    ]
    for channel in dict.fromkeys(channels):
        work.publish(Event(channel=channel, version=0, kind=ACCESS))

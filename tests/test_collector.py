"""The collector's settings for a server with many open streams (app.core.collector)."""

import gc
from collections.abc import Iterator

import pytest

from app.core import collector


@pytest.fixture
def restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored")
def test_start_up_objects_are_frozen_and_young_collections_come_less_often() -> None:
    made_at_start_up = [object() for _ in range(1000)]
    collector.settle()
    assert gc.get_freeze_count() >= len(made_at_start_up)
    assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD


@pytest.mark.usefixtures("restored")
def test_cycles_are_still_collected() -> None:
    collector.settle()

    class Node:
        other: "Node"

    a, b = Node(), Node()
    a.other, b.other = b, a
    del a, b
    assert gc.collect() >= 2

"""The collector's settings for a server with many open streams (app.core.collector).

Each check runs in an interpreter of its own: the settings belong to the whole process, and
undoing them in a test worker that has started hundreds of apps would make its next collection
walk every object they left."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def in_a_fresh_interpreter(code: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr


def test_start_up_objects_are_frozen_and_young_collections_come_less_often() -> None:
    in_a_fresh_interpreter(
        """
        import gc
        from app.core import collector
        made_at_start_up = [object() for _ in range(1000)]
        collector.settle()
        assert gc.get_freeze_count() >= len(made_at_start_up)
        assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
        """
    )


def test_cycles_are_still_collected() -> None:
    in_a_fresh_interpreter(
        """
        import gc
        from app.core import collector
        collector.settle()
        class Node:
            pass
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2
        """
    )


def test_a_failed_check_fails_the_test() -> None:
    try:
        in_a_fresh_interpreter("assert 1 == 2, 'the check ran'")
    except AssertionError as failed:
        assert "the check ran" in str(failed)
    else:
        raise AssertionError("a failing check in the fresh interpreter passed")

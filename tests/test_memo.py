"""The small process-local map behind every cache: size, age, and refusing stale fills."""

from app.core.memo import MISSING, Memo


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_kept_until_it_is_too_old() -> None:
    clock = Clock()
    memo: Memo[str, int] = Memo(size=10, seconds=60, clock=clock)
    assert memo.put("a", 1, memo.generation)
    clock.now = 59.9
    assert memo.get("a") == 1
    clock.now = 60.1
    assert memo.get("a") is MISSING


def test_values_stored_together_expire_spread_over_the_last_part_of_the_age_limit() -> None:
    clock = Clock()
    memo: Memo[int, int] = Memo(size=1000, seconds=60, spread=0.5, clock=clock)
    for n in range(1000):
        memo.put(n, n, memo.generation)
    clock.now = 29.9
    assert all(memo.get(n) == n for n in range(1000))
    clock.now = 45
    left = sum(1 for n in range(1000) if memo.get(n) == n)
    assert 300 < left < 700  # about half gone by three quarters of the limit
    clock.now = 60.1
    assert all(memo.get(n) is MISSING for n in range(1000))


def test_the_least_recently_stored_goes_first_when_full() -> None:
    memo: Memo[int, int] = Memo(size=3, seconds=60)
    for n in range(5):
        memo.put(n, n, memo.generation)
    assert [memo.get(n) for n in range(5)] == [MISSING, MISSING, 2, 3, 4]


def test_a_read_made_before_a_change_is_not_stored_after_it() -> None:
    memo: Memo[str, str] = Memo(size=10, seconds=60)
    generation = memo.generation  # a reader starts reading the row ...
    memo.drop(["a"])  # ... a change to the row commits meanwhile ...
    assert not memo.put("a", "old", generation)  # ... so what the reader saw is refused
    assert memo.get("a") is MISSING
    assert memo.put("a", "new", memo.generation)
    assert memo.get("a") == "new"


def test_a_change_to_another_row_does_not_refuse_a_read() -> None:
    memo: Memo[str, str] = Memo(size=10, seconds=60)
    generation = memo.generation  # a reader starts reading row "a" ...
    memo.drop(["b"])  # ... while row "b" changes
    assert memo.put("a", "fresh", generation)
    assert memo.get("a") == "fresh"


def test_a_read_is_refused_when_the_change_it_may_have_missed_is_forgotten() -> None:
    memo: Memo[int, str] = Memo(size=2, seconds=60)
    generation = memo.generation
    memo.drop([1])
    memo.drop([2, 3])  # more drops than the memo remembers: the one of key 1 is forgotten
    assert not memo.put(1, "old", generation)
    assert not memo.put(4, "maybe old", generation)
    assert memo.put(1, "new", memo.generation)


def test_clearing_refuses_every_read_in_flight() -> None:
    memo: Memo[tuple[int, int], str] = Memo(size=10, seconds=60)
    before = memo.generation
    memo.clear()
    assert not memo.put((1, 1), "old", before)
    assert not memo.put((2, 2), "old", before)  # any key: it may have been read before
    assert memo.put((1, 2), "new", memo.generation)


def test_dropping_and_clearing() -> None:
    memo: Memo[tuple[int, int], bool] = Memo(size=10, seconds=60)
    for key in ((1, 1), (1, 2), (2, 1)):
        memo.put(key, True, memo.generation)
    memo.drop([(1, 1), (1, 2)])
    assert memo.get((1, 1)) is MISSING and memo.get((2, 1)) is True
    memo.clear()
    assert len(memo) == 0

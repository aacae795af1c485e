"""A small process-local map with a size bound, an age limit, and a generation counter that
makes filling it safe against changes committed meanwhile.

The pattern every user follows: read `generation`, then read the database, then `put` with that
generation. A change drops its keys (and raises the generation) only after it has committed, so
a read that could have seen the world before the change is either dropped with the key or
refused by `put`.

Only a read of a key dropped meanwhile is refused, not every read in flight: with changes
committing hundreds of times a second, refusing all of them would leave the caches empty just
when they matter most. Each dropped key remembers when it went (the most recent `size` of them;
a fill that began before the oldest forgotten drop is refused, to be safe)."""

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing()


class Memo(Generic[K, V]):
    def __init__(
        self,
        *,
        size: int,
        seconds: float,
        spread: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`spread`: a value is kept between (1 - spread) × `seconds` and `seconds`, at random,
        so values stored together (every viewer reconnecting after a restart) do not all
        expire in the same instant and send every request to the database at once."""
        self.size = size
        self.seconds = seconds
        self.spread = spread
        self.clock = clock
        self.generation = 0
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        # Key -> the generation that dropped it; a fill begun before `_floor` is refused.
        self._dropped: OrderedDict[K, int] = OrderedDict()
        self._floor = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | Missing:
        """The value, or MISSING when there is none or it is older than the age limit."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return MISSING
            if item[0] < self.clock():
                del self._items[key]
                return MISSING
            return item[1]

    def put(self, key: K, value: V, generation: int) -> bool:
        """Keeps `value` if nothing was dropped since `generation` was read; says whether it did."""
        with self._lock:
            if generation < self._floor or self._dropped.get(key, 0) > generation:
                return False
            self._items[key] = (self.clock() + self.seconds * (1 - self.spread * random.random()), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return True

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value, made (and kept, by the pattern above) when there is none."""
        found = self.get(key)
        if not isinstance(found, Missing):
            return found
        generation = self.generation
        value = make()
        self.put(key, value, generation)
        return value

    def drop(self, keys: Iterable[K]) -> None:
        with self._lock:
            self.generation += 1
            for key in keys:
                self._items.pop(key, None)
                self._dropped[key] = self.generation
                self._dropped.move_to_end(key)
            while len(self._dropped) > self.size:
                self._floor = max(self._floor, self._dropped.popitem(last=False)[1])

    def clear(self) -> None:
        """Drops everything; a fill of any key in flight is refused."""
        with self._lock:
            self.generation += 1
            self._floor = self.generation
            self._dropped.clear()
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

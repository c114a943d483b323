"""Two small thread-safe holders for what the search service keeps per index generation.

A generation never changes once published, so what is learnt about it (a word's document
frequency, its other forms, the autocomplete tables) stays true until the next one: it is kept,
bounded, and shared by every thread that serves it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


class Cache(Generic[K, V]):
    """At most ``size`` entries, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def update(self, items: dict[K, V]) -> None:
        for key, value in items.items():
            self.put(key, value)


class Lazy(Generic[T]):
    """A value built once, by the first thread that asks (others asking meanwhile wait for it)."""

    def __init__(self) -> None:
        self._value: T | None = None
        self._lock = threading.Lock()  # held while building (seconds, for some tables)
        self._starting = threading.Lock()  # never held long: ``start`` must not wait for a build
        self._builder: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self._value is not None

    def get(self, build: Callable[[], T]) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = build()
        return self._value

    def start(self, run: Callable[[], object], name: str) -> None:
        """Run ``run`` (which builds the value) in a thread of its own, once: a thread has its own
        view of the index, so it cannot borrow the caller's."""
        with self._starting:
            if self._value is not None or self._builder is not None:
                return
            self._builder = threading.Thread(target=run, name=name, daemon=True)
            self._builder.start()

"""What the search service learns about one index generation, kept while it is the live one.

A published generation never changes, so a word's frequency, its written form and other
inflections, the sound-alike and autocomplete tables and the per-day counts of all articles stay
true until a reindex publishes the next one. Every thread serving the generation shares them;
the tables of older generations go when a newer one is first seen.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from indexer.caches import Cache, Lazy
from indexer.engines.base import Snapshot
from indexer.patterns import Found
from indexer.suggest import Suggester
from indexer.vocabulary import FORMS_CACHE, PATTERNS_CACHE, SURFACE_CACHE, SoundIndex, Vocabulary

BACKGROUNDS = 64  # sets of filters whose per-day article counts are kept
DF_CACHE = 200_000  # document frequencies kept for the characteristic words


@dataclass
class GenerationTables:
    surface: Cache[str, str] = field(default_factory=lambda: Cache(SURFACE_CACHE))
    forms: Cache[str, list[tuple[str, int]]] = field(default_factory=lambda: Cache(FORMS_CACHE))
    sounds: Lazy[SoundIndex] = field(default_factory=Lazy)
    suggester: Lazy[Suggester] = field(default_factory=Lazy)
    # All articles per day under a set of filters (the share of attention divides by them).
    backgrounds: Cache[tuple[Any, ...], dict[int, int]] = field(default_factory=lambda: Cache(BACKGROUNDS))
    doc_frequencies: Cache[str, int] = field(default_factory=lambda: Cache(DF_CACHE))
    count: Lazy[int] = field(default_factory=Lazy)
    patterns: Cache[tuple[str, tuple[str, ...]], Found] = field(default_factory=lambda: Cache(PATTERNS_CACHE))
    # The newest article's date not after a day (every page's quick date ranges count back from
    # it): (date or None,), by that day.
    newest: Cache[date, tuple[date | None]] = field(default_factory=lambda: Cache(4))

    def doc_count(self, snap: Snapshot) -> int:
        return self.count.get(snap.doc_count)

    def sound_index(self, snap: Snapshot) -> SoundIndex:
        return self.sounds.get(lambda: SoundIndex(snap.vocabulary()))

    def vocabulary(self, snap: Snapshot) -> Vocabulary:
        """One search's view of the index's words, over this generation's shared tables."""
        return Vocabulary(
            snap,
            lambda: self.sound_index(snap),
            self.surface,
            lambda: self.doc_count(snap),
            self.forms,
            self.patterns,
        )

    def suggest_tables(self, snap: Snapshot) -> Suggester:
        return self.suggester.get(lambda: Suggester(snap.titles(), snap.pipeline))


class Generations:
    """The tables of the live generation (older ones are dropped: only old snapshots want them)."""

    def __init__(self) -> None:
        self._tables: dict[str, GenerationTables] = {}
        self._lock = threading.Lock()

    def of(self, snap: Snapshot) -> GenerationTables:
        tables = self._tables.get(snap.generation)
        if tables is None:
            with self._lock:
                tables = self._tables.get(snap.generation)
                if tables is None:
                    self._tables = {snap.generation: GenerationTables()}
                    tables = self._tables[snap.generation]
        return tables

"""Which index terms a pattern stands for, found in bounded work.

A pattern matches words as the articles write them (normalised as every query word is): the
engine looks it up in its generation's table of written words (``indexer.words``), each with its
index term. The index keeps stems, so ``बच्चे*`` stands for बच्च (which articles write बच्चे
for), and it finds, as a search for बच्चे would, the articles with its other forms too (बच्चा,
बच्चों); ``*ाओं`` stands for the terms of words written with that ending. A word is matched
with ``glob_match``, which never backtracks.

A pattern stands for at most MAX_PATTERN_WORDS written words (the first in code-point order, the
same in every engine), and one search's patterns may look at MAX_EXAMINED words or facet values
in all; beyond either, the search says it was cut short (note ``pattern_truncated``).

A facet's pattern (``category:खेल*``) matches its values as written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from indexer.engines.base import Snapshot
from indexer.query.glob import glob_match
from indexer.query.tree import TEXT_FIELDS, Pattern
from indexer.words import WordTable

MAX_PATTERN_WORDS = 10_000  # written words one pattern stands for
MAX_EXAMINED = 1_000_000  # written words (or facet values) one search's patterns may look at


@dataclass
class Budget:
    """The work one search's patterns may still do."""

    left: int = field(default_factory=lambda: MAX_EXAMINED)

    def take(self, n: int = 1) -> bool:
        """``n`` more words looked at; False when they were more than were left."""
        ok = n <= self.left
        self.left = max(0, self.left - n)
        return ok


@dataclass(frozen=True)
class Found:
    terms: tuple[str, ...]
    truncated: bool  # more words matched than were kept, or the budget ran out
    complete: bool = True  # False: the budget ran out (another search may find more)


def scan(table: WordTable, pattern: str, limit: int, budget: Budget) -> tuple[list[tuple[str, str]], bool]:
    """(word, term) of the table's words matching ``pattern``, in order, at most ``limit`` + 1
    (one more than asked says there were more); and False when the budget ran out first. How
    the Whoosh engine looks patterns up."""
    out: list[tuple[str, str]] = []
    for i in table.span(pattern.split("*", 1)[0]):
        if not budget.take():
            return out, False
        if glob_match(pattern, table.words[i]):
            out.append((table.words[i], table.terms[i]))
            if len(out) > limit:
                break
    return out, True


def text_terms(pattern: Pattern, snap: Snapshot, budget: Budget) -> Found:
    """The title and body terms of the written words ``pattern`` matches."""
    pairs, complete = snap.written_words(pattern.pattern, MAX_PATTERN_WORDS, budget)
    truncated = not complete or len(pairs) > MAX_PATTERN_WORDS
    terms = dict.fromkeys(t for _, t in pairs[:MAX_PATTERN_WORDS])
    return Found(tuple(sorted(terms)), truncated, complete)


def facet_values(pattern: Pattern, snap: Snapshot, budget: Budget) -> Found:
    """The values of ``pattern``'s facet it matches, as written."""
    (facet,) = pattern.fields
    return _collect(snap.field_values(facet), lambda v: glob_match(pattern.pattern, v), budget)


def _collect(candidates: Iterable[str], matches: Callable[[str], bool], budget: Budget) -> Found:
    found: list[str] = []
    truncated, complete = False, True
    for value in candidates:
        if not budget.take():
            truncated, complete = True, False
            break
        if matches(value):
            if len(found) >= MAX_PATTERN_WORDS:
                truncated = True
                break
            found.append(value)
    return Found(tuple(found), truncated, complete)


def stands_for(pattern: Pattern, snap: Snapshot, budget: Budget) -> Found:
    """The index terms (or facet values) ``pattern`` stands for in ``snap``."""
    if any(f in TEXT_FIELDS for f in pattern.fields):
        return text_terms(pattern, snap, budget)
    return facet_values(pattern, snap, budget)

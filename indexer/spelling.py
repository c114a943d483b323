"""Spelling neighbours from the index vocabulary, measured in grapheme clusters.

A reader who writes ि for ी, drops an anusvara or spells a foreign name another way
(ह्यूगनॉट्स / ह्यूगेनॉट्स) is one or two *letters* away, where a letter is a grapheme cluster
(क्ष, त्रि, हुँ): a wrong matra is one edit, not a code-point accident.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from indexer.analysis.graphemes import boundaries


@lru_cache(maxsize=65_536)
def graphemes(word: str) -> tuple[str, ...]:
    b = boundaries(word)
    return tuple(word[i:j] for i, j in itertools.pairwise(b))


def grapheme_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count one) over grapheme clusters."""
    x, y = graphemes(a), graphemes(b)
    if x == y:
        return 0
    prev2: list[int] = []
    prev = list(range(len(y) + 1))
    for i in range(1, len(x) + 1):
        cur = [i] + [0] * len(y)
        for j in range(1, len(y) + 1):
            cost = 0 if x[i - 1] == y[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and x[i - 1] == y[j - 2] and x[i - 2] == y[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def max_edits(word: str) -> int:
    """How far a neighbour may be: short words have too many neighbours to allow two edits.

    Index terms are stems, so a two-letter term can stand for a longer word (सीमाओं -> सीम).
    """
    n = len(graphemes(word))
    return 0 if n < 2 else 1 if n < 6 else 2


@dataclass(frozen=True)
class Neighbour:
    term: str
    edits: int
    doc_frequency: int


def neighbours(
    word: str,
    candidates: Callable[[str, int], Iterable[str]],
    doc_frequency: Callable[[str], int],
    limit: int = 3,
) -> list[Neighbour]:
    """The vocabulary terms closest to ``word``: fewest grapheme edits first, then most frequent.

    ``candidates(word, maxdist)`` proposes terms within a code-point distance (a cheap
    automaton over the term list); they are then measured in graphemes.
    """
    most = max_edits(word)
    if most == 0:
        return []
    # One grapheme can hold up to three code points (क्ष), so cast the net wider, then measure.
    found = []
    for term in candidates(word, most + 1):
        if term == word:
            continue
        d = grapheme_distance(word, term)
        if 0 < d <= most and (df := doc_frequency(term)) > 0:  # a term of deleted articles only: none
            found.append(Neighbour(term, d, df))
    found.sort(key=lambda n: (n.edits, -n.doc_frequency, n.term))
    return found[:limit]

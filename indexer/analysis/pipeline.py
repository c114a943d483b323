"""The analysis chain for one word and for a whole text.

word -> normalize (each rule) -> stopword? -> stem. Results are cached per word type: news
text repeats its words, and the chain is pure.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from indexer.analysis.normalize import normalize
from indexer.analysis.stem import stem
from indexer.analysis.stopwords import is_stopword
from indexer.analysis.tokenize import words


class Term(NamedTuple):
    text: str  # the index term
    start: int  # offsets of the surface word in the analysed text
    end: int
    stop: bool


@lru_cache(maxsize=262_144)
def analyze_word(word: str) -> tuple[str, bool]:
    """The index term for one surface word and whether it is a stopword."""
    norm = normalize(word)
    if is_stopword(norm):
        return norm, True
    return stem(norm), False


def terms(text: str) -> Iterator[Term]:
    """Every word of ``text`` with its term; stopwords are included and flagged."""
    for w in words(text):
        term, stop = analyze_word(w.text)
        if term:
            yield Term(term, w.start, w.end, stop)

"""The words the articles of an index generation write, as written (normalised), each with its
index term and how many article fields (titles and bodies apart) write it.

Patterns are matched against these words (``indexer.patterns``): the index keeps stems, so
``बच्चे*`` cannot be matched against the stem बच्च, but the table knows that articles write
बच्चे and that its term is बच्च. It is kept exact through incremental reindexes: the words of
a deleted article are counted out again, and a word no article writes any more leaves it.

Every engine stores the table with each generation (a sorted TSV file in a Whoosh generation,
an index of its own in a cluster); this module is the counting and the file format.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.analysis.pipeline import Pipeline
from indexer.records import Article

FILE = "khabar-words.tsv"
# Longer "words" (a URL, a run of digits) are left out: no pattern is meant for them, and a
# cluster refuses keyword terms of over 32,766 bytes.
MAX_WORD_CHARS = 200
_END = "\U0010ffff"  # sorts after every word that starts with a given prefix


def article_words(article: Article, pipeline: Pipeline) -> list[set[tuple[str, str]]]:
    """(word, term) pairs of the article's title and of its body, each field counted once."""
    return [pipeline.written(article.title), pipeline.written(article.body)]


def stored_words(fields: dict[str, str], pipeline: Pipeline) -> list[set[tuple[str, str]]]:
    """The same for an article as an engine stored it (to count a deleted article out)."""
    return [pipeline.written(fields.get("title", "")), pipeline.written(fields.get("body", ""))]


class WordCounts:
    """word -> [term, article fields writing it]."""

    def __init__(self) -> None:
        self.counts: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.counts)

    def add(self, fields: Iterable[set[tuple[str, str]]], by: int = 1) -> None:
        """Count each (word, term) pair of each field ``by`` times."""
        counts = self.counts
        for pairs in fields:
            for word, term in pairs:
                if len(word) > MAX_WORD_CHARS:
                    continue
                entry = counts.get(word)
                if entry is None:
                    counts[word] = [term, by]
                else:
                    entry[1] += by

    def remove(self, fields: Iterable[set[tuple[str, str]]]) -> None:
        """Count the fields out (a table of changes may go below zero)."""
        self.add(fields, by=-1)

    def merge(self, other: WordCounts) -> None:
        for word, (term, n) in other.counts.items():
            entry = self.counts.get(word)
            if entry is None:
                self.counts[word] = [term, n]
            else:
                entry[1] += n

    def items(self) -> Iterator[tuple[str, str, int]]:
        """(word, term, count) of the words still written, in code-point order."""
        for word in sorted(self.counts):
            term, n = self.counts[word]
            if n > 0:
                yield word, term, n

    # -- the file -----------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for word, term, n in self.items():
                fh.write(f"{word}\t{term}\t{n}\n")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> WordCounts:
        found = cls()
        with path.open(encoding="utf-8", newline="\n") as fh:
            for line in fh:
                word, term, n = line.rstrip("\n").split("\t")
                found.counts[word] = [term, int(n)]
        return found


class WordTable:
    """The words written, sorted, for looking patterns up (read-only once built)."""

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        pairs = sorted(rows)
        self.words = [w for w, _ in pairs]
        self.terms = [t for _, t in pairs]

    @classmethod
    def read(cls, path: Path) -> WordTable:
        """The table of a saved file (empty when there is none: an index built before it)."""
        if not path.exists():
            return cls([])
        with path.open(encoding="utf-8", newline="\n") as fh:
            return cls(tuple(line.split("\t", 2)[:2]) for line in fh)  # type: ignore[misc]

    def span(self, prefix: str) -> range:
        """Positions of the words that start with ``prefix``."""
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + _END) if prefix else len(self.words)
        return range(lo, hi)

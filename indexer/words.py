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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from indexer.analysis.pipeline import Pipeline
from indexer.records import Article

FILE = "khabar-words.tsv"
# Longer "words" (a URL, a run of digits) are left out: no pattern is meant for them, and a
# cluster refuses keyword terms of over 32,766 bytes.
MAX_WORD_CHARS = 200
_END = "\U0010ffff"  # sorts after every word that starts with a given prefix


Pairs = list[tuple[str, str]]  # (word, term) of each distinct spelling in one field


def article_words(article: Article, pipeline: Pipeline) -> list[Pairs]:
    """The words of the article's title and of its body (``Pipeline.written``)."""
    return [pipeline.written(article.title), pipeline.written(article.body)]


def stored_words(fields: dict[str, str], pipeline: Pipeline) -> list[Pairs]:
    """The same for an article as an engine stored it (to count a deleted article out)."""
    return [pipeline.written(fields.get("title", "")), pipeline.written(fields.get("body", ""))]


class WordCounts:
    """(word, term) -> how many article fields write it (a field with two spellings of it,
    बाज़ार and बाजार, counts twice: counted out the same way, it still reaches zero when no field
    writes it). A word always has the same term, so each word is one key; counting is a
    ``Counter`` update, in C: it is done for every field of every article a reindex reads."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def __len__(self) -> int:
        return len(self.counts)

    def add(self, fields: Iterable[Pairs]) -> None:
        update = self.counts.update
        for pairs in fields:
            update(pairs)

    @classmethod
    def of_spellings(cls, spellings: Counter[str], pipeline: Pipeline) -> WordCounts:
        """The counts of distinct spellings per field (what the Whoosh analyzer counts as it
        goes, the cheapest count there is), as words and terms."""
        found = cls()
        pair = pipeline.written_pair
        for w, n in spellings.items():
            found.counts[pair(w)] += n
        return found

    def remove(self, fields: Iterable[Pairs]) -> None:
        """Count the fields out (a table of changes may go below zero)."""
        for pairs in fields:
            self.counts.subtract(pairs)

    def merge(self, other: WordCounts) -> None:
        self.counts.update(other.counts)

    def changes(self) -> Iterator[tuple[str, str, int]]:
        """(word, term, count) of every word counted, zero and below included, in code-point
        order; the over-long ones left out."""
        for (word, term), n in sorted(self.counts.items()):
            if len(word) <= MAX_WORD_CHARS:
                yield word, term, n

    def items(self) -> Iterator[tuple[str, str, int]]:
        """(word, term, count) of the words still written, in code-point order."""
        return ((w, t, n) for w, t, n in self.changes() if n > 0)

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
                found.counts[(word, term)] = int(n)
        return found


class WordTable:
    """The words written, sorted, for looking patterns up (read-only once built)."""

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        pairs = sorted(rows)
        self.words = [w for w, _ in pairs]
        self.terms = [t for _, t in pairs]

    @classmethod
    def read(cls, path: Path, terms: Callable[[], Iterable[str]]) -> WordTable:
        """The table of a saved file. An index built before there was one has its ``terms``
        stand for themselves (patterns then meet stems, as they did; its next reindex is full)."""
        if not path.exists():
            return cls((t, t) for t in set(terms()))
        with path.open(encoding="utf-8", newline="\n") as fh:
            return cls(tuple(line.split("\t", 2)[:2]) for line in fh)  # type: ignore[misc]

    def span(self, prefix: str) -> range:
        """Positions of the words that start with ``prefix``."""
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + _END) if prefix else len(self.words)
        return range(lo, hi)

"""Words that characterise a set of articles: over-represented in it against the whole archive.

The statistic is JLH, the default of Elasticsearch's ``significant_terms``/``significant_text``:
with ``fg`` the share of the sampled articles holding a word and ``bg`` the share of the whole
archive, ``score = (fg - bg) * (fg / bg)``. Its first factor rewards words that are common in the
results, its second words that are rare elsewhere. Like ``significant_text``, it reads a sample
(the best-ranked results) rather than every match, and needs a word in a few sampled articles
before it counts (one article's name or typo is not a theme).

What it reads of each sampled article is the set of distinct words its title and body write
(as written, stopwords left out). An engine keeps those sets
with each generation (``SampleWords``), written at index time, so a search counts word ids
rather than analysing thirty bodies again (about 10 ms a search at 100,000 articles, measured
in docs/performance.md); ``characteristic_words`` analyses texts, for a generation written
before the sets were kept and as the oracle of the tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from indexer.analysis.pipeline import Pipeline
from indexer.words import MAX_WORD_CHARS

SAMPLE = 30  # best-ranked results read
SHOWN = 15
MIN_SHARE = 0.1  # a word must be in at least this share of the sampled articles ...
MIN_DOCS = 2  # ... and in at least this many


@dataclass(frozen=True)
class Word:
    term: str  # the index term
    word: str  # its most common written form in the sample
    count: int  # sampled articles holding it
    score: float


class Lexicon:
    """Words by id, each with the id of its index term (numpy arrays, for counting a sample in
    a few array operations). What is learnt of a term (whether it has a letter, its document
    frequency) is kept by term id: a generation's lexicon serves every search of it."""

    def __init__(self, words: Sequence[str], terms: Sequence[str]) -> None:
        self.words = words
        ids: dict[str, int] = {}
        self.term_of = np.fromiter(
            (ids.setdefault(t, len(ids)) for t in terms), dtype=np.int32, count=len(terms)
        )
        self.term_id = ids
        self.terms = list(ids)
        self._letters = np.full(len(self.terms), -1, dtype=np.int8)  # -1: not looked at yet
        self._df = np.full(len(self.terms), -1, dtype=np.int64)

    @classmethod
    def of(cls, words: Iterable[str], pipeline: Pipeline) -> Lexicon:
        """The lexicon of some words, their terms as ``pipeline`` analyses them."""
        listed = list(words)
        return cls(listed, [pipeline.written_pair(w)[1] for w in listed])

    def lettered(self, ids: np.ndarray) -> np.ndarray:
        """Which of the terms ``ids`` are words with a letter (not a number or a mark)."""
        # The answer is built on a copy: a growing lexicon may replace the arrays meanwhile.
        known = self._letters[ids]
        for at in np.flatnonzero(known < 0).tolist():
            i = int(ids[at])
            term = self.terms[i]
            known[at] = bool(term) and any(ch.isalpha() for ch in term)
            self._letters[i] = known[at]
        return known > 0

    def frequencies(
        self, ids: np.ndarray, doc_frequencies: Callable[[list[str]], dict[str, int]]
    ) -> np.ndarray:
        """The document frequencies of the terms ``ids``, asked of ``doc_frequencies`` once."""
        known = self._df[ids]
        unknown = known < 0
        missing = np.unique(ids[unknown])
        if len(missing):
            terms = [self.terms[i] for i in missing.tolist()]
            found = doc_frequencies(terms)
            counts = np.fromiter((found.get(t, 0) for t in terms), dtype=np.int64, count=len(terms))
            self._df[missing] = counts
            known[unknown] = counts[np.searchsorted(missing, ids[unknown])]
        return known


class GrowingLexicon(Lexicon):
    """A generation's lexicon learnt as searches meet its words: for an engine that keeps each
    article's words as text (OpenSearch's stored field), so that a search analyses only the
    words no search of the generation has met yet, and what is learnt of a term (its letters,
    its document frequency) serves the searches after it. Shared by the generation's threads;
    it grows to the generation's vocabulary at most."""

    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__([], [])
        self.words: list[str] = []  # appended to (the base class only reads its sequence)
        self.pipeline = pipeline
        self.word_id: dict[str, int] = {}
        self._lock = threading.Lock()

    def ids(self, words: Sequence[str]) -> np.ndarray:
        """The ids of ``words`` (int32, in order), new ones added."""
        found = list(map(self.word_id.get, words))
        if None in found:
            new = list(dict.fromkeys(w for w, i in zip(words, found, strict=True) if i is None))
            terms = [self.pipeline.written_pair(w)[1] for w in new]  # analysed outside the lock
            with self._lock:
                self._add(new, terms)
            found = list(map(self.word_id.get, words))
        return np.array(found, dtype=np.int32)

    def _add(self, words: list[str], terms: list[str]) -> None:
        first = len(self.words)
        appended: list[str] = []
        term_of: list[int] = []
        added = 0
        for w, t in zip(words, terms, strict=True):
            if w in self.word_id:  # another thread added it meanwhile
                continue
            if t not in self.term_id:
                self.term_id[t] = len(self.terms)
                self.terms.append(t)
                added += 1
            term_of.append(self.term_id[t])
            appended.append(w)
        self.words.extend(appended)
        # Every array is long enough before a new word's id is published.
        self.term_of = np.concatenate((self.term_of, np.array(term_of, dtype=np.int32)))
        if added:
            self._letters = np.concatenate((self._letters, np.full(added, -1, dtype=np.int8)))
            self._df = np.concatenate((self._df, np.full(added, -1, dtype=np.int64)))
        for n, w in enumerate(appended):
            self.word_id[w] = first + n


@dataclass
class SampleWords:
    """The distinct words each sampled article writes, as ids into ``lexicon``."""

    rows: list[np.ndarray]
    lexicon: Lexicon

    @classmethod
    def of_words(cls, rows: Sequence[Iterable[str]], pipeline: Pipeline) -> SampleWords:
        """From each article's words as strings (a lexicon of just these words)."""
        index: dict[str, int] = {}
        ids = [np.fromiter((index.setdefault(w, len(index)) for w in row), dtype=np.int32) for row in rows]
        return cls(ids, Lexicon.of(index, pipeline))


def article_words(text: str, pipeline: Pipeline) -> set[str]:
    """The distinct words of an article's text as a generation keeps them: spelt as written
    (what the desk shows), no stopwords, none longer than the words table keeps."""
    return {w for w in pipeline.index_terms_and_spellings(text)[1] if len(w) <= MAX_WORD_CHARS}


def characteristic_words(
    texts: Iterable[str],
    pipeline: Pipeline,
    doc_frequencies: Callable[[list[str]], dict[str, int]],
    doc_count: int,
    exclude: Iterable[str] = (),
    shown: int = SHOWN,
) -> tuple[list[Word], int]:
    """``characteristic`` of texts (one per article), analysed here."""
    sample = SampleWords.of_words([article_words(t, pipeline) for t in texts], pipeline)
    return characteristic(sample, doc_frequencies, doc_count, exclude, shown)


def characteristic(
    sample: SampleWords,
    doc_frequencies: Callable[[list[str]], dict[str, int]],
    doc_count: int,
    exclude: Iterable[str] = (),
    shown: int = SHOWN,
) -> tuple[list[Word], int]:
    """The ``shown`` most over-represented terms of the sampled articles against an archive of
    ``doc_count`` articles whose document frequencies ``doc_frequencies`` gives; words without
    a letter and the terms in ``exclude`` are left out. Returns the words and the number of
    articles read."""
    n = len(sample.rows)
    if not n or doc_count <= 0:
        return [], n
    lex = sample.lexicon
    word_ids = np.concatenate(sample.rows).astype(np.int64) if n else np.zeros(0, np.int64)
    if not len(word_ids):
        return [], n
    article = np.repeat(np.arange(n, dtype=np.int64), [len(r) for r in sample.rows])
    term_ids = lex.term_of[word_ids].astype(np.int64)
    # Articles holding each term: (article, term) pairs counted once (two spellings of a word in
    # one article are one article).
    width = max(len(lex.terms), 1)
    held_terms, held = _counts(_distinct(article * width + term_ids) % width)
    least = max(MIN_DOCS, int(MIN_SHARE * n + 0.999)) if n >= MIN_DOCS else 1
    cand, held = held_terms[held >= least], held[held >= least]
    keep = lex.lettered(cand)
    skip = [i for t in exclude if (i := lex.term_id.get(t)) is not None]
    if skip:
        keep &= ~np.isin(cand, skip)
    cand, held = cand[keep], held[keep]
    if not len(cand):
        return [], n
    # A term the index does not count (analysis changed since) is as rare as can be.
    bg = np.maximum(lex.frequencies(cand, doc_frequencies), 1) / doc_count
    fg = held / n
    raw = (fg - bg) * (fg / bg)  # the same doubles as Python's floats give
    # Only those that can be among the first ``shown`` once rounded (ties go by term) are
    # rounded and sorted.
    near = np.flatnonzero(fg > bg)
    if len(near) > shown:
        floor = np.partition(raw[near], -shown)[-shown] - 1e-4
        near = near[raw[near] >= floor]
    scored = sorted(
        ((round(float(raw[i]), 4), lex.terms[cand[i]], i) for i in near.tolist()),
        key=lambda st: (-st[0], st[1]),
    )
    return [
        Word(t, _commonest(sample, int(cand[i]), word_ids, term_ids), int(held[i]), s)
        for s, t, i in scored[:shown]
    ], n


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a sort is cheaper than numpy's hashing unique here)."""
    keys = np.sort(keys)
    if len(keys) > 1:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


def _counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct value and how many times it occurs."""
    values = np.sort(values)
    if not len(values):
        return values, np.zeros(0, np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return values[starts], np.diff(np.append(starts, len(values)))


def _commonest(sample: SampleWords, term_id: int, word_ids: np.ndarray, term_ids: np.ndarray) -> str:
    """The form of a term most sampled articles write (a row holds each word once); ties in a
    fixed order, by code points."""
    forms, counts = np.unique(word_ids[term_ids == term_id], return_counts=True)
    words = sample.lexicon.words
    written = ((words[f], c) for f, c in zip(forms.tolist(), counts.tolist(), strict=True))
    return min(written, key=lambda wc: (-wc[1], wc[0]))[0]

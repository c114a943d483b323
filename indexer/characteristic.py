"""Words that characterise a set of articles: over-represented in it against the whole archive.

The statistic is JLH, the default of Elasticsearch's ``significant_terms``/``significant_text``:
with ``fg`` the share of the sampled articles holding a word and ``bg`` the share of the whole
archive, ``score = (fg - bg) * (fg / bg)``. Its first factor rewards words that are common in the
results, its second words that are rare elsewhere. Like ``significant_text``, it reads a sample
(the best-ranked results) rather than every match, and needs a word in a few sampled articles
before it counts (one article's name or typo is not a theme).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from indexer.analysis.pipeline import Pipeline
from indexer.analysis.tokenize import word_texts

SAMPLE = 30  # best-ranked results read (the cost: ~0.5 ms each, measured in docs/research.md)
SHOWN = 15
MIN_SHARE = 0.1  # a word must be in at least this share of the sampled articles ...
MIN_DOCS = 2  # ... and in at least this many


@dataclass(frozen=True)
class Word:
    term: str  # the index term
    word: str  # its most common written form in the sample
    count: int  # sampled articles holding it
    score: float


def characteristic_words(
    texts: Iterable[str],
    pipeline: Pipeline,
    doc_frequencies: Callable[[list[str]], dict[str, int]],
    doc_count: int,
    exclude: Iterable[str] = (),
    shown: int = SHOWN,
) -> tuple[list[Word], int]:
    """The ``shown`` most over-represented words of ``texts`` (one text per article) against an
    archive of ``doc_count`` articles whose document frequencies ``doc_frequencies`` gives;
    stopwords, words without a letter and the terms in ``exclude`` are left out.
    Returns the words and the number of articles read."""
    analyze = pipeline.analyze_word
    skip = set(exclude)
    held: Counter[tuple[str, bool]] = Counter()  # (term, stopword) -> sampled articles holding it
    written: Counter[str] = Counter()  # surface word -> sampled articles writing it so
    n = 0
    # Per article, its distinct words and their terms (analysis is cached per word); every
    # other check waits for the few candidate terms: this loop is the cost.
    for text in texts:
        n += 1
        distinct = set(word_texts(text))
        written.update(distinct)
        held.update({analyze(w) for w in distinct})
    if not n or doc_count <= 0:
        return [], n
    least = max(MIN_DOCS, int(MIN_SHARE * n + 0.999)) if n >= MIN_DOCS else 1
    counts = {t: c for (t, stop), c in held.items() if not stop}
    candidates = [
        t for t, c in counts.items() if c >= least and t and t not in skip and any(ch.isalpha() for ch in t)
    ]
    if not candidates:
        return [], n
    df = doc_frequencies(candidates)
    scored = []
    for t in candidates:
        fg = counts[t] / n
        # A term the index does not count (analysis changed since) is as rare as can be.
        bg = max(df.get(t, 0), 1) / doc_count
        if fg > bg:
            scored.append((round((fg - bg) * (fg / bg), 4), t))
    scored.sort(key=lambda st: (-st[0], st[1]))
    top = scored[:shown]
    forms: dict[str, Counter[str]] = {t: Counter() for _, t in top}
    for w, c in written.items():
        term = analyze(w)[0]
        if term in forms:
            forms[term][w] += c
    return [Word(t, _commonest(forms[t]), counts[t], s) for s, t in top], n


def _commonest(forms: Counter[str]) -> str:
    """The form most articles write; ties in a fixed order (not the order sets were read in)."""
    return min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]

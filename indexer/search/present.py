"""Presenting what a search found: hits with marked titles and snippets, facet values, and the
words the search added, as a reader should see them (written as the articles write them)."""

from __future__ import annotations

import html
from typing import Any

from indexer.analysis.tokenize import words as word_spans
from indexer.engines.base import Snapshot
from indexer.facets import Facet
from indexer.query import Highlight
from indexer.query.rewrite import plain_words
from indexer.query.tree import Node
from indexer.search.expansion import Alternatives
from indexer.search.result import FacetValue, Hit
from indexer.snippets import Analyze, highlight, make_snippet
from indexer.vocabulary import Vocabulary

FACET_VALUES = 30  # values listed per facet; selected ones are always listed
SUGGEST_BELOW = 3  # with fewer results than this, rare words get spelling suggestions too


def hit(
    stored: dict[str, Any],
    score: float | None,
    marks: Highlight,
    with_snippet: bool,
    analyze: Analyze,
    written: dict[str, list[str]] | None = None,
) -> Hit:
    """``written``: how the article writes the query's terms, when the engine knows
    (``Snapshot.spellings``)."""
    title = stored.get("title", "")
    return Hit(
        id=stored.get("id", ""),
        title=title,
        title_html=highlight(title, marks, analyze).html(),
        date=stored.get("date", ""),
        category=stored.get("category", ""),
        source=stored.get("source", ""),
        author=stored.get("author", ""),
        url=stored.get("url", ""),
        score=round(score, 4) if score is not None else None,
        snippet=make_snippet(stored.get("body", ""), marks, analyze=analyze, written=written).html()
        if with_snippet
        else "",
    )


def marked(text: str, marks: Highlight, analyze: Analyze) -> str:
    """``text`` as escaped HTML with the matched words in ``<mark>``."""
    return highlight(text, marks, analyze).html()


def paragraphs(text: str, marks: Highlight, analyze: Analyze) -> list[str]:
    """``text`` as paragraphs of escaped HTML, matched words in ``<mark>``: marked whole, then cut
    at its line ends, so a phrase that runs across one is still marked."""
    out: list[str] = []
    current: list[str] = []
    for frag, hit in highlight(text, marks, analyze).fragments:
        pieces = [frag] if hit else frag.split("\n")
        for n, piece in enumerate(pieces):
            if n:
                out.append("".join(current))
                current = []
            current.append(f"<mark>{html.escape(piece)}</mark>" if hit else html.escape(piece))
    out.append("".join(current))
    return [p.strip() for p in out if p.strip()]


def facet_values(f: Facet, counts: dict[str, int], selected: list[str]) -> list[FacetValue]:
    """The facet's values in its order: the first FACET_VALUES of them, and every selected one,
    even one no article now holds (count 0): its toggle is how a reader unselects it."""
    ordered = f.order(counts)
    shown = ordered[:FACET_VALUES] + [(v, c) for v, c in ordered[FACET_VALUES:] if v in selected]
    shown += [(v, 0) for v in selected if v not in counts]
    return [FacetValue(v, c, v in selected) for v, c in shown]


def transliterations(words: Vocabulary, found: Alternatives) -> dict[str, list[str]]:
    """Each Latin word and the Devanagari words it also matched."""
    return {
        word: [words.surface_form(t) for t in terms] for word, terms in found.of("transliterations").items()
    }


def variants(words: Vocabulary, found: Alternatives) -> dict[str, list[str]]:
    """Each rare spelling and the common candra variants it also matched."""
    return {
        words.surface_form(term): [words.surface_form(t) for t in terms]
        for term, terms in found.of("variants").items()
    }


def suggestion(
    snap: Snapshot, words: Vocabulary, text: str, q: Node, found: Alternatives, total: int
) -> str | None:
    """The query with its unknown (or, when little is found, rare) words spelled as the index
    spells them; None when there is nothing to correct."""
    fixes: dict[str, str] = {t: near[0] for t, near in found.of("spellings").items()}
    if total < SUGGEST_BELOW:
        romanized = found.of("transliterations")
        for leaf in plain_words(q):
            if leaf.text not in fixes and leaf.text not in romanized:
                better = words.within(leaf.fields).more_common_spelling(leaf.text)
                if better:
                    fixes[leaf.text] = better
    if not fixes:
        return None
    out, pos, changed = [], 0, False
    for w in word_spans(text):
        term = snap.pipeline.analyze_word(w.text)[0]
        if term in fixes:
            out.append(text[pos : w.start])
            out.append(words.surface_form(fixes[term]))
            pos, changed = w.end, True
    out.append(text[pos:])
    return "".join(out).strip() if changed else None

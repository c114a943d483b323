"""Running one query on a snapshot: the articles with every word first, and when few have them
all, the articles with some of the words after them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from indexer.engines.base import Filters, Page, Snapshot
from indexer.facets import Facet
from indexer.query import expand_patterns, some_words
from indexer.query.parser import Parsed
from indexer.query.tree import Node, Not, and_, scores
from indexer.search.expansion import Alternatives, Expansion
from indexer.search.request import PER_PAGE
from indexer.vocabulary import Vocabulary

K = TypeVar("K")

# With fewer articles than this holding every word, articles holding some of them follow.
FILL_BELOW = PER_PAGE


@dataclass
class Match:
    page: Page
    q: Node  # the query searched last (the relaxed one when some words were enough)
    expanded: Node
    found: Alternatives
    sort: str  # the order the hits are in (relevance without words to weigh is newest first)
    notes: list[str] = field(default_factory=list)
    all_words: int | None = None
    every_word: Node | None = None  # when some words were enough: the query with every word
    joined: Node | None = None  # the articles found by meaning alone (``meaning``), if any


class AllWordsFirst:
    """Every word; below FILL_BELOW such articles, those with some of the words follow, ranked as
    the relaxed query ranks them. The two parts are disjoint, so their totals and facet counts
    simply add up, and any page of the whole list is two windows an engine can serve."""

    def __init__(self, expansion: Expansion) -> None:
        self.expansion = expansion

    def query(self, parsed: Parsed) -> Node:
        """The query searched first."""
        assert parsed.node is not None
        return parsed.node

    def relax(self, total: int) -> bool:
        """Whether articles with some of the words should follow ``total`` with all of them."""
        return total < FILL_BELOW

    def run(
        self,
        snap: Snapshot,
        words: Vocabulary,
        parsed: Parsed,
        filters: Filters,
        sort: str,
        start: int,
        count: int,
        facets: Sequence[Facet],
        days: bool,
        light: bool = False,
    ) -> Match:
        q = expand_patterns(self.query(parsed), words.stands_for)
        if sort == "relevance" and not scores(q):
            sort = "newest"  # browsing, or only filters and exclusions: the latest news first
        found = Alternatives()
        expanded = self.expansion.expand(q, words, found)
        page = snap.search(expanded, filters, sort, start, count, facets, days, light)
        match = Match(page, q, expanded, found, sort)
        if words.patterns_truncated:
            match.notes.append("pattern_truncated")
        q_any = some_words(q) if parsed.side_by_side and self.relax(page.total) else None
        if q_any is None:
            return match
        expanded_any = self.expansion.expand(q_any, words, found)
        rest = snap.search(
            and_([expanded_any, Not(expanded)]),
            filters,
            sort,
            max(0, start - page.total),
            count - len(page.hits),
            facets,
            days,
            light,
        )
        if rest.total:
            match.notes.append("some_words" if page.total else "any_word")
            match.all_words = page.total or None
            days_both = summed(page.days or {}, rest.days or {}) if days else None
            match.page = Page(
                page.total + rest.total, page.hits + rest.hits, added(page.counts, rest.counts), days_both
            )
            match.q, match.expanded, match.every_word = q_any, expanded_any, expanded
        return match


def summed(a: dict[K, int], b: dict[K, int]) -> dict[K, int]:
    """Counts of two disjoint sets of articles, added."""
    out = dict(a)
    for k, n in b.items():
        out[k] = out.get(k, 0) + n
    return out


def added(a: dict[str, dict[str, int]], b: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Facet counts of two disjoint sets of articles, added."""
    return {name: summed(a.get(name, {}), b.get(name, {})) for name in {*a, *b}}

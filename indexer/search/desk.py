"""The research desk beside a result: attention over time (with compared searches and each
period's share of all articles) and the words that characterise the results."""

from __future__ import annotations

from typing import Any

from indexer import timeline as timelines
from indexer.characteristic import SAMPLE, Word, characteristic, characteristic_words
from indexer.engines.base import Filters, Snapshot
from indexer.query import Highlight, parse
from indexer.query.tree import All, Node, scores
from indexer.search.generation import GenerationTables
from indexer.search.matching import AllWordsFirst
from indexer.search.request import SearchRequest
from indexer.timeline import Timeline
from indexer.vocabulary import Vocabulary


class ResearchDesk:
    def __init__(self, matching: AllWordsFirst) -> None:
        self.matching = matching

    @staticmethod
    def sample(req: SearchRequest, q: Node) -> int:
        """How many best-ranked hits the characteristic words read, when the page can fetch them
        with its own hits (a first page ranked by relevance); 0 otherwise."""
        return SAMPLE if req.words and req.sort == "relevance" and req.start == 0 and scores(q) else 0

    def timeline(
        self,
        snap: Snapshot,
        tables: GenerationTables,
        words: Vocabulary,
        req: SearchRequest,
        days: dict[int, int],
    ) -> Timeline | None:
        """The search's matches per period, and each compared search's, under the same filters."""
        filters = req.engine_filters
        series = [(req.q.strip(), days)]
        for text in req.compare:
            parsed = parse(text, snap.pipeline)
            other: dict[int, int] = {}
            if parsed.node is not None:
                other = (
                    self.matching.run(snap, words, parsed, filters, "newest", 0, 0, [], True).page.days or {}
                )
            series.append((text, other))
        return timelines.build(series, self.background(snap, tables, filters))

    @staticmethod
    def background(snap: Snapshot, tables: GenerationTables, filters: Filters) -> dict[int, int]:
        """All articles per day under ``filters`` but no query (kept per generation)."""
        key = _filters_key(filters)
        found = tables.backgrounds.get(key)
        if found is None:
            found = snap.search(All(), filters, "newest", 0, 0, [], True).days or {}
            tables.backgrounds.put(key, found)
        return found

    @staticmethod
    def characteristic(
        snap: Snapshot,
        tables: GenerationTables,
        expanded: Node,
        filters: Filters,
        marks: Highlight,
        refs: list[Any] | None,
    ) -> tuple[list[Word], int]:
        """The words over-represented in the best-ranked results (or, when browsing, the newest)
        against the whole archive; the query's own words and their alternatives left out.
        ``refs``: the sampled hits when the page found them already. Their words as the index
        keeps them; a generation that keeps none has the sample's texts analysed."""
        if refs is None:
            sort = "relevance" if scores(expanded) else "newest"
            refs = [ref for ref, _ in snap.search(expanded, filters, sort, 0, SAMPLE, [], light=True).hits]
        refs = refs[:SAMPLE]
        known = tables.doc_frequencies

        def frequencies(terms: list[str]) -> dict[str, int]:
            out = {t: n for t in terms if (n := known.get(t)) is not None}
            missing = [t for t in terms if t not in out]
            if missing:
                got = snap.doc_frequencies(missing)
                out.update(got)
                known.update(got)
            return out

        found = snap.sample_words(refs)
        if found is None:
            fields = [snap.stored(r) for r in snap.fetched(refs)]
            texts = (f"{f.get('title', '')}\n{f.get('body', '')}" for f in fields)
            return characteristic_words(
                texts, snap.pipeline, frequencies, tables.doc_count(snap), marks.terms
            )
        return characteristic(found, frequencies, tables.doc_count(snap), marks.terms)


def _filters_key(f: Filters) -> tuple[Any, ...]:
    return (tuple(sorted((k, tuple(v)) for k, v in f.values.items())), f.date_from, f.date_to)

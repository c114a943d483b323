"""SearchService: the one, engine-blind entry point of the CLI and the web app.

A search goes through the same few steps whatever the engine:

    parse      query text -> query tree, in the index's own analysis (``indexer.query``)
    match      every word, then some of them, each word with its alternatives (``matching``,
               ``expansion``), on the thread's snapshot of the live generation
    present    hits, snippets, facet values, the words added (``present``)
    research   attention over time and characteristic words, when asked (``desk``)

Each thread gets its own snapshot from the engine, renewed when a reindex publishes a new
generation, so a running server follows reindexes without a restart; what is learnt about a
generation is shared by its threads (``generation``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from indexer.engines import open_engine
from indexer.engines.base import Engine, Filters, Snapshot
from indexer.engines.config import EngineConfig
from indexer.facets import FACETS
from indexer.meaning.fusion import DEFAULT_FUSION, FusionOptions
from indexer.query import Highlight, expand_patterns, highlight_terms, parse
from indexer.query.rewrite import word_groups
from indexer.query.tree import All, Not, and_, scores
from indexer.ranking import DEFAULT_RANKING, RankingOptions
from indexer.search import present
from indexer.search.desk import ResearchDesk
from indexer.search.expansion import Expansion, parts_for
from indexer.search.generation import Generations, GenerationTables
from indexer.search.matching import AllWordsFirst
from indexer.search.meaning import ByMeaning
from indexer.search.request import SearchRequest
from indexer.search.result import Hit, SearchResult, StoredArticle
from indexer.suggest import Suggestion


class SearchService:
    """The search service, for any engine (``indexer.engines``); Whoosh in a folder by default.

    ``matching``: how the words of a query combine (tools/variants.py has the variants measured
    and not shipped); by default every word first, then some of them, each word expanded by the
    parts ``ranking`` weighs."""

    def __init__(
        self,
        index: Path | str | EngineConfig | Engine,
        ranking: RankingOptions = DEFAULT_RANKING,
        matching: AllWordsFirst | None = None,
        semantic: bool | None = None,
        fusion: FusionOptions = DEFAULT_FUSION,
    ) -> None:
        self.engine: Engine = (
            open_engine(index, ranking) if isinstance(index, str | Path | EngineConfig) else index
        )
        self.ranking = ranking
        self.matching = matching or AllWordsFirst(Expansion(parts_for(ranking)))
        self.desk = ResearchDesk(self.matching)
        self.meaning = ByMeaning(self.matching, fusion, semantic)
        self.generations = Generations()

    def _view(self) -> tuple[Snapshot, GenerationTables]:
        snap = self.engine.snapshot()
        return snap, self.generations.of(snap)

    # -- search ---------------------------------------------------------------------------

    def search(self, req: SearchRequest) -> SearchResult:
        t0 = time.perf_counter()
        snap, tables = self._view()
        parsed = parse(req.q, snap.pipeline)
        notes = [
            n for n, on in (("plain_words", parsed.repaired), ("too_many_words", parsed.truncated)) if on
        ]
        if parsed.node is None:
            facets = {f.name: [] for f in req.facets}
            notes.append("nothing_searchable")
            meaning = self.meaning.state(snap)
            return SearchResult(req, 0, (time.perf_counter() - t0) * 1000, [], facets, notes, meaning=meaning)

        words = tables.vocabulary(snap)
        sample = self.desk.sample(req, parsed.node)  # found with the page's own hits
        t_match = time.perf_counter()
        match, meaning = self.meaning.run(
            snap, words, parsed, req.q, req.engine_filters, req.sort, req.start, max(req.per_page, sample),
            req.facets, req.timeline, fetch=req.per_page,
        )  # fmt: skip
        t_present = time.perf_counter()
        page, found = match.page, match.found
        notes += match.notes
        if page.total and req.start >= page.total:
            notes.append("page_out_of_range")
        marks = replace(highlight_terms(match.expanded), groups=word_groups(match.q, found.cache))
        analyze = snap.pipeline.terms
        shown = page.hits[: req.per_page]
        # How each shown article writes the words it marks: a snippet then reads only where
        # they stand, and does not wait for a word its body lacks.
        asked = marks.terms.union(*marks.groups)
        spelt = snap.spellings([ref for ref, _ in shown], asked) if req.snippets and asked else None
        written = [{t: f.get(t, []) for t in asked} for f in spelt] if spelt else None
        hits = [
            present.hit(
                snap.stored(ref), score, marks, req.snippets, analyze, written[n] if written else None
            )
            for n, (ref, score) in enumerate(shown)
        ]
        for n in meaning.marked:
            if n < len(hits):
                hits[n].by_meaning = True
        facets = {
            f.name: present.facet_values(f, page.counts[f.name], req.filters.get(f.name, []))
            for f in req.facets
        }
        result = SearchResult(
            req, page.total, 0.0, hits, facets, notes, marks, all_words=match.all_words, sort=match.sort,
            meaning=meaning,
        )  # fmt: skip

        t_desk = time.perf_counter()
        if req.timeline:
            result.timeline = self.desk.timeline(snap, tables, words, req, page.days or {})
        # (When everything matches, the whole archive has nothing to stand out from.)
        if req.words and 0 < page.total < tables.doc_count(snap):
            refs = [ref for ref, _ in page.hits] if sample else None
            result.characteristic, result.characteristic_sample = self.desk.characteristic(
                snap, tables, match.expanded, req.engine_filters, marks, refs
            )
        t_notes = time.perf_counter()
        if scores(match.q):
            result.transliterations = present.transliterations(words, found)
            result.variants = present.variants(words, found)
            by_words = page.total if meaning.by_words is None else meaning.by_words
            result.suggestion = present.suggestion(snap, words, req.q, match.q, found, by_words)
        t_end = time.perf_counter()
        result.took_ms = (t_end - t0) * 1000
        # "embed" is the CPU time of the query's embedding, which runs beside the search by
        # words: "match" leaves out only the time the search then waited for it.
        result.timings = {
            "parse": (t_match - t0) * 1000,
            "match": (t_present - t_match) * 1000 - meaning.embed_wait_ms,
            "embed": meaning.embed_ms,
            "present": (t_desk - t_present) * 1000,
            "desk": (t_notes - t_desk) * 1000,
            "suggest": (t_end - t_notes) * 1000,
        }
        return result

    def export(self, req: SearchRequest, limit: int) -> tuple[int, Iterator[StoredArticle]]:
        """Every article the search lists, in its order, up to ``limit``: the total, and the
        articles read as they are consumed (flat memory at any size)."""
        snap, tables = self._view()
        parsed = parse(req.q, snap.pipeline)
        if parsed.node is None:
            return 0, iter(())
        filters = req.engine_filters
        sort = req.sort if req.sort != "relevance" or scores(parsed.node) else "newest"
        # The head a search ranks by words and meaning together (none by date): read first.
        head_size = self.meaning.opts.pool + self.meaning.opts.join if sort == "relevance" else 0
        words = tables.vocabulary(snap)
        match, meaning = self.meaning.run(snap, words, parsed, req.q, filters, sort, 0, head_size, [], False)
        head = match.page.hits if meaning.on and sort == "relevance" else []
        skip = len(head) - len(meaning.marked)  # hits by words the head holds
        # As the search lists them: the articles with every word, then those with some, then
        # those found by meaning alone (in date order; by relevance they are in the head).
        parts = [match.expanded]
        if match.every_word is not None:
            parts = [match.every_word, and_([match.expanded, Not(match.every_word)])]
        if match.joined is not None and sort != "relevance":
            parts.append(match.joined)

        def articles() -> Iterator[StoredArticle]:
            left, skipped = limit, 0
            for ref, _ in head[:left]:
                yield StoredArticle.of(snap.stored(ref))
                left -= 1
            for part in parts:
                if left <= 0:
                    return
                for fields in snap.ordered(part, filters, sort, left + skip - skipped):
                    if skipped < skip:
                        skipped += 1
                        continue
                    yield StoredArticle.of(fields)
                    left -= 1

        return match.page.total, articles()

    # -- single articles ------------------------------------------------------------------

    def article(self, article_id: str) -> StoredArticle | None:
        fields = self.engine.snapshot().article(article_id)
        return StoredArticle.of(fields) if fields else None

    def similar(self, article_id: str, count: int = 5) -> list[Hit]:
        """The articles most like this one: the nearest by meaning where the index has vectors
        (docs/relevance.md measures both), else by content (its most distinctive words)."""
        snap = self.engine.snapshot()
        none = Highlight(frozenset())
        found = self.meaning.similar(snap, article_id, count)
        if found is None:
            found = snap.similar(article_id, count)
        return [present.hit(f, score, none, True, snap.pipeline.terms) for f, score in found]

    def highlighted_paragraphs(self, text: str, q: str) -> list[str]:
        """``text`` split into paragraphs of escaped HTML, the words of query ``q`` marked."""
        snap, tables = self._view()
        node = parse(q, snap.pipeline).node if q.strip() else None
        if node is not None:
            node = expand_patterns(node, tables.vocabulary(snap).stands_for)
        marks = highlight_terms(node) if node is not None else Highlight(frozenset())
        return present.paragraphs(text, marks, snap.pipeline.terms)

    # -- autocomplete, the index itself ---------------------------------------------------

    def suggest(self, text: str, limit: int = 8, wait: bool = True) -> list[Suggestion]:
        """Autocomplete. With ``wait=False``, nothing rather than a wait while the tables are
        built (in the background) after a start or a reindex."""
        snap, tables = self._view()
        if not wait and not tables.suggester.ready:
            tables.suggester.start(self._warm_suggester, name="khabar-suggest")
            return []
        return tables.suggest_tables(snap).suggest(text, limit)

    def warm(self, background: bool = True) -> None:
        """Build the per-generation arrays and tables now rather than on the first requests;
        the autocomplete tables, slower to build, in a thread of their own if ``background``."""
        snap, tables = self._view()
        snap.search(All(), Filters(), "newest", 0, 1, FACETS)
        tables.sound_index(snap)
        self.meaning.state(snap)  # loads the model now rather than in the first search
        if background:
            tables.suggester.start(self._warm_suggester, name="khabar-warm")
        else:
            self._warm_suggester()

    def _warm_suggester(self) -> None:
        snap, tables = self._view()  # this thread's own snapshot: they are not shared
        tables.suggest_tables(snap)

    def ready(self) -> bool:
        """Whether the slower per-generation tables (autocomplete) are built."""
        return self._view()[1].suggester.ready

    def generation(self) -> str:
        return self.engine.snapshot().generation

    def doc_count(self) -> int:
        return self.engine.snapshot().doc_count()

    def newest_date(self) -> date | None:
        """The date of the newest article, not counting dates after tomorrow (a placeholder such as
        9999-12-31 in one record): quick date ranges count back from it."""
        snap, tables = self._view()
        not_after = date.today() + timedelta(days=1)
        found = tables.newest.get(not_after)
        if found is None:
            found = (snap.newest_date(not_after=not_after),)
            tables.newest.put(not_after, found)
        return found[0]

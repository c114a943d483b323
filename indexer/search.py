"""The search service: one place that turns a request into ranked, faceted, highlighted results.

Used by the CLI and the web app alike. Whoosh stays inside the indexer; callers get plain
dataclasses. A searcher is kept per thread and reopened when a reindex publishes a new
generation, so a running server follows reindexes without a restart.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from indexer import timeline as timelines
from indexer.analysis.pipeline import STEMMERS
from indexer.analysis.tokenize import words
from indexer.characteristic import SAMPLE, Word, characteristic_words
from indexer.engines import open_engine
from indexer.engines.base import SORTS, Engine, Filters, IndexUnavailable, Page, Snapshot
from indexer.engines.config import EngineConfig
from indexer.facets import FACETS, FACETS_BY_NAME, Facet
from indexer.query import Highlight, expand_terms, highlight_terms, parse, plain_terms, some_words
from indexer.query.parser import Parsed
from indexer.query.rewrite import word_groups
from indexer.query.tree import All, Node, Not, and_, scores
from indexer.ranking import DEFAULT_RANKING, RankingOptions
from indexer.romanize import has_devanagari, is_latin_word
from indexer.snippets import highlight, make_snippet
from indexer.spelling import Neighbour
from indexer.suggest import Suggester, Suggestion
from indexer.timeline import Timeline
from indexer.vocabulary import SoundIndex, Vocabulary

FACET_VALUES = 30  # values listed per facet; selected ones are always listed
PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_COMPARE = 4
BACKGROUNDS = 64  # sets of filters whose per-day article counts are kept
DF_CACHE = 200_000  # document frequencies kept for the characteristic words

NOTES = {
    "any_word": "No article has all the words; showing articles with any of them.",
    "some_words": "Few articles have all the words; articles with some of them follow.",
    "plain_words": "The query syntax was incomplete (an unclosed bracket or quote, or an operator "
    "without a word); it was read as far as it could be.",
    "nothing_searchable": "The query has no searchable words (only very common words or symbols).",
    "page_out_of_range": "This page is past the last page of results.",
    "too_many_words": "Only the first 100 words of the query were searched.",
}


# With fewer articles than this holding every word, articles holding some of them follow.
FILL_BELOW = PER_PAGE
ROMANIZED_BELOW_DF = 3  # a Latin word in fewer articles than this "matches little"
ROMANIZED_RATIO = 5  # ... as does one whose Devanagari sound-alike is this many times more common
SUGGEST_BELOW = 3  # with fewer results than this, rare words get spelling suggestions too
MAX_HELPED_WORDS = 16  # words of one query that get spelling and sound-alike alternatives


@dataclass
class Alternatives:
    """What a search added to the reader's words."""

    romanized: dict[str, list[str]] = field(default_factory=dict)  # Latin word -> Devanagari terms
    spelled: dict[str, list[Neighbour]] = field(default_factory=dict)  # unknown term -> neighbours
    variants: dict[str, list[str]] = field(default_factory=dict)  # rare term -> common candra variants
    cache: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> values (OR within)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    snippets: bool = True  # evaluation runs skip them: they cost time and change no ranking
    timeline: bool = False  # matches per period (and each compared query's)
    compare: list[str] = field(default_factory=list)  # more queries drawn beside this one
    words: bool = False  # the words that characterise the results

    def __post_init__(self) -> None:
        unknown = set(self.filters) - set(FACETS_BY_NAME)
        if unknown:
            raise ValueError(f"unknown filter {sorted(unknown)[0]!r}; use one of {', '.join(FACETS_BY_NAME)}")
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")
        if self.page < 1:
            raise ValueError("page must be 1 or more")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"the start date {self.date_from} must not be after the end date {self.date_to}")
        self.compare = list(dict.fromkeys(c.strip() for c in self.compare if c.strip()))
        if len(self.compare) > MAX_COMPARE:
            raise ValueError(f"at most {MAX_COMPARE} queries can be compared with the search")
        self.filters = {k: list(dict.fromkeys(v for v in vs if v)) for k, vs in self.filters.items()}
        self.filters = {k: v for k, v in self.filters.items() if v}


@dataclass
class Hit:
    id: str
    title: str
    title_html: str
    date: str
    category: str
    source: str
    author: str
    url: str
    score: float | None
    snippet: str  # HTML: escaped text with <mark> around matched words


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    notes: list[str] = field(default_factory=list)
    highlight: Highlight = field(default_factory=lambda: Highlight(frozenset()))
    suggestion: str | None = None  # the query respelled as the index spells its words
    transliterations: dict[str, list[str]] = field(default_factory=dict)  # Latin word -> Devanagari
    variants: dict[str, list[str]] = field(default_factory=dict)  # rare spelling -> common ones matched
    # When articles with only some of the words follow: how many have all of them (they come first).
    all_words: int | None = None
    timeline: Timeline | None = None
    characteristic: list[Word] = field(default_factory=list)
    characteristic_sample: int = 0  # best-ranked results the characteristic words were read from

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def note(self) -> str | None:
        return " ".join(NOTES[n] for n in self.notes) or None

    def to_json(self) -> dict[str, Any]:
        r = self.request
        return {
            "query": r.q,
            "total": self.total,
            "page": r.page,
            "pages": self.pages,
            "per_page": r.per_page,
            "sort": r.sort,
            "filters": r.filters,
            "date_from": r.date_from.isoformat() if r.date_from else None,
            "date_to": r.date_to.isoformat() if r.date_to else None,
            "took_ms": round(self.took_ms, 1),
            "hits": [asdict(h) for h in self.hits],
            "facets": {k: [asdict(v) for v in vs] for k, vs in self.facets.items()},
            "note": self.note,
            "notes": self.notes,
            "suggestion": self.suggestion,
            "transliterations": self.transliterations,
            "variants": self.variants,
            "all_words": self.all_words,
            "timeline": _timeline_json(self.timeline),
            "characteristic_words": [
                {"word": w.word, "count": w.count, "score": w.score} for w in self.characteristic
            ],
            "characteristic_sample": self.characteristic_sample,
        }


def _timeline_json(t: Timeline | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "interval": t.interval,
        "series": [
            {
                "query": s.query,
                "total": s.total,
                "buckets": [
                    {
                        "start": b.start.isoformat(),
                        "end": b.end.isoformat(),
                        "count": b.count,
                        "share": b.share,
                    }
                    for b in s.buckets
                ],
            }
            for s in t.series
        ],
    }


@dataclass
class StoredArticle:
    id: str
    title: str
    body: str
    byline: str
    date: str
    category: str
    source: str
    author: str
    url: str
    tags: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _tags(value: Any) -> list[str]:
    """Tags as an engine stores them: a list, or one comma-joined string."""
    if isinstance(value, list):
        return [str(t) for t in value if t]
    return [t for t in (value or "").split(",") if t]


def _stored(fields: dict[str, Any]) -> StoredArticle:
    return StoredArticle(
        id=fields.get("id", ""),
        title=fields.get("title", ""),
        body=fields.get("body", ""),
        byline=fields.get("byline", ""),
        date=fields.get("date", ""),
        category=fields.get("category", ""),
        source=fields.get("source", ""),
        author=fields.get("author", ""),
        url=fields.get("url", ""),
        tags=_tags(fields.get("tags")),
    )


@dataclass
class _Tables:
    """What the service builds from one index generation, each part on first use, shared by threads."""

    surface: dict[str, str] = field(default_factory=dict)  # index term -> how articles write it
    forms: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # term -> other inflections
    sounds: SoundIndex | None = None
    suggester: Suggester | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    suggest_lock: threading.Lock = field(default_factory=threading.Lock)
    builder: threading.Thread | None = None
    # All articles per day under a set of filters (the share of attention divides by them).
    backgrounds: OrderedDict[tuple[Any, ...], dict[int, int]] = field(default_factory=OrderedDict)
    doc_frequencies: dict[str, int] = field(default_factory=dict)  # for characteristic words
    doc_count: int | None = None  # a generation's articles never change
    # Not ``lock``: that one is held while the sound-alike tables are built (seconds).
    research_lock: threading.Lock = field(default_factory=threading.Lock)


class SearchService:
    """The search service, for any engine (``indexer.engines``); Whoosh in ``index_dir`` by default."""

    def __init__(
        self, index: Path | str | EngineConfig | Engine, ranking: RankingOptions = DEFAULT_RANKING
    ) -> None:
        self.engine: Engine = (
            open_engine(index, ranking) if isinstance(index, str | Path | EngineConfig) else index
        )
        self.ranking = ranking
        self._tables: dict[str, _Tables] = {}
        self._lock = threading.Lock()

    # -- the live generation --------------------------------------------------------------

    def _snapshot(self) -> Snapshot:
        return self.engine.snapshot()

    def _shared(self, snap: Snapshot) -> _Tables:
        tables = self._tables.get(snap.generation)
        if tables is None:
            with self._lock:
                tables = self._tables.get(snap.generation)
                if tables is None:
                    # Older generations' tables go: only old snapshots could still want them.
                    self._tables = {snap.generation: _Tables()}
                    tables = self._tables[snap.generation]
        return tables

    def _sounds(self, snap: Snapshot) -> SoundIndex:
        tables = self._shared(snap)
        if tables.sounds is None:
            with tables.lock:
                if tables.sounds is None:
                    tables.sounds = SoundIndex(snap.vocabulary())
        return tables.sounds

    def _suggester(self, snap: Snapshot) -> Suggester:
        tables = self._shared(snap)
        if tables.suggester is None:
            with tables.suggest_lock:
                if tables.suggester is None:
                    tables.suggester = Suggester(snap.titles(), snap.pipeline)
        return tables.suggester

    def warm(self, background: bool = True) -> None:
        """Build the per-generation arrays and tables now rather than on the first requests;
        the autocomplete tables, slower to build, in a thread of their own if ``background``."""
        snap = self._snapshot()
        snap.search(All(), Filters(), "newest", 0, 1, FACETS)
        self._sounds(snap)
        if background:
            threading.Thread(target=self._warm_suggester, name="khabar-warm", daemon=True).start()
        else:
            self._warm_suggester()

    def _warm_suggester(self) -> None:
        self._suggester(self._snapshot())  # this thread's own snapshot: they are not shared

    def ready(self) -> bool:
        """Whether the slower per-generation tables (autocomplete) are built."""
        return self._shared(self._snapshot()).suggester is not None

    def generation(self) -> str:
        return self._snapshot().generation

    def doc_count(self) -> int:
        return self._snapshot().doc_count()

    # -- search ---------------------------------------------------------------------------

    def search(self, req: SearchRequest) -> SearchResult:
        t0 = time.perf_counter()
        snap = self._snapshot()
        notes: list[str] = []
        parsed = parse(req.q, snap.pipeline)
        if parsed.repaired:
            notes.append("plain_words")
        if parsed.truncated:
            notes.append("too_many_words")
        if parsed.node is None:
            notes.append("nothing_searchable")
            facets = {f.name: [] for f in FACETS if f.offered(req.filters)}
            return SearchResult(req, 0, (time.perf_counter() - t0) * 1000, [], facets, notes)

        vocab = self._vocabulary(snap)
        filters = Filters(req.filters, req.date_from, req.date_to)
        offered = [f for f in FACETS if f.offered(req.filters)]
        start, count = (req.page - 1) * req.per_page, req.per_page
        sample = req.words and req.sort == "relevance" and start == 0 and scores(parsed.node)
        # The characteristic words read the best-ranked results: fetched with the first page.
        run = self._run(
            snap, vocab, parsed, filters, req.sort, start, max(count, SAMPLE) if sample else count,
            offered, req.timeline,
        )  # fmt: skip
        page, q, expanded, found = run.page, run.q, run.expanded, run.found
        notes += run.notes
        total = page.total
        marks = replace(highlight_terms(expanded), groups=word_groups(q, found.cache))
        if total and start >= total:
            notes.append("page_out_of_range")
        analyze = snap.pipeline.terms
        stored = [(snap.stored(ref), score) for ref, score in page.hits]
        hits = [self._hit(f, score, marks, req.snippets, analyze) for f, score in stored[:count]]
        facets = {f.name: _facet_values(f, page.counts[f.name], req.filters.get(f.name, [])) for f in offered}
        result = SearchResult(req, total, 0.0, hits, facets, notes, marks, all_words=run.all_words)
        if req.timeline:
            result.timeline = self._timeline(snap, vocab, req, filters, page.days or {})
        if req.words and 0 < total < self._doc_count(snap):  # the whole archive has nothing to stand out from
            texts = [f for f, _ in stored] if sample else None
            result.characteristic, result.characteristic_sample = self._characteristic(
                snap, expanded, filters, marks, texts
            )
        if scores(q):
            result.transliterations = {
                word: [self._surface(snap, vocab, t) for t in terms]
                for word, terms in found.romanized.items()
            }
            result.variants = {
                self._surface(snap, vocab, term): [self._surface(snap, vocab, t) for t in terms]
                for term, terms in found.variants.items()
            }
            result.suggestion = self._suggestion(snap, vocab, req.q, q, found, total)
        result.took_ms = (time.perf_counter() - t0) * 1000
        return result

    def _run(
        self,
        snap: Snapshot,
        vocab: Vocabulary,
        parsed: Parsed,
        filters: Filters,
        sort: str,
        start: int,
        count: int,
        facets: list[Facet],
        days: bool,
    ) -> _Run:
        """One query's page: every word first; when that finds little, the articles with some of
        the words follow."""
        q = parsed.node
        assert q is not None
        if sort == "relevance" and not scores(q):
            sort = "newest"  # browsing, or only filters and exclusions: the latest news first
        mode = self.ranking.any_word
        if mode == "always" and parsed.side_by_side:
            q = some_words(q) or q  # (measured, not shipped) any of the words, ranked as one list
        found = Alternatives()
        expanded = self._expand(q, vocab, found)
        page = snap.search(expanded, filters, sort, start, count, facets, days)
        run = _Run(page, q, expanded, found)
        few = page.total < FILL_BELOW if mode == "fill" else page.total == 0
        q_any = some_words(q) if mode in ("fill", "fallback") and few and parsed.side_by_side else None
        if q_any is None:
            return run
        expanded_any = self._expand(q_any, vocab, found)
        # The articles with some but not all of the words, ranked as the relaxed query ranks
        # them: disjoint from the first ones, so the two pages and totals simply add up, and
        # any page of the whole list is two windows an engine can serve.
        rest = snap.search(
            and_([expanded_any, Not(expanded)]),
            filters,
            sort,
            max(0, start - page.total),
            count - len(page.hits),
            facets,
            days,
        )
        if rest.total:
            run.notes.append("some_words" if page.total else "any_word")
            run.all_words = page.total or None
            days_both = _sum(page.days or {}, rest.days or {}) if days else None
            run.page = Page(
                page.total + rest.total, page.hits + rest.hits, _added(page.counts, rest.counts), days_both
            )
            run.q, run.expanded, run.every_word = q_any, expanded_any, expanded
        return run

    # -- the research desk: attention over time, characteristic words -------------------------

    def _timeline(
        self, snap: Snapshot, vocab: Vocabulary, req: SearchRequest, filters: Filters, days: dict[int, int]
    ) -> Timeline | None:
        series = [(req.q.strip(), days)]
        for text in req.compare:
            parsed = parse(text, snap.pipeline)
            other: dict[int, int] = {}
            if parsed.node is not None:
                other = self._run(snap, vocab, parsed, filters, "newest", 0, 0, [], True).page.days or {}
            series.append((text, other))
        return timelines.build(series, self._background(snap, filters))

    def _background(self, snap: Snapshot, filters: Filters) -> dict[int, int]:
        """All articles per day under ``filters`` but no query (cached per generation)."""
        tables = self._shared(snap)
        key = _filters_key(filters)
        with tables.research_lock:
            found = tables.backgrounds.get(key)
        if found is None:
            found = snap.search(All(), filters, "newest", 0, 0, [], True).days or {}
            with tables.research_lock:
                tables.backgrounds[key] = found
                while len(tables.backgrounds) > BACKGROUNDS:
                    tables.backgrounds.popitem(last=False)
        return found

    def _doc_count(self, snap: Snapshot) -> int:
        tables = self._shared(snap)
        if tables.doc_count is None:
            tables.doc_count = snap.doc_count()
        return tables.doc_count

    def _characteristic(
        self,
        snap: Snapshot,
        expanded: Node,
        filters: Filters,
        marks: Highlight,
        texts: list[dict[str, Any]] | None,
    ) -> tuple[list[Word], int]:
        """The words over-represented in the best-ranked results (or, when browsing, the newest)
        against the whole archive; the query's own words and their alternatives left out."""
        if texts is None:
            sort = "relevance" if scores(expanded) else "newest"
            page = snap.search(expanded, filters, sort, 0, SAMPLE, [])
            texts = [snap.stored(ref) for ref, _ in page.hits]
        tables = self._shared(snap)
        known = tables.doc_frequencies

        def frequencies(terms: list[str]) -> dict[str, int]:
            with tables.research_lock:
                out = {t: known[t] for t in terms if t in known}
            missing = [t for t in terms if t not in out]
            if missing:
                got = snap.doc_frequencies(missing)
                out.update(got)
                with tables.research_lock:
                    if len(known) > DF_CACHE:
                        known.clear()
                    known.update(got)
            return out

        return characteristic_words(
            (f"{f.get('title', '')}\n{f.get('body', '')}" for f in texts[:SAMPLE]),
            snap.pipeline,
            frequencies,
            self._doc_count(snap),
            exclude=marks.terms,
        )

    # -- export -------------------------------------------------------------------------------

    def export(self, req: SearchRequest, limit: int) -> tuple[int, Iterator[StoredArticle]]:
        """Every article the search lists, in its order, up to ``limit``: the total, and the
        articles read as they are consumed (flat memory at any size)."""
        snap = self._snapshot()
        parsed = parse(req.q, snap.pipeline)
        if parsed.node is None:
            return 0, iter(())
        vocab = self._vocabulary(snap)
        filters = Filters(req.filters, req.date_from, req.date_to)
        run = self._run(snap, vocab, parsed, filters, req.sort, 0, 0, [], False)
        sort = req.sort if req.sort != "relevance" or scores(parsed.node) else "newest"
        total = run.page.total
        # As the search lists them: the articles with every word, then those with some.
        parts = [run.expanded]
        if run.every_word is not None:
            parts = [run.every_word, and_([run.expanded, Not(run.every_word)])]

        def articles() -> Iterator[StoredArticle]:
            left = limit
            for part in parts:
                for fields in snap.ordered(part, filters, sort, left):
                    yield _stored(fields)
                    left -= 1
                if left <= 0:
                    return

        return total, articles()

    # -- query words that match little ----------------------------------------------------

    def _vocabulary(self, snap: Snapshot) -> Vocabulary:
        tables = self._shared(snap)
        return Vocabulary(
            snap, lambda: self._sounds(snap), tables.surface, lambda: self._doc_count(snap), tables.forms
        )

    def _expand(self, q: Node, vocab: Vocabulary, found: Alternatives) -> Node:
        """Let words that match little also match their sound-alikes in the other script, rare
        spellings their common candra variants, unknown words their nearest spellings, and
        Devanagari words their other inflections; ``found`` records what was added."""
        r = self.ranking

        terms = plain_terms(q)
        vocab.prefetch(terms)  # every word's frequency in one look-up
        if r.form_weight > 0:
            helped = [t for t in terms if has_devanagari(t)][:MAX_HELPED_WORDS]
            vocab.prefetch_forms(helped, STEMMERS[r.form_stemmer])

        def alternatives(term: str) -> list[tuple[str, float]]:
            if term in found.cache:
                return found.cache[term]
            alts: list[tuple[str, float]] = []
            if len(found.cache) >= MAX_HELPED_WORDS:  # a long query's later words get no help
                return alts
            if is_latin_word(term) and len(term) >= 3 and r.romanized_weight > 0:
                df = vocab.doc_frequency(term)
                alikes = vocab.sound_alikes(term, devanagari=True)[: r.romanized_max]
                if alikes and (df < ROMANIZED_BELOW_DF or df * ROMANIZED_RATIO < alikes[0][1]):
                    found.romanized[term] = [t for t, _ in alikes]
                    alts = _weighted(alikes, r.romanized_weight)
            elif has_devanagari(term) and r.cross_script_weight > 0:
                alikes = vocab.sound_alikes(term, devanagari=False)[: r.romanized_max]
                alts = _weighted(alikes, r.cross_script_weight)
            if has_devanagari(term) and r.variant_weight > 0:
                common = vocab.common_variants(term)
                if common:
                    found.variants[term] = [t for t, _ in common]
                    alts = alts + [(t, r.variant_weight) for t, _ in common]
            if not alts and r.spelling_weight > 0:
                near = vocab.misspelt(term)
                if near:
                    found.spelled[term] = near
                    alts = [(n.term, r.spelling_weight) for n in near]
            if has_devanagari(term) and r.form_weight > 0:
                least = r.form_ratio * vocab.doc_frequency(term)
                most = r.form_max_share * self._doc_count(vocab.snapshot)
                forms = [
                    (t, df)
                    for t, df in vocab.other_forms(term, STEMMERS[r.form_stemmer])
                    if least <= df <= most
                ]
                alts = alts + [(t, r.form_weight) for t, _ in forms]
            found.cache[term] = alts
            return alts

        return expand_terms(q, alternatives)

    def _surface(self, snap: Snapshot, vocab: Vocabulary, term: str) -> str:
        """How an index term is written in the articles (for showing it to a reader)."""
        if term in vocab.surface_cache:
            return vocab.surface_cache[term]
        return vocab.surface_form(term, snap.texts_with(term, 3))

    def _suggestion(
        self, snap: Snapshot, vocab: Vocabulary, text: str, q: Node, found: Alternatives, total: int
    ) -> str | None:
        """The query with its unknown (or, when little is found, rare) words spelled as the index
        spells them; None when there is nothing to correct."""
        fixes: dict[str, str] = {t: near[0].term for t, near in found.spelled.items()}
        if total < SUGGEST_BELOW:
            for term in plain_terms(q):
                if term not in fixes and term not in found.romanized:
                    better = vocab.more_common_spelling(term)
                    if better:
                        fixes[term] = better
        if not fixes:
            return None
        out, pos, changed = [], 0, False
        for w in words(text):
            term = snap.pipeline.analyze_word(w.text)[0]
            if term in fixes:
                out.append(text[pos : w.start])
                out.append(self._surface(snap, vocab, fixes[term]))
                pos, changed = w.end, True
        out.append(text[pos:])
        return "".join(out).strip() if changed else None

    def _hit(
        self, stored: dict[str, Any], score: float | None, marks: Highlight, with_snippet: bool, analyze: Any
    ) -> Hit:
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
            snippet=make_snippet(stored.get("body", ""), marks, analyze=analyze).html()
            if with_snippet
            else "",
        )

    # -- single articles ------------------------------------------------------------------

    def article(self, article_id: str) -> StoredArticle | None:
        fields = self._snapshot().article(article_id)
        return _stored(fields) if fields else None

    def similar(self, article_id: str, count: int = 5) -> list[Hit]:
        """The articles most like this one by content (its most distinctive words)."""
        snap = self._snapshot()
        none = Highlight(frozenset())
        return [
            self._hit(f, score, none, True, snap.pipeline.terms)
            for f, score in snap.similar(article_id, count)
        ]

    def suggest(self, text: str, limit: int = 8, wait: bool = True) -> list[Suggestion]:
        """Autocomplete. With ``wait=False``, nothing rather than a wait while the tables are
        built (in the background) after a start or a reindex."""
        snap = self._snapshot()
        tables = self._shared(snap)
        if tables.suggester is None and not wait:
            with tables.lock:
                if tables.builder is None:
                    tables.builder = threading.Thread(
                        target=self._warm_suggester, name="khabar-suggest", daemon=True
                    )
                    tables.builder.start()
            return []
        return self._suggester(snap).suggest(text, limit)

    def newest_date(self) -> date | None:
        """The date of the newest article, not counting dates after tomorrow (a placeholder such as
        9999-12-31 in one record): quick date ranges count back from it."""
        return self._snapshot().newest_date(not_after=date.today() + timedelta(days=1))

    def highlighted_paragraphs(self, text: str, q: str) -> list[str]:
        """``text`` split into paragraphs of escaped HTML, the words of query ``q`` marked."""
        snap = self._snapshot()
        node = parse(q, snap.pipeline).node if q.strip() else None
        marks = highlight_terms(node) if node is not None else Highlight(frozenset())
        return [
            highlight(p.strip(), marks, snap.pipeline.terms).html() for p in text.split("\n") if p.strip()
        ]


@dataclass
class _Run:
    page: Page
    q: Node  # the query searched last (the relaxed one when some words were enough)
    expanded: Node
    found: Alternatives
    notes: list[str] = field(default_factory=list)
    all_words: int | None = None
    every_word: Node | None = None  # when some words were enough: the query with every word


def _filters_key(f: Filters) -> tuple[Any, ...]:
    return (tuple(sorted((k, tuple(v)) for k, v in f.values.items())), f.date_from, f.date_to)


def _sum(a: dict[Any, int], b: dict[Any, int]) -> dict[Any, int]:
    """Counts of two disjoint sets of articles, added."""
    out = dict(a)
    for k, n in b.items():
        out[k] = out.get(k, 0) + n
    return out


def _added(a: dict[str, dict[str, int]], b: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Facet counts of two disjoint sets of articles, added."""
    return {name: _sum(a.get(name, {}), b.get(name, {})) for name in {*a, *b}}


def _facet_values(f: Facet, counts: dict[str, int], selected: list[str]) -> list[FacetValue]:
    """The facet's values in its order: the first FACET_VALUES of them, and every selected one."""
    ordered = f.order(counts)
    shown = ordered[:FACET_VALUES] + [(v, c) for v, c in ordered[FACET_VALUES:] if v in selected]
    return [FacetValue(v, c, v in selected) for v, c in shown]


def _weighted(alikes: list[tuple[str, int]], weight: float) -> list[tuple[str, float]]:
    """The most common sound-alike gets ``weight``; rarer ones less, as they are more often
    a different word that happens to sound the same."""
    if not alikes:
        return []
    top = alikes[0][1]
    return [(t, weight * (df / top) ** 0.5) for t, df in alikes]


__all__ = ["PER_PAGE", "SORTS", "IndexUnavailable", "SearchRequest", "SearchResult", "SearchService"]

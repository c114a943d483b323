"""The search service: one place that turns a request into ranked, faceted, highlighted results.

Used by the CLI and the web app alike. Whoosh stays inside the indexer; callers get plain
dataclasses. A searcher is kept per thread and reopened when a reindex publishes a new
generation, so a running server follows reindexes without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import store
from indexer.analysis.pipeline import Pipeline
from indexer.analysis.tokenize import words
from indexer.docsets import DocSets
from indexer.facets import FACETS, FACETS_BY_NAME, Facet
from indexer.query import (
    Highlight,
    expand_terms,
    highlight_terms,
    parse,
    plain_terms,
    some_words,
    with_proximity,
)
from indexer.ranking import DEFAULT_RANKING, RankingOptions
from indexer.romanize import has_devanagari, is_latin_word
from indexer.schema import local_seconds
from indexer.snippets import highlight, make_snippet
from indexer.spelling import Neighbour
from indexer.suggest import Suggester, Suggestion
from indexer.vocabulary import SoundIndex, Vocabulary

SORTS = ("relevance", "newest", "oldest")
FACET_VALUES = 30  # values listed per facet; selected ones are always listed
PER_PAGE = 10
MAX_PER_PAGE = 100

NOTES = {
    "any_word": "No article has all the words; showing articles with any of them.",
    "some_words": "Few articles have all the words; articles with some of them follow.",
    "plain_words": "The query syntax could not be read; searched for its words instead.",
    "nothing_searchable": "The query has no searchable words (only very common words or symbols).",
    "page_out_of_range": "This page is past the last page of results.",
}


# With fewer articles than this holding every word, articles holding some of them follow.
FILL_BELOW = PER_PAGE
ROMANIZED_BELOW_DF = 3  # a Latin word in fewer articles than this "matches little"
ROMANIZED_RATIO = 5  # ... as does one whose Devanagari sound-alike is this many times more common
SUGGEST_BELOW = 3  # with fewer results than this, rare words get spelling suggestions too


@dataclass
class Alternatives:
    """What a search added to the reader's words."""

    romanized: dict[str, list[str]] = field(default_factory=dict)  # Latin word -> Devanagari terms
    spelled: dict[str, list[Neighbour]] = field(default_factory=dict)  # unknown term -> neighbours
    cache: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


def _titles(reader: Any) -> Any:
    """(id, headline) of every live document, from the columns (stored fields for old indexes)."""
    if reader.has_column("id") and reader.has_column("title"):
        ids, titles = reader.column_reader("id"), reader.column_reader("title")
        return ((ids[d], titles[d]) for d in range(reader.doc_count_all()) if not reader.is_deleted(d))
    return ((f.get("id", ""), f.get("title", "")) for f in reader.all_stored_fields())


@dataclass
class _Page:
    total: int
    hits: list[tuple[int, float | None]]  # (docnum, score) from the first result up to the page
    counts: dict[str, dict[str, int]]


class _Generation:
    """What every thread may share about one index generation, each part built on first use."""

    def __init__(self) -> None:
        self.docsets: DocSets | None = None
        self.surface: dict[str, str] = {}
        self._sounds: SoundIndex | None = None
        self._suggester: Suggester | None = None
        self._suggest_lock = threading.Lock()
        self._builder: threading.Thread | None = None
        self._lock = threading.Lock()

    def sounds(self, reader: Any) -> SoundIndex:
        if self._sounds is None:
            with self._lock:
                if self._sounds is None:
                    self._sounds = SoundIndex(reader)
        return self._sounds

    def suggester(self, reader: Any, pipeline: Pipeline) -> Suggester:
        if self._suggester is None:
            with self._suggest_lock:
                if self._suggester is None:
                    self._suggester = Suggester(_titles(reader), pipeline)
        return self._suggester

    def start_building(self, build: Callable[[], object]) -> None:
        """Run ``build`` (once) in a thread of its own."""
        with self._lock:
            if self._builder is None:
                self._builder = threading.Thread(target=build, name="khabar-suggest", daemon=True)
                self._builder.start()


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
    # When articles with only some of the words follow: how many have all of them (they come first).
    all_words: int | None = None

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
            "all_words": self.all_words,
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
        tags=[t for t in fields.get("tags", "").split(",") if t],
    )


class SearchService:
    def __init__(self, index_dir: Path, ranking: RankingOptions = DEFAULT_RANKING) -> None:
        self.index_dir = Path(index_dir)
        self.ranking = ranking
        self._local = threading.local()
        self._indexes: dict[str, Any] = {}
        self._shared: dict[str, _Generation] = {}
        self._lock = threading.Lock()

    # -- searcher lifecycle ---------------------------------------------------------------

    def _searcher(self) -> Searcher:
        """This thread's searcher on the live generation, reopened when a reindex publishes."""
        gen = store.current_generation(self.index_dir)
        local = self._local
        if gen is not None and getattr(local, "gen", None) == gen:
            return local.searcher
        with self._lock:
            if gen not in self._indexes:
                gen, ix = store.open_current(self.index_dir)
                self._indexes = {gen: ix}  # older generations are only referenced by old searchers
                self._shared = {g: v for g, v in self._shared.items() if g == gen}
            ix = self._indexes[gen]
        old = getattr(local, "searcher", None)
        if old is not None:
            old.close()
        local.searcher, local.gen = ix.searcher(weighting=self.ranking.weighting()), gen
        return local.searcher

    @staticmethod
    def _pipeline(s: Searcher) -> Pipeline:
        """The analysis chain the index was built with (highlighting must use the same)."""
        return s.schema["body"].analyzer.pipeline

    def warm(self, background: bool = True) -> None:
        """Build the per-generation arrays and tables now rather than on the first requests;
        the autocomplete tables, slower to build, in a thread of their own if ``background``."""
        s = self._searcher()
        self._docsets(s)
        self._generation().sounds(s.reader())
        self.newest_date()
        if background:
            threading.Thread(target=self._warm_suggester, name="khabar-warm", daemon=True).start()
        else:
            self._warm_suggester()

    def _warm_suggester(self) -> None:
        s = self._searcher()  # this thread's own searcher: readers are not shared across threads
        self._generation().suggester(s.reader(), self._pipeline(s))

    def ready(self) -> bool:
        """Whether the slower per-generation tables (autocomplete) are built."""
        self._searcher()
        return self._generation()._suggester is not None

    def generation(self) -> str:
        self._searcher()
        return self._local.gen

    def doc_count(self) -> int:
        return self._searcher().doc_count()

    # -- search ---------------------------------------------------------------------------

    def search(self, req: SearchRequest) -> SearchResult:
        t0 = time.perf_counter()
        s = self._searcher()
        notes: list[str] = []

        ranking = self.ranking
        if req.q.strip():
            q, plain = parse(
                req.q,
                s.schema,
                any_word=ranking.any_word == "always",
                boosts=ranking.boosts,
            )
            if plain:
                notes.append("plain_words")
        else:
            q = wq.Every()
        if q is wq.NullQuery or isinstance(q, wq.qcore._NullQuery):
            notes.append("nothing_searchable")
            return self._empty(req, notes, t0)

        sort = req.sort
        if isinstance(q, wq.Every) and sort == "relevance":
            sort = "newest"  # browsing without words: the latest news first

        vocab = self._vocabulary(s)
        found = Alternatives()
        expanded = self._expand(q, vocab, found)
        # Every word first; when that finds little, articles with some of the words follow.
        mode = ranking.any_word
        page = self._run(s, expanded, req, sort, at_least=FILL_BELOW if mode == "fill" else 0)
        all_words = None
        few = page.total < FILL_BELOW if mode == "fill" else page.total == 0
        q_any = some_words(q) if mode in ("fill", "fallback") and few else None
        if q_any is not None:
            expanded_any = self._expand(q_any, vocab, found)
            page_any = self._run(s, expanded_any, req, sort)
            if page_any.total > page.total:
                if page.total:
                    notes.append("some_words")
                    all_words = page.total
                    page = _after(page, page_any)
                else:
                    notes.append("any_word")
                    page = page_any
                q, expanded = q_any, expanded_any

        total = page.total
        marks = highlight_terms(expanded)
        first = (req.page - 1) * req.per_page
        if total and first >= total:
            notes.append("page_out_of_range")
        analyze = self._pipeline(s).terms
        hits = [
            self._hit(s.stored_fields(docnum), score, marks, req.snippets, analyze)
            for docnum, score in page.hits[first : first + req.per_page]
        ]
        facets = {
            f.name: _facet_values(f, page.counts[f.name], req.filters.get(f.name, []))
            for f in FACETS
            if f.offered(req.filters)
        }
        result = SearchResult(
            req, total, (time.perf_counter() - t0) * 1000, hits, facets, notes, marks, all_words=all_words
        )
        if not isinstance(q, wq.Every):
            result.transliterations = {
                word: [self._surface(s, vocab, t) for t in terms] for word, terms in found.romanized.items()
            }
            result.suggestion = self._suggestion(s, vocab, req.q, q, found, total)
            result.took_ms = (time.perf_counter() - t0) * 1000
        return result

    def _empty(self, req: SearchRequest, notes: list[str], t0: float) -> SearchResult:
        facets = {f.name: [] for f in FACETS if f.offered(req.filters)}
        return SearchResult(req, 0, (time.perf_counter() - t0) * 1000, [], facets, notes)

    def _run(self, s: Searcher, q: wq.Query, req: SearchRequest, sort: str, at_least: int = 0) -> _Page:
        """Exact total, facet counts and the hits up to the requested page (or ``at_least`` hits).

        Matching documents are a numpy array (see ``docsets``); filters and facet counts are
        array operations on it. A facet's counts ignore its own selection and respect all the
        others (multi-select: a reader sees what every other value would add).
        """
        ds = self._docsets(s)
        # Scores straight from arrays when Whoosh's own scoring would only add them up; phrases,
        # wildcards and the proximity bonus are scored by Whoosh.
        scored = ds.scores(s, q) if sort == "relevance" and self.ranking.proximity_boost == 0 else None
        matched = scored[0] if scored is not None else ds.of_query(s, q)
        masks = {name: self._mask(ds, name, values, matched) for name, values in req.filters.items()}
        if req.date_from or req.date_to:
            masks["_dates"] = self._date_mask(ds, req, matched)
        keep = np.ones(len(matched), dtype=bool)
        for m in masks.values():
            keep &= m
        docs = matched[keep]

        counts: dict[str, dict[str, int]] = {}
        for f in FACETS:
            if not f.offered(req.filters):
                continue
            sel = np.ones(len(matched), dtype=bool)
            for name, m in masks.items():
                if name != f.name:
                    sel &= m
            counts[f.name] = self._count(ds, f.name, matched[sel] if f.name in masks else docs)

        limit = max(req.page * req.per_page, at_least)
        if scored is not None:
            values = scored[1][keep]
            k = min(limit, len(docs))
            top = np.argpartition(-values, k - 1)[:k] if 0 < k < len(docs) else np.arange(len(docs))
            top = top[np.lexsort((docs[top], -values[top]))]
            hits = [(int(docs[i]), float(values[i])) for i in top]
        elif sort == "relevance":
            allow = None if not masks else set(docs.tolist())
            # Whoosh's top-N search mis-ranks the proximity clause (AndMaybe): it returned
            # low-scoring documents first on XQuAD. Ranking everything is right, and costs little
            # next to the phrase matching the clause needs anyway.
            top_n = None if self.ranking.proximity_boost else limit
            results = s.search(self._scored(q), limit=top_n, filter=allow, terms=False)
            hits = [(h.docnum, h.score) for h in results][:limit]
        else:
            # Descending by key; undated articles (-inf) last both ways.
            raw = ds.ts[docs]
            key = raw.astype(np.float64) * (1.0 if sort == "newest" else -1.0)
            key[raw == np.iinfo(np.int64).min] = -np.inf
            k = min(limit, len(docs))
            top = np.argpartition(-key, k - 1)[:k] if 0 < k < len(docs) else np.arange(len(docs))
            top = top[np.lexsort((docs[top], -key[top]))]
            hits = [(int(docs[i]), None) for i in top[:limit]]
        return _Page(len(docs), hits, counts)

    def _docsets(self, s: Searcher) -> DocSets:
        shared = self._generation()
        if shared.docsets is None:
            with shared._lock:
                if shared.docsets is None:
                    shared.docsets = DocSets(s.reader())
        return shared.docsets

    @staticmethod
    def _mask(ds: DocSets, name: str, values: list[str], docs: np.ndarray) -> np.ndarray:
        if name in ds.multi:
            mf = ds.multi[name]
            wanted = [mf.index[v] for v in values if v in mf.index]
            holders = mf.docs[np.isin(mf.ords, wanted)]
            return np.isin(docs, holders)
        col = ds.columns[name]
        wanted = [col.index[v] for v in values if v in col.index]
        return np.isin(col.ords[docs], wanted)

    @staticmethod
    def _date_mask(ds: DocSets, req: SearchRequest, docs: np.ndarray) -> np.ndarray:
        ts = ds.ts[docs]
        keep = ts != np.iinfo(np.int64).min
        if req.date_from:
            keep &= ts >= local_seconds(datetime.combine(req.date_from, dtime.min))
        if req.date_to:
            keep &= ts <= local_seconds(datetime.combine(req.date_to, dtime.max))
        return keep

    @staticmethod
    def _count(ds: DocSets, name: str, docs: np.ndarray) -> dict[str, int]:
        if name in ds.multi:
            mf = ds.multi[name]
            ords = mf.ords[np.isin(mf.docs, docs)]
            values = mf.values
        else:
            col = ds.columns[name]
            ords = col.ords[docs]
            ords = ords[ords >= 0]
            values = col.values
        n = np.bincount(ords, minlength=len(values)) if len(ords) else np.zeros(len(values), dtype=np.int64)
        return {values[i]: int(c) for i, c in enumerate(n) if c}

    # -- query words that match little ----------------------------------------------------

    def _generation(self) -> _Generation:
        gen = self._local.gen
        shared = self._shared.get(gen)
        if shared is None:
            with self._lock:
                shared = self._shared.setdefault(gen, _Generation())
        return shared

    def _vocabulary(self, s: Searcher) -> Vocabulary:
        shared = self._generation()
        return Vocabulary(s.reader(), self._pipeline(s), lambda: shared.sounds(s.reader()), shared.surface)

    def _expand(self, q: wq.Query, vocab: Vocabulary, found: Alternatives) -> wq.Query:
        """Let words that match little also match their sound-alikes in the other script, and
        unknown words their nearest spellings; ``found`` records what was added."""
        r = self.ranking

        def alternatives(term: str) -> list[tuple[str, float]]:
            if term in found.cache:
                return found.cache[term]
            alts: list[tuple[str, float]] = []
            if is_latin_word(term) and len(term) >= 3 and r.romanized_weight > 0:
                df = vocab.doc_frequency(term)
                alikes = vocab.sound_alikes(term, devanagari=True)[: r.romanized_max]
                if alikes and (df < ROMANIZED_BELOW_DF or df * ROMANIZED_RATIO < alikes[0][1]):
                    found.romanized[term] = [t for t, _ in alikes]
                    alts = _weighted(alikes, r.romanized_weight)
            elif has_devanagari(term) and r.cross_script_weight > 0:
                alikes = vocab.sound_alikes(term, devanagari=False)[: r.romanized_max]
                alts = _weighted(alikes, r.cross_script_weight)
            if not alts and r.spelling_weight > 0:
                near = vocab.misspelt(term)
                if near:
                    found.spelled[term] = near
                    alts = [(n.term, r.spelling_weight) for n in near]
            found.cache[term] = alts
            return alts

        return expand_terms(q, alternatives)

    def _scored(self, q: wq.Query) -> wq.Query:
        r = self.ranking
        return with_proximity(q, r.proximity_boost, r.proximity_slop, r.boosts)

    def _surface(self, s: Searcher, vocab: Vocabulary, term: str) -> str:
        """How an index term is written in the articles (for showing it to a reader)."""
        texts: list[str] = []
        reader = s.reader()
        for fieldname in ("body", "title"):
            if len(texts) < 3 and reader.doc_frequency(fieldname, term):
                for docnum in reader.postings(fieldname, term).all_ids():
                    texts.append(s.stored_fields(docnum).get(fieldname, ""))
                    if len(texts) >= 3:
                        break
        return vocab.surface_form(term, texts)

    def _suggestion(
        self, s: Searcher, vocab: Vocabulary, text: str, q: wq.Query, found: Alternatives, total: int
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
        pipeline = self._pipeline(s)
        out, pos, changed = [], 0, False
        for w in words(text):
            term = pipeline.analyze_word(w.text)[0]
            if term in fixes:
                out.append(text[pos : w.start])
                out.append(self._surface(s, vocab, fixes[term]))
                pos, changed = w.end, True
        out.append(text[pos:])
        return "".join(out).strip() if changed else None

    def _hit(
        self, fields: Any, score: float | None, marks: Highlight, with_snippet: bool, analyze: Any
    ) -> Hit:
        stored = dict(fields)
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
        fields = self._searcher().document(id=article_id)
        return _stored(fields) if fields else None

    def similar(self, article_id: str, count: int = 5) -> list[Hit]:
        """The articles most like this one by content (its most distinctive words)."""
        s = self._searcher()
        docnum = s.document_number(id=article_id)
        if docnum is None:
            return []
        results = s.more_like(docnum, "body", top=count, numterms=25)
        analyze = self._pipeline(s).terms
        none = Highlight(frozenset())
        return [self._hit(h.fields(), h.score, none, True, analyze) for h in results]

    def suggest(self, text: str, limit: int = 8, wait: bool = True) -> list[Suggestion]:
        """Autocomplete. With ``wait=False``, nothing rather than a wait while the tables are
        built (in the background) after a start or a reindex."""
        s = self._searcher()
        shared = self._generation()
        if shared._suggester is None and not wait:
            shared.start_building(self._warm_suggester)
            return []
        return shared.suggester(s.reader(), self._pipeline(s)).suggest(text, limit)

    def newest_date(self) -> date | None:
        """The date of the newest dated article: quick date ranges count back from it."""
        ds = self._docsets(self._searcher())
        dated = ds.ts[ds.all][ds.ts[ds.all] != np.iinfo(np.int64).min]
        if not len(dated):
            return None
        return (datetime(1970, 1, 1) + timedelta(seconds=int(dated.max()))).date()

    def highlighted_paragraphs(self, text: str, q: str) -> list[str]:
        """``text`` split into paragraphs of escaped HTML, the words of query ``q`` marked."""
        s = self._searcher()
        marks = highlight_terms(parse(q, s.schema)[0]) if q.strip() else Highlight(frozenset())
        analyze = self._pipeline(s).terms
        return [highlight(p.strip(), marks, analyze).html() for p in text.split("\n") if p.strip()]


def _after(first: _Page, then: _Page) -> _Page:
    """``first``'s hits (all of them), then those of ``then`` not among them; ``then``'s total and
    counts, since it matches a superset of ``first``."""
    seen = {docnum for docnum, _ in first.hits}
    return _Page(then.total, first.hits + [h for h in then.hits if h[0] not in seen], then.counts)


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

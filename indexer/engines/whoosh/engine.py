"""The Whoosh engine: an index in a local folder of generations, searched in this process.

A searcher is kept per thread and reopened when a reindex publishes a new generation, so a
running server follows reindexes without a restart. What every thread may share about one
generation (facet arrays, cached postings) is built once, on first use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import numpy as np

from indexer import manifest as manifests
from indexer import patterns, words
from indexer.analysis.pipeline import AnalysisOptions, Pipeline
from indexer.caches import Cache
from indexer.characteristic import SampleWords
from indexer.engines.base import Filters, IndexUnavailable, Live, Neighbourhood, Page, VectorSpec
from indexer.engines.whoosh import articlewords, setops, store
from indexer.engines.whoosh import vectors as matrix
from indexer.engines.whoosh.docsets import DocSets
from indexer.engines.whoosh.evaluate import Evaluator
from indexer.engines.whoosh.scoring import weighting
from indexer.engines.whoosh.writer import WhooshGeneration, default_procs
from indexer.facets import Facet
from indexer.patterns import Budget
from indexer.query.tree import TEXT_FIELDS, Node
from indexer.ranking import DEFAULT_RANKING, RankingOptions
from indexer.records import local_seconds
from indexer.spelling import within
from indexer.words import WordTable

UNDATED = np.iinfo(np.int64).min
DAY_BINS = 200 * 366  # days the timeline's counts bin directly (two centuries)
INITIALS = 64  # lists of terms by field and first letter kept (``WhooshEngine.initial_terms``)


class WhooshEngine:
    name = "whoosh"

    def __init__(self, index_dir: Path, ranking: RankingOptions = DEFAULT_RANKING) -> None:
        self.index_dir = Path(index_dir)
        self.where = str(self.index_dir)
        self.ranking = ranking
        self._local = threading.local()
        self._indexes: dict[str, Any] = {}
        self._docsets: dict[str, DocSets] = {}
        self._words: dict[str, WordTable] = {}
        self._vectors: dict[str, matrix.Vectors | None] = {}
        self._article_words: dict[str, articlewords.ArticleWords | None] = {}
        # Terms by (generation, field, first letter), the spelling neighbours' candidates: Whoosh
        # lists them in Python, 20 ms and more for a common letter at 100,000 articles.
        self._initials: Cache[tuple[str, str, str], list[str]] = Cache(INITIALS)
        self._lock = threading.Lock()

    # -- reindexing -----------------------------------------------------------------------------

    def reindex_lock(self, wait: bool, on_wait: Callable[[str], None]) -> AbstractContextManager[None]:
        return store.reindex_lock(self.index_dir, wait=wait, on_wait=on_wait)

    def prune(self) -> None:
        store.prune(self.index_dir)

    def live(self, analysis: AnalysisOptions, full: bool) -> Live:
        """A reindex never trusts a manifest over a damaged index, so that "rebuild it with
        khabar reindex" always works."""
        root = self.index_dir
        try:
            gen = store.current_generation(root)
        except IndexUnavailable as e:
            return Live(damaged=str(e).split("; rebuild")[0])  # the advice it gives is being followed
        if gen is not None and not (root / gen).is_dir():
            return Live(damaged=f"{root / store.CURRENT} names {gen}, which is not there")
        if gen is None or full:
            return Live(gen)
        old = manifests.load(root / gen)
        if old is None or old.analysis != manifests.describe(analysis):
            return Live(gen)  # no manifest, or another analysis: every article is analysed again
        damage = store.check(root / gen, articles=sum(len(e.ids) for e in old.files.values()))
        if damage:
            return Live(damaged=f"the live index {root / gen} is not whole ({damage})")
        spec = matrix.spec_of(root / gen)
        return Live(gen, old, meaning=spec.checksum if spec else None)

    def new_generation(
        self, base: Live | None, analysis: AnalysisOptions, parallel: bool, vectors: VectorSpec | None = None
    ) -> WhooshGeneration:
        procs = self.procs if self.procs is not None else default_procs()
        return WhooshGeneration(
            self.index_dir, base.generation if base else None, analysis, procs if parallel else 1, vectors
        )

    def vector_cache(self) -> Path:
        """In the index folder ($KHABAR_VECTOR_CACHE for one shared by several indexes: a vector
        is filed under its text and model, so sharing is safe)."""
        shared = os.environ.get("KHABAR_VECTOR_CACHE")
        return Path(shared) if shared else self.index_dir / "vector-cache"

    procs: int | None = None  # writing processes (None: one per core, up to 4)

    # -- searching ------------------------------------------------------------------------------

    def snapshot(self) -> WhooshSnapshot:
        gen = store.current_generation(self.index_dir)
        local = self._local
        if gen is not None and getattr(local, "gen", None) == gen:
            return local.snapshot
        with self._lock:
            if gen not in self._indexes:
                gen, ix = store.open_current(self.index_dir)
                self._indexes = {gen: ix}  # older generations are only referenced by old searchers
                self._docsets = {g: d for g, d in self._docsets.items() if g == gen}
            ix = self._indexes[gen]
        old = getattr(local, "snapshot", None)
        if old is not None:
            old.close()
        searcher = store.searcher(self.index_dir, gen, ix, weighting(self.ranking))
        local.snapshot = WhooshSnapshot(gen, searcher, self)
        local.gen = gen
        return local.snapshot

    def word_table(self, gen: str, terms: Callable[[], Iterable[str]]) -> WordTable:
        """The words the generation's articles write (read once per generation)."""
        found = self._words.get(gen)
        if found is None:
            with self._lock:
                found = self._words.get(gen)
                if found is None:
                    self._words = {gen: WordTable.read(self.index_dir / gen / words.FILE, terms)}
                    found = self._words[gen]
        return found

    def vectors(self, gen: str, docsets: DocSets) -> matrix.Vectors | None:
        """The generation's vectors (mapped once per generation), None when it has none."""
        if gen not in self._vectors:
            with self._lock:
                if gen not in self._vectors:
                    spec = matrix.spec_of(self.index_dir / gen)
                    found = matrix.Vectors(self.index_dir / gen, spec, docsets.live) if spec else None
                    self._vectors = {gen: found}
        return self._vectors[gen]

    def initial_terms(self, gen: str, reader: Any, fieldname: str, letter: str) -> list[str]:
        """The terms of ``fieldname`` that begin with ``letter`` (the last INITIALS used kept)."""
        key = (gen, fieldname, letter)
        found = self._initials.get(key)
        if found is None:
            field = reader.schema[fieldname]
            found = [field.from_bytes(b) for b in reader.expand_prefix(fieldname, letter)]
            self._initials.put(key, found)
        return found

    def article_words(self, gen: str, reader: Any) -> articlewords.ArticleWords | None:
        """The generation's article words (read once per generation), None when it has none."""
        if gen not in self._article_words:
            with self._lock:
                if gen not in self._article_words:
                    folder = self.index_dir / gen
                    found = None
                    if articlewords.has_words(folder):
                        found = articlewords.ArticleWords(folder, reader.doc_count_all())
                    self._article_words = {gen: found}
        return self._article_words[gen]

    def docsets(self, gen: str, reader: Any) -> DocSets:
        found = self._docsets.get(gen)
        if found is None:
            with self._lock:
                found = self._docsets.get(gen)
                if found is None:
                    found = self._docsets[gen] = DocSets(reader)
        return found


class WhooshSnapshot:
    def __init__(self, generation: str, searcher: Any, engine: WhooshEngine) -> None:
        self.generation = generation
        self.searcher = searcher
        self.reader = searcher.reader()
        self.engine = engine
        # The analysis chain the index was built with (pickled in its schema).
        self.pipeline: Pipeline = searcher.schema["body"].analyzer.pipeline
        self._last: tuple[Node, tuple[np.ndarray, np.ndarray]] | None = None

    @property
    def docsets(self) -> DocSets:
        return self.engine.docsets(self.generation, self.reader)

    def close(self) -> None:
        self.searcher.close()

    def doc_count(self) -> int:
        return self.searcher.doc_count()

    # -- search ---------------------------------------------------------------------------------

    def evaluate(self, q: Node) -> tuple[np.ndarray, np.ndarray]:
        """Matching document numbers (sorted) and their scores. The last query's are kept: search
        by meaning asks which of its candidates match the query just searched (a snapshot
        belongs to one thread, and its generation never changes)."""
        if self._last is not None and self._last[0] == q:
            return self._last[1]
        found = Evaluator(self.searcher, self.docsets, self.engine.ranking.boosts).run(q)
        self._last = (q, found)
        return found

    def _matches(self, q: Node, filters: Filters) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """The evaluator's matches, their scores, and one mask over them per selection."""
        ds = self.docsets
        matched, scores = self.evaluate(q)
        masks = {name: _mask(ds, name, values, matched) for name, values in filters.values.items()}
        if filters.date_from or filters.date_to:
            masks["_dates"] = _date_mask(ds, filters, matched)
        return matched, scores, masks

    def _keys(self, docs: np.ndarray, scores: np.ndarray, sort: str) -> np.ndarray:
        """Sort keys, descending; undated articles (-inf) last both ways for the date sorts."""
        if sort == "relevance":
            return scores
        raw = self.docsets.ts[docs]
        key = raw.astype(np.float64) * (1.0 if sort == "newest" else -1.0)
        key[raw == UNDATED] = -np.inf
        return key

    def search(
        self,
        q: Node,
        filters: Filters,
        sort: str,
        start: int,
        count: int,
        facets: Sequence[Facet],
        days: bool = False,
        light: bool = False,
    ) -> Page:
        """Filters and facet counts are array operations on the evaluator's matches. A hit is
        its document number, light or not: ``stored`` reads the fields when asked."""
        ds = self.docsets
        matched, scores, masks = self._matches(q, filters)
        keep = _every(masks, len(matched))
        docs = matched[keep]

        counts: dict[str, dict[str, int]] = {}
        for f in facets:
            sel = np.ones(len(matched), dtype=bool)
            for name, m in masks.items():
                if name != f.name:
                    sel &= m
            counts[f.name] = _count(ds, f.name, matched[sel] if f.name in masks else docs)

        hits: list[tuple[Any, float | None]] = []
        if count > 0:
            key = self._keys(docs, scores[keep], sort)
            order = ds.id_rank[docs]
            top = _top(key, start + count, order)
            top = top[np.lexsort((order[top], -key[top]))][start : start + count]
            hits = [(int(docs[i]), float(key[i]) if sort == "relevance" else None) for i in top]
        return Page(len(docs), hits, counts, _days(ds, docs) if days else None)

    def ordered(self, q: Node, filters: Filters, sort: str, limit: int) -> Iterator[dict[str, Any]]:
        """Every match (up to ``limit``) in ``sort`` order, as stored: the query is evaluated once,
        then articles are read one at a time (memory holds only the document numbers)."""
        matched, scores, masks = self._matches(q, filters)
        keep = _every(masks, len(matched))
        docs = matched[keep]
        key = self._keys(docs, scores[keep], sort)
        order = np.lexsort((self.docsets.id_rank[docs], -key))[:limit]
        for i in order:
            yield dict(self.searcher.stored_fields(int(docs[i])))

    # -- stored articles ------------------------------------------------------------------------

    def stored(self, ref: Any) -> dict[str, Any]:
        return dict(self.searcher.stored_fields(ref))

    def fetched(self, refs: list[Any]) -> list[Any]:
        return refs

    def article(self, article_id: str) -> dict[str, Any] | None:
        fields = self.searcher.document(id=article_id)
        return dict(fields) if fields else None

    def sample_words(self, refs: list[Any]) -> SampleWords | None:
        found = self.engine.article_words(self.generation, self.reader)
        return None if found is None else SampleWords(found.rows(int(r) for r in refs), found.lexicon)

    def spellings(self, refs: list[Any], terms: frozenset[str]) -> list[dict[str, list[str]]] | None:
        found = self.engine.article_words(self.generation, self.reader)
        if found is None:
            return None
        return found.spellings([int(r) for r in refs], terms)

    # -- search by meaning ----------------------------------------------------------------------

    def _vectors(self) -> matrix.Vectors | None:
        return self.engine.vectors(self.generation, self.docsets)

    def vectors(self) -> VectorSpec | None:
        found = self._vectors()
        return found.spec if found else None

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        found = self._vectors()
        if found is None:
            return []
        ids = self.docsets.ids
        return [(ids[d], score) for d, score in found.nearest(vector, k)]

    def _similarity(self, vector: np.ndarray, refs: list[Any]) -> list[float]:
        found = self._vectors()
        return found.similarity(vector, [int(r) for r in refs]) if found else [0.0] * len(refs)

    def _matching_ids(self, q: Node, ids: list[str]) -> set[str]:
        docs = self.docsets.docnums(ids)
        if not docs:
            return set()
        matched = self.evaluate(q)[0]
        nums = np.fromiter(docs.values(), dtype=np.int64, count=len(docs))
        hit = setops.contains(matched, nums)
        return {i for i, h in zip(docs, hit, strict=True) if h}

    def neighbourhood(self, vector: np.ndarray, k: int, q: Node, refs: list[Any]) -> Neighbourhood:
        near = self.nearest(vector, k)
        return Neighbourhood(
            near, self._matching_ids(q, [i for i, _ in near]), self._similarity(vector, refs)
        )

    def vector_of(self, article_id: str) -> np.ndarray | None:
        found = self._vectors()
        doc = self.docsets.docnums([article_id]).get(article_id)
        return None if found is None or doc is None else np.array(found.matrix[doc])

    def similar(self, article_id: str, count: int) -> list[tuple[dict[str, Any], float]]:
        """The articles most like this one by content (its most distinctive body words)."""
        docnum = self.searcher.document_number(id=article_id)
        if docnum is None:
            return []
        results = self.searcher.more_like(docnum, "body", top=count, numterms=25)
        return [(dict(h.fields()), h.score) for h in results]

    def titles(self) -> Iterator[tuple[str, str]]:
        """From the columns (stored fields for indexes without them): unpickling 100,000 stored
        documents, bodies and all, to read their headlines took 11 s."""
        reader = self.reader
        if reader.has_column("id") and reader.has_column("title"):
            ids, titles = reader.column_reader("id"), reader.column_reader("title")
            return ((ids[d], titles[d]) for d in range(reader.doc_count_all()) if not reader.is_deleted(d))
        return ((f.get("id", ""), f.get("title", "")) for f in reader.all_stored_fields())

    def newest_date(self, not_after: date | None = None) -> date | None:
        ds = self.docsets
        ts = ds.ts[ds.all]
        dated = ts[ts != UNDATED]
        if not_after is not None:
            dated = dated[dated <= local_seconds(datetime.combine(not_after, dtime.max))]
        if not len(dated):
            return None
        return (datetime(1970, 1, 1) + timedelta(seconds=int(dated.max()))).date()

    # -- vocabulary -----------------------------------------------------------------------------

    def doc_frequency(self, term: str, fields: tuple[str, ...] = TEXT_FIELDS) -> int:
        return sum(self.reader.doc_frequency(f, term) for f in fields if f in TEXT_FIELDS)

    def doc_frequencies(self, terms: list[str], fields: tuple[str, ...] = TEXT_FIELDS) -> dict[str, int]:
        return {t: self.doc_frequency(t, fields) for t in terms}

    def terms_near(self, term: str, maxdist: int) -> Iterable[str]:
        """Terms of the title or body within ``maxdist`` edits that begin as ``term`` does (as
        Whoosh's ``terms_within(..., prefix=1)``, measured in C)."""
        near: set[str] = set()
        for f in TEXT_FIELDS:
            near.update(
                within(term, self.engine.initial_terms(self.generation, self.reader, f, term[:1]), maxdist)
            )
        return sorted(near)

    def vocabulary(self) -> Iterator[str]:
        for f in TEXT_FIELDS:
            yield from self.reader.field_terms(f)

    def written_words(self, pattern: str, limit: int, budget: Budget) -> tuple[list[tuple[str, str]], bool]:
        return patterns.scan(self.engine.word_table(self.generation, self.vocabulary), pattern, limit, budget)

    def field_values(self, field: str) -> Iterator[str]:
        if field in self.reader.indexed_field_names():
            for v in self.reader.field_terms(field):
                yield v.decode("utf-8") if isinstance(v, bytes) else v

    def texts_with(self, term: str, limit: int) -> list[str]:
        texts: list[str] = []
        for fieldname in ("body", "title"):
            if len(texts) < limit and self.reader.doc_frequency(fieldname, term):
                for docnum in self.reader.postings(fieldname, term).all_ids():
                    if self.reader.is_deleted(docnum):
                        continue
                    texts.append(self.searcher.stored_fields(docnum).get(fieldname, ""))
                    if len(texts) >= limit:
                        break
        return texts


def _top(key: np.ndarray, k: int, order: np.ndarray) -> np.ndarray:
    """Positions of the ``k`` largest keys, ties taken in ``order`` (article ids), so that a longer
    page holds a shorter one: argpartition alone picks among tied keys at random."""
    if not 0 < k < len(key):
        return np.arange(len(key))
    kth = np.partition(-key, k - 1)[k - 1]
    above = np.flatnonzero(-key < kth)
    ties = np.flatnonzero(-key == kth)
    ties = ties[np.argsort(order[ties], kind="stable")][: k - len(above)]
    return np.concatenate([above, ties])


def _mask(ds: DocSets, name: str, values: Sequence[str], docs: np.ndarray) -> np.ndarray:
    if name in ds.multi:
        mf = ds.multi[name]
        wanted = [mf.index[v] for v in values if v in mf.index]
        holders = mf.docs[np.isin(mf.ords, wanted)]  # by value: unsorted, a document per value
        return setops.marks(ds.doc_count, holders)[docs]
    col = ds.columns[name]
    wanted = [col.index[v] for v in values if v in col.index]
    return np.isin(col.ords[docs], wanted)


def _date_mask(ds: DocSets, filters: Filters, docs: np.ndarray) -> np.ndarray:
    ts = ds.ts[docs]
    keep = ts != UNDATED
    if filters.date_from:
        keep &= ts >= local_seconds(datetime.combine(filters.date_from, dtime.min))
    if filters.date_to:
        keep &= ts <= local_seconds(datetime.combine(filters.date_to, dtime.max))
    return keep


def _every(masks: dict[str, np.ndarray], n: int) -> np.ndarray:
    """The matches every selection keeps."""
    keep = np.ones(n, dtype=bool)
    for m in masks.values():
        keep &= m
    return keep


def _days(ds: DocSets, docs: np.ndarray) -> dict[int, int]:
    """Matching articles per local day (days since 1970-01-01); undated ones are not counted."""
    ts = ds.ts[docs]
    day = ts[ts != UNDATED] // 86_400
    if not len(day):
        return {}
    first = int(day.min())
    span = int(day.max()) - first + 1
    if span > DAY_BINS:  # dates centuries apart: counting by sorting beats a bin a day
        d, n = np.unique(day, return_counts=True)
        return dict(zip(d.tolist(), n.tolist(), strict=True))
    n = np.bincount(day - first, minlength=span)
    held = np.flatnonzero(n)
    return dict(zip((held + first).tolist(), n[held].tolist(), strict=True))


def _count(ds: DocSets, name: str, docs: np.ndarray) -> dict[str, int]:
    if name in ds.multi:
        mf = ds.multi[name]
        ords = mf.ords[setops.within(mf.docs, docs, ds.doc_count)]
        values = mf.values
    else:
        col = ds.columns[name]
        ords = col.ords[docs]
        ords = ords[ords >= 0]
        values = col.values
    n = np.bincount(ords, minlength=len(values)) if len(ords) else np.zeros(len(values), dtype=np.int64)
    return {values[i]: int(c) for i, c in enumerate(n) if c}

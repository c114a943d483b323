"""The OpenSearch engine: Khabar's index in a cluster, searched with the same analysis, query
language, scoring, facets and pages as the Whoosh engine.

A snapshot is one generation: the concrete index the alias named when the snapshot was taken,
so every request of a search sees the same articles, and a reindex that switches the alias is
followed within a second (each thread looks the alias up again at most once a second).
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from opensearchpy import exceptions as osx
from opensearchpy import helpers

from indexer.analysis.pipeline import AnalysisOptions, Pipeline
from indexer.caches import Cache
from indexer.characteristic import GrowingLexicon, SampleWords
from indexer.engines.base import Filters, IndexUnavailable, Live, Neighbourhood, Page, VectorSpec
from indexer.engines.config import EngineConfig
from indexer.engines.opensearch import schema, writer
from indexer.engines.opensearch.connection import explained
from indexer.engines.opensearch.place import Place
from indexer.engines.opensearch.translate import FIELD, Translator
from indexer.facets import Facet
from indexer.patterns import Budget
from indexer.query.tree import TEXT_FIELDS, Node, scores
from indexer.ranking import DEFAULT_RANKING, RankingOptions
from indexer.records import local_seconds

ALIAS_RECHECK_S = 1.0
FACET_SIZE = 10_000  # values counted per facet: all of them (counts are exact only then)
DF_CACHE = 50_000
DF_BATCH = 1000  # terms per artificial document
EXPORT_BATCH = 1000
TERMS_PAGE = 5000  # facet values read per request

T = TypeVar("T")


class OpenSearchEngine:
    name = "opensearch"

    def __init__(self, config: EngineConfig, ranking: RankingOptions = DEFAULT_RANKING) -> None:
        self.place = Place(config, ranking)
        self.config = config
        self.ranking = ranking
        self.where = config.where
        self.conn = self.place.conn
        self.translator = Translator(ranking)
        self._local = threading.local()
        self._latest: dict[str, tuple[str, Any]] = {}  # kind -> (generation, what it keeps)
        self._routings: dict[str, list[str]] = {}
        self._specs: dict[str, VectorSpec | None] = {}
        self._lock = threading.Lock()

    # -- the live generation --------------------------------------------------------------------

    def snapshot(self) -> OpenSearchSnapshot:
        local = self._local
        now = time.monotonic()
        snap: OpenSearchSnapshot | None = getattr(local, "snapshot", None)
        if snap is not None and now - local.checked < ALIAS_RECHECK_S:
            return snap
        index = self.place.live_index()
        if index is None:
            raise self.place.no_index()
        if snap is None or snap.generation != index:
            snap = OpenSearchSnapshot(self, index, self.place.pipeline(index))
        local.snapshot, local.checked = snap, now
        return snap

    def shard_routings(self, index: str, call: Callable[[Callable[[Any], Any]], Any]) -> list[str]:
        found = self._routings.get(index)
        if found is None:
            shards = call(lambda c: c.search_shards(index=index))
            want = len(shards["shards"])
            by_shard: dict[int, str] = {}
            n = 0
            while len(by_shard) < want:  # the routing hash spreads values evenly: a few tries
                r = str(n)
                got = call(lambda c, r=r: c.search_shards(index=index, params={"routing": r}))
                by_shard.setdefault(int(got["shards"][0][0]["shard"]), r)
                n += 1
            found = [by_shard[k] for k in sorted(by_shard)]
            with self._lock:
                self._routings = {index: found}
        return found

    def _of_generation(self, kind: str, index: str, make: Callable[[], T]) -> T:
        """What the engine keeps of ``kind`` for the generation ``index``: made at its first
        search, an older generation's dropped."""
        with self._lock:
            held = self._latest.get(kind)
            if held is None or held[0] != index:
                held = self._latest[kind] = (index, make())
        return held[1]

    def lexicon(self, index: str, pipe: Pipeline) -> GrowingLexicon:
        """The words of one generation that searches have met."""
        return self._of_generation("lexicon", index, lambda: GrowingLexicon(pipe))

    def df_cache(self, index: str) -> Cache[str, dict[str, int]]:
        """The document-frequency cache of one generation."""
        return self._of_generation("df", index, lambda: Cache(DF_CACHE))

    # -- reindexing (see writer.py) -------------------------------------------------------------

    def reindex_lock(self, wait: bool, on_wait: Callable[[str], None]) -> AbstractContextManager[None]:
        return writer.reindex_lock(self.place, wait, on_wait)

    def prune(self) -> None:
        writer.prune(self.place)

    def live(self, analysis: AnalysisOptions, full: bool) -> Live:
        return writer.live(self.place, analysis, full)

    def new_generation(
        self, base: Live | None, analysis: AnalysisOptions, parallel: bool, vectors: VectorSpec | None = None
    ) -> writer.OpenSearchGeneration:
        return writer.OpenSearchGeneration(self.place, base, analysis, parallel, self.procs, vectors)

    def vector_cache(self) -> Path:
        """On this machine: the cluster stores the vectors, the machine that computes them keeps
        its own copy for the next reindex ($KHABAR_VECTOR_CACHE, else ~/.cache/khabar/vectors)."""
        return Path(os.environ.get("KHABAR_VECTOR_CACHE") or Path.home() / ".cache" / "khabar" / "vectors")

    def vector_spec(self, index: str) -> VectorSpec | None:
        """The model of a generation's vectors (read once per generation)."""
        if index not in self._specs:
            meta = self.conn.call(lambda c: c.indices.get_mapping(index=index))
            spec = schema.vectors_of(next(iter(meta.values()))["mappings"].get("_meta", {}))
            with self._lock:
                self._specs = {index: spec}
        return self._specs[index]

    procs: int | None = None  # analysing and sending processes (None: one per core)


def _date_range(filters: Filters) -> dict[str, Any] | None:
    if not (filters.date_from or filters.date_to):
        return None
    bounds: dict[str, int] = {}
    if filters.date_from:
        bounds["gte"] = local_seconds(datetime.combine(filters.date_from, dtime.min))
    if filters.date_to:
        bounds["lte"] = local_seconds(datetime.combine(filters.date_to, dtime.max))
    return {"range": {"ts": bounds}}


# Hits whose only field is the article id, from doc values: no stored fields decompressed.
IDS_ONLY: dict[str, Any] = {"stored_fields": "_none_", "docvalue_fields": ["id"]}


class IdOnly(dict):  # type: ignore[type-arg]
    """A light hit (``search(light=True)``): the article id alone, until ``fetched``."""


def _search_type(q: Node, sort: str) -> dict[str, str]:
    """The DFS phase gathers the shards' term statistics, so that an article scores alike
    whatever shard holds it: asked for a ranking by relevance, and only where words score (not
    for the articles meaning adds, found by id)."""
    return {"search_type": "dfs_query_then_fetch"} if sort == "relevance" and scores(q) else {}


def _knn(vector: np.ndarray, k: int) -> dict[str, Any]:
    """The ``k`` nearest by Lucene's HNSW graphs, searched wider than ``k`` for recall."""
    knn = {"vector": [float(x) for x in vector], "k": k, "method_parameters": {"ef_search": max(2 * k, 100)}}
    return {"knn": {schema.VECTOR: knn}}


# The neighbourhood's scoring script: the exact cosine of each candidate, lifted by ASKED_LIFT
# when the candidate is a hit asked about (its ``terms`` clause scores ASKED_BOOST; the knn
# clause scores at most 1), so that every hit asked about ranks above every other candidate.
ASKED_BOOST = 1000.0
ASKED_LIFT = 4.0
_COSINE = (
    "double c = cosineSimilarity(params.query_value, doc[params.field]);"
    f" return (_score >= {ASKED_BOOST} ? {ASKED_LIFT} : 1.0) + c;"
)


def _cosine_script(vector: np.ndarray) -> dict[str, Any]:
    """Painless with the k-NN plugin's ``cosineSimilarity``: 1 + cosine, or ASKED_LIFT +
    cosine for a hit asked about (always positive, as a score must be)."""
    params = {"field": schema.VECTOR, "query_value": [float(x) for x in vector]}
    return {"lang": "painless", "source": _COSINE, "params": params}


def _cosine_of(score: float) -> float:
    return float(score) - (ASKED_LIFT if score >= ASKED_LIFT - 1.0 else 1.0)


def _selection(facet: str, values: Sequence[str]) -> dict[str, Any]:
    return {"terms": {facet: list(values)}}


def _selections(filters: Filters) -> dict[str, dict[str, Any]]:
    """A filter clause per selected facet, and ``_dates`` for the date range."""
    found = {name: _selection(name, values) for name, values in filters.values.items()}
    dates = _date_range(filters)
    if dates is not None:
        found["_dates"] = dates
    return found


def _wildcard(pattern: str) -> str:
    """Only ``*`` is a wildcard in Khabar's patterns; Lucene also reads ``?`` and ``\\``."""
    return pattern.replace("\\", "\\\\").replace("?", "\\?")


# Ties in article id order, as the Whoosh engine breaks them: the same answer from both engines,
# whatever order the articles were written in.
SORTS: dict[str, list[Any]] = {
    "relevance": [{"_score": "desc"}, {"id": "asc"}],
    "newest": [{"ts": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
    "oldest": [{"ts": {"order": "asc", "missing": "_last"}}, {"id": "asc"}],
}


class OpenSearchSnapshot:
    def __init__(self, engine: OpenSearchEngine, index: str, pipe: Pipeline) -> None:
        self.engine = engine
        self.generation = index
        self.pipeline = pipe
        self.vocab_index = index + "-vocab"
        self.words_index = index + "-words"
        # Document frequencies are the generation's, whichever thread asked first: shared.
        self._df = engine.df_cache(index)

    def _call(self, what: Callable[[Any], Any]) -> Any:
        try:
            return self.engine.conn.call(what)
        except osx.NotFoundError:
            # The generation went away under this snapshot (two reindexes since): look again.
            self.engine._local.snapshot = None
            raise IndexUnavailable(f"the index {self.generation} was replaced; try again") from None

    def doc_count(self) -> int:
        return int(self._call(lambda c: c.count(index=self.generation))["count"])

    # -- search ---------------------------------------------------------------------------------

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
        """One request: the query, the selections as a post filter (so each facet's counts can
        leave out its own selection, in its aggregation's filter), exact total, one window.
        Light hits are ids read from doc values: stored fields are decompressed a block at a
        time, so one field of 100 hits costs what all of them do (8 ms of 13 at 10,000 articles)."""
        selections = _selections(filters)
        body: dict[str, Any] = {
            "query": self.engine.translator.query(q),
            "track_total_hits": True,
            "from": start,
            "size": count,
            "sort": SORTS[sort],
            "_source": False,
            **(IDS_ONLY if light else {"stored_fields": schema.SHOWN}),
        }
        if selections:
            body["post_filter"] = {"bool": {"filter": list(selections.values())}}
        # Facets without a selection of their own all count under every selection: one filter
        # for all of them (none at all without selections), and one for each selected facet,
        # which leaves its own selection out. Each filter is a pass over the matches.
        aggs: dict[str, Any] = {}
        shared = {
            f.name: {"terms": {"field": f.field, "size": FACET_SIZE}}
            for f in facets
            if f.name not in selections
        }
        if shared and selections:
            aggs["_all"] = {"filter": {"bool": {"filter": list(selections.values())}}, "aggs": shared}
        else:
            aggs.update(shared)
        for f in facets:
            if f.name in selections:
                others = [v for name, v in selections.items() if name != f.name]
                aggs[f.name] = {
                    "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                    "aggs": {f.name: {"terms": {"field": f.field, "size": FACET_SIZE}}},
                }
        if days:
            # Local seconds in buckets of 86,400 from 0: the days since 1970-01-01 the Whoosh
            # engine counts (both floor towards the past).
            histogram = {"histogram": {"field": "ts", "interval": 86_400, "min_doc_count": 1}}
            aggs["_days"] = (
                {"filter": {"bool": {"filter": list(selections.values())}}, "aggs": {"_days": histogram}}
                if selections
                else histogram
            )
        if aggs:
            body["aggs"] = aggs
        params = _search_type(q, sort) if count else {}
        found = self._call(lambda c: c.search(index=self.generation, body=body, params=params))
        hits = [
            (
                IdOnly(schema.stored_fields(h)) if light else schema.stored_fields(h),
                h.get("_score") if sort == "relevance" else None,
            )
            for h in found["hits"]["hits"]
        ]
        got = found.get("aggregations", {})
        counts = {}
        for f in facets:
            where = got.get("_all", {}) if f.name not in selections and selections else got
            if f.name in selections:
                where = got[f.name]
            counts[f.name] = {b["key"]: int(b["doc_count"]) for b in where[f.name]["buckets"]}
        per_day = None
        if days:
            where = got["_days"]["_days"] if selections else got["_days"]
            per_day = {int(b["key"]) // 86_400: int(b["doc_count"]) for b in where["buckets"]}
        return Page(int(found["hits"]["total"]["value"]), hits, counts, per_day)

    def ordered(self, q: Node, filters: Filters, sort: str, limit: int) -> Iterator[dict[str, Any]]:
        """Pages of ``EXPORT_BATCH`` after the last hit of the previous one (``search_after`` on the
        sort, whose last key is the unique article id), on this snapshot's own index, which
        does not change: no deep ``from`` and no scroll context to leave behind."""
        clauses = list(_selections(filters).values())
        query = self.engine.translator.query(q)
        if clauses:
            query = {"bool": {"must": [query], "filter": clauses}}
        params = _search_type(q, sort)
        after: list[Any] | None = None
        sent = 0
        while sent < limit:
            body: dict[str, Any] = {
                "query": query,
                "size": min(EXPORT_BATCH, limit - sent),
                "sort": SORTS[sort],
                "track_total_hits": False,
                "_source": False,
                "stored_fields": schema.STORED,
            }
            if after is not None:
                body["search_after"] = after
            found = self._call(lambda c, body=body: c.search(index=self.generation, body=body, params=params))
            batch = found["hits"]["hits"]
            for h in batch:
                yield schema.stored_fields(h)
            sent += len(batch)
            if len(batch) < body["size"]:
                return
            after = batch[-1]["sort"]

    # -- stored articles ------------------------------------------------------------------------

    def stored(self, ref: Any) -> dict[str, Any]:
        return ref  # a hit's stored fields, as the search returned them

    def fetched(self, refs: list[Any]) -> list[Any]:
        """One multi-get for the light hits among ``refs``."""
        light = [r["id"] for r in refs if isinstance(r, IdOnly)]
        if not light:
            return refs
        found = self._call(
            lambda c: c.mget(
                index=self.generation,
                body={"ids": [schema.doc_id(i) for i in light]},
                params={"stored_fields": ",".join(schema.SHOWN)},
            )
        )
        full = {}
        for doc in found["docs"]:
            fields = schema.stored_fields(doc) if doc.get("found") else {}
            if fields.get("id") is not None:
                full[fields["id"]] = fields
        # An article gone between the two requests cannot be: a snapshot's index never changes.
        return [full.get(r["id"], r) if isinstance(r, IdOnly) else r for r in refs]

    def spellings(self, refs: list[Any], terms: frozenset[str]) -> list[dict[str, list[str]]] | None:
        """From the words each shown hit brought (``schema.SHOWN``), by the generation's lexicon."""
        lex = self.engine.lexicon(self.generation, self.pipeline)
        rows: list[list[str]] = []
        for r in refs:
            raw = self.stored(r).get(schema.WORDS)
            if raw is None:
                return None  # written before the words were kept
            rows.append([w for w in raw.split(" ") if w])
        ids = [lex.ids(row) for row in rows]
        wanted = np.array([i for t in terms if (i := lex.term_id.get(t)) is not None], dtype=np.int32)
        out: list[dict[str, list[str]]] = []
        for row, w_ids in zip(rows, ids, strict=True):
            found: dict[str, list[str]] = {}
            for at in np.flatnonzero(np.isin(lex.term_of[w_ids], wanted)).tolist():
                found.setdefault(lex.terms[lex.term_of[w_ids[at]]], []).append(row[at])
            out.append(found)
        return out

    def sample_words(self, refs: list[Any]) -> SampleWords | None:
        """The hits' words (a stored field of their own): those of hits already fetched (the
        page's shown hits bring theirs), one multi-get for the others."""
        if not refs:
            return SampleWords.of_words([], self.pipeline)
        raws: list[str | None] = [
            None if isinstance(r, IdOnly) else self.stored(r).get(schema.WORDS) for r in refs
        ]
        missing = [n for n, raw in enumerate(raws) if not raw]
        if missing:
            ids = [schema.doc_id(self.stored(refs[n])["id"]) for n in missing]
            found = self._call(
                lambda c: c.mget(
                    index=self.generation, body={"ids": ids}, params={"stored_fields": schema.WORDS}
                )
            )
            for n, doc in zip(missing, found["docs"], strict=True):
                if not doc.get("found"):
                    raws[n] = ""
                    continue
                raw = (doc.get("fields") or {}).get(schema.WORDS)
                if not raw:
                    return None  # written before the words were kept (or none to keep): analysed instead
                raws[n] = raw[0]
        lex = self.engine.lexicon(self.generation, self.pipeline)
        return SampleWords([lex.ids(raw.split(" ") if raw else []) for raw in raws], lex)

    def article(self, article_id: str) -> dict[str, Any] | None:
        try:
            found = self.engine.conn.call(
                lambda c: c.get(
                    index=self.generation,
                    id=schema.doc_id(article_id),
                    params={"stored_fields": ",".join(schema.STORED)},
                )
            )
        except osx.NotFoundError:
            return None
        fields = schema.stored_fields(found) if found.get("found") else {}
        return fields if fields.get("id") == article_id else None

    # -- search by meaning ----------------------------------------------------------------------

    def vectors(self) -> VectorSpec | None:
        return self.engine.vector_spec(self.generation)

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Lucene's HNSW graphs, searched wider than ``k`` for recall; the Lucene engine's
        cosinesimil score is (1 + cosine) / 2."""
        if k <= 0 or self.vectors() is None:
            return []
        body = {"size": k, "query": _knn(vector, k), "_source": False, **IDS_ONLY}
        found = self._call(lambda c: c.search(index=self.generation, body=body))
        hits = [
            (schema.stored_fields(h)["id"], 2.0 * float(h["_score"]) - 1.0) for h in found["hits"]["hits"]
        ]
        return sorted(hits, key=lambda h: (-h[1], h[0]))

    def neighbourhood(self, vector: np.ndarray, k: int, q: Node, refs: list[Any]) -> Neighbourhood:
        """One request where three would do: the exact cosine of every article that is among
        the ``k`` nearest by HNSW or one of ``refs``; the ``k`` nearest of those (a hit by words
        the graph missed counts, as it does in an exact search); and, named ``words``, whether
        each matches ``q`` (an optional clause: it neither adds nor scores). The knn clause is
        not named: a named query runs again in the fetch phase, and a second graph search cost
        10 ms of 22 at 100,000 articles.

        The knn clause answers ``ef_search`` candidates a shard, not ``k`` (the Lucene engine
        searches its graph with k = ef_search and cuts back only to the answer's size: seen on
        2.19.1 with k = 1), so the candidates outnumber an answer of ``k`` a shard plus the hits
        asked about, and a hit asked about with a low cosine was cut. They are scored above
        every other candidate instead (``_cosine_script``): an answer of ``len(refs) + k`` holds
        all of them and the ``k`` nearest of the rest."""
        ids = [r["id"] for r in refs]
        if k <= 0 or self.vectors() is None:
            return Neighbourhood([], set(), [0.0] * len(ids))
        either: list[dict[str, Any]] = [_knn(vector, k)]
        if ids:
            either.append({"terms": {"id": ids, "boost": ASKED_BOOST}})
        candidates = {
            "bool": {
                "must": [{"bool": {"should": either, "minimum_should_match": 1}}],
                "should": [{"bool": {"filter": [self.engine.translator.query(q)], "_name": "words"}}],
            }
        }
        body = {
            "size": k + len(ids),
            "query": {"script_score": {"query": candidates, "script": _cosine_script(vector)}},
            "track_total_hits": False,
            "_source": False,
            **IDS_ONLY,
        }
        found = self._call(lambda c: c.search(index=self.generation, body=body))
        cosine: dict[str, float] = {}
        with_words = set()
        for h in found["hits"]["hits"]:
            i = schema.stored_fields(h)["id"]
            cosine[i] = _cosine_of(h["_score"])
            if "words" in (h.get("matched_queries") or ()):
                with_words.add(i)
        near = sorted(cosine.items(), key=lambda h: (-h[1], h[0]))[:k]
        return Neighbourhood(near, with_words & {i for i, _ in near}, [cosine.get(i, 0.0) for i in ids])

    def vector_of(self, article_id: str) -> np.ndarray | None:
        if self.vectors() is None:
            return None
        try:
            found = self.engine.conn.call(
                lambda c: c.get(
                    index=self.generation,
                    id=schema.doc_id(article_id),
                    params={"stored_fields": schema.VECTOR_STORED},
                )
            )
        except osx.NotFoundError:
            return None
        raw = (found.get("fields") or {}).get(schema.VECTOR_STORED)
        if not raw:
            return None
        return np.frombuffer(base64.b64decode(raw[0] if isinstance(raw, list) else raw), dtype="<f4").copy()

    def similar(self, article_id: str, count: int) -> list[tuple[dict[str, Any], float]]:
        """The articles most like this one: its 25 most distinctive body words (tf · idf), any of
        them, weighted, this article left out (what Whoosh's more_like does)."""
        found = self.article(article_id)
        if found is None:
            return []
        tf: dict[str, int] = {}
        for t in self.pipeline.terms(found.get("body", "")):
            if not t.stop:
                tf[t.text] = tf.get(t.text, 0) + 1
        if not tf:
            return []
        df = self.doc_frequencies(list(tf))
        n = max(self.doc_count(), 1)
        from math import log

        weight = {t: c * log(n / (1 + df.get(t, 0))) for t, c in tf.items() if df.get(t, 0) > 0}
        top = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:25]
        top = [(t, w) for t, w in top if w > 0]
        if not top:
            return []
        body = {
            "query": {
                "bool": {
                    "should": [{"term": {"b": {"value": t, "boost": w}}} for t, w in top],
                    "minimum_should_match": 1,
                    "must_not": [{"ids": {"values": [schema.doc_id(article_id)]}}],
                }
            },
            "size": count,
            "sort": SORTS["relevance"],
            "_source": False,
            "stored_fields": schema.STORED,
        }
        res = self._call(lambda c: c.search(index=self.generation, body=body))
        return [(schema.stored_fields(h), h["_score"]) for h in res["hits"]["hits"]]

    def titles(self) -> Iterator[tuple[str, str]]:
        with explained(self.engine.config):
            for h in helpers.scan(
                self.engine.conn.client,
                index=self.generation,
                query={"_source": False, "stored_fields": ["id", "title"]},
                size=5000,
            ):
                fields = schema.stored_fields(h)
                yield fields.get("id", ""), fields.get("title", "")

    def newest_date(self, not_after: date | None = None) -> date | None:
        query: dict[str, Any] = {"exists": {"field": "ts"}}
        if not_after is not None:
            query = {"range": {"ts": {"lte": local_seconds(datetime.combine(not_after, dtime.max))}}}
        body = {"size": 0, "query": query, "aggs": {"newest": {"max": {"field": "ts"}}}}
        found = self._call(lambda c: c.search(index=self.generation, body=body))
        value = found["aggregations"]["newest"]["value"]
        if value is None:
            return None
        return (datetime(1970, 1, 1) + timedelta(seconds=int(value))).date()

    # -- vocabulary (in the cluster) ------------------------------------------------------------

    def doc_frequencies(self, terms: list[str], fields: tuple[str, ...] = TEXT_FIELDS) -> dict[str, int]:
        """Title df + body df of each term (as the Whoosh engine counts it; or of ``fields``),
        read from the term dictionaries: the term statistics of an artificial document holding
        the terms, once per shard (a routing value that lands on it), summed. One cheap request,
        where counting matches (a filter aggregation per term) cost 11 ms a term at a million
        articles. Both fields' counts are kept, whichever were asked for."""
        known = {t: n for t in terms if (n := self._df.get(t)) is not None}
        missing = [t for t in dict.fromkeys(terms) if t not in known and t]
        routings = self._shard_routings() if missing else []
        for i in range(0, len(missing), DF_BATCH):
            chunk = missing[i : i + DF_BATCH]
            text = " ".join(chunk)
            docs = [
                {
                    "doc": {FIELD[f]: text for f in TEXT_FIELDS},
                    "routing": r,
                    "term_statistics": True,
                    "field_statistics": False,
                    "positions": False,
                    "offsets": False,
                    "payloads": False,
                    "fields": [FIELD[f] for f in TEXT_FIELDS],
                }
                for r in routings
            ]
            found = self._call(
                lambda c, docs=docs: c.mtermvectors(index=self.generation, body={"docs": docs})
            )
            counts = {t: dict.fromkeys(TEXT_FIELDS, 0) for t in chunk}
            for d in found["docs"]:
                for f in TEXT_FIELDS:
                    got = d.get("term_vectors", {}).get(FIELD[f], {}).get("terms", {})
                    for t in chunk:
                        counts[t][f] += int(got.get(t, {}).get("doc_freq", 0))
            known.update(counts)
            self._df.update(counts)
        empty = dict.fromkeys(TEXT_FIELDS, 0)
        return {t: sum(known.get(t, empty).get(f, 0) for f in fields) for t in terms}

    def _shard_routings(self) -> list[str]:
        """One routing value per shard of this generation (found once, kept by the engine)."""
        return self.engine.shard_routings(self.generation, self._call)

    def doc_frequency(self, term: str, fields: tuple[str, ...] = TEXT_FIELDS) -> int:
        return self.doc_frequencies([term], fields)[term]

    def terms_near(self, term: str, maxdist: int) -> Iterable[str]:
        """Lucene's fuzzy query goes to two edits at most; the caller measures in graphemes."""
        body = {
            "size": 200,
            "_source": ["term"],
            "query": {
                "fuzzy": {
                    "term": {
                        "value": term,
                        "fuzziness": min(2, maxdist),
                        "prefix_length": 1,
                        "max_expansions": 200,
                    }
                }
            },
        }
        found = self._call(lambda c: c.search(index=self.vocab_index, body=body))
        return [h["_source"]["term"] for h in found["hits"]["hits"]]

    def vocabulary(self) -> Iterator[str]:
        with explained(self.engine.config):
            for h in helpers.scan(
                self.engine.conn.client, index=self.vocab_index, query={"_source": ["term"]}, size=5000
            ):
                yield h["_source"]["term"]

    def written_words(self, pattern: str, limit: int, budget: Budget) -> tuple[list[tuple[str, str]], bool]:
        """From the generation's words index, where Lucene matches the pattern against the sorted
        words with an automaton (no backtracking either); a page at a time past the first."""
        head, star, tail = pattern.partition("*")
        if star and not tail:
            query: dict[str, Any] = {"prefix": {"word": {"value": head}}} if head else {"match_all": {}}
        else:
            query = {"wildcard": {"word": {"value": _wildcard(pattern)}}}
        pairs: list[tuple[str, str]] = []
        after: list[Any] | None = None
        while len(pairs) <= limit:
            size = min(schema.WORDS_PAGE, limit + 1 - len(pairs))
            body: dict[str, Any] = {"size": size, "query": query, "sort": [{"word": "asc"}]}
            body["_source"] = ["word", "term"]
            if after is not None:
                body["search_after"] = after
            hits = self._call(lambda c, body=body: c.search(index=self.words_index, body=body))["hits"][
                "hits"
            ]
            pairs += [(h["_source"]["word"], h["_source"]["term"]) for h in hits]
            if not budget.take(len(hits)):
                return pairs, False
            if len(hits) < size:
                break
            after = hits[-1]["sort"]
        return pairs, True

    def field_values(self, field: str) -> Iterator[str]:
        """A composite aggregation, a page at a time, in value order."""
        after: dict[str, Any] | None = None
        while True:
            composite: dict[str, Any] = {"size": TERMS_PAGE, "sources": [{"v": {"terms": {"field": field}}}]}
            if after is not None:
                composite["after"] = after
            body = {"size": 0, "aggs": {"values": {"composite": composite}}}
            found = self._call(lambda c, body=body: c.search(index=self.generation, body=body))
            agg = found["aggregations"]["values"]
            for b in agg["buckets"]:
                yield b["key"]["v"]
            after = agg.get("after_key")
            if not agg["buckets"] or after is None:
                return

    def texts_with(self, term: str, limit: int) -> list[str]:
        texts: list[str] = []
        for fieldname in ("body", "title"):
            if len(texts) >= limit:
                break
            body = {
                "size": limit - len(texts),
                "_source": False,
                "stored_fields": [fieldname],
                "query": {"term": {FIELD[fieldname]: term}},
                "sort": ["seq"],
            }
            found = self._call(lambda c, body=body: c.search(index=self.generation, body=body))
            texts += [schema.stored_fields(h).get(fieldname, "") for h in found["hits"]["hits"]]
        return texts[:limit]

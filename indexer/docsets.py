"""Matched documents as numpy arrays: exact totals, facet counts and date sorting without walking
stored fields or Python objects per hit.

Per index generation, the facet values of every document are loaded once from Whoosh's columns
into integer arrays (value ordinals), and the document lists of frequent terms are cached. A query
is then evaluated to a sorted array of document numbers: terms straight from the posting blocks,
And / Or / Not as set operations; only positional queries (phrases, wildcards) ask Whoosh for their
documents one by one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.reading import IndexReader

from indexer.facets import FACETS, Facet

EMPTY = np.zeros(0, dtype=np.int32)
CACHE_BYTES = 64 * 1024 * 1024  # document lists of frequent terms kept per generation
CACHE_MIN_SHARE = 0.005  # terms in fewer documents than this share are cheap to read again


class FacetColumn:
    """One facet's value per document, as ordinals into ``values`` (-1: none)."""

    def __init__(self, values: list[str], ords: np.ndarray) -> None:
        self.values = values
        self.ords = ords
        self.index = {v: i for i, v in enumerate(values)}


class MultiFacet:
    """A facet whose documents hold several values (tags): (document, value ordinal) pairs."""

    def __init__(self, values: list[str], docs: np.ndarray, ords: np.ndarray) -> None:
        self.values = values
        self.docs = docs
        self.ords = ords
        self.index = {v: i for i, v in enumerate(values)}


def _term_docs(reader: IndexReader, fieldname: str, text: Any) -> np.ndarray:
    """Document numbers of a term (deleted ones included), decoded a posting block at a time."""
    parts: list[np.ndarray] = []
    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        m = leaf.postings(fieldname, text)
        if hasattr(m, "_read_data") and hasattr(m, "_lastblock"):
            while m.is_active():
                m._read_data()
                ids = np.asarray(m._data[0], dtype=np.int64)
                if not m._byteids:
                    ids = np.cumsum(ids)  # the W3 codec stores id deltas
                parts.append(ids.astype(np.int32) + offset)
                if m._lastblock:
                    break
                m._next_block()
        else:  # another codec: ask for the ids one by one
            parts.append(np.fromiter(m.all_ids(), dtype=np.int32) + offset)
    if not parts:
        return EMPTY
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


class DocSets:
    """Built once per index generation; read-only afterwards except for its locked cache."""

    def __init__(self, reader: IndexReader) -> None:
        self.doc_count = reader.doc_count_all()
        self.live = np.ones(self.doc_count, dtype=bool)
        for leaf, offset in reader.leaf_readers():
            if leaf.has_deletions():
                deleted = leaf.deleted_docs_set  # a method on some readers, a property on others
                deleted = deleted() if callable(deleted) else deleted
                self.live[[offset + d for d in deleted]] = False
        self.has_deletions = not self.live.all()
        self.all = np.flatnonzero(self.live).astype(np.int32)
        self.columns: dict[str, FacetColumn] = {}
        self.multi: dict[str, MultiFacet] = {}
        for f in FACETS:
            if f.many:
                self.multi[f.name] = self._multi(reader, f)
            else:
                self.columns[f.name] = self._column(reader, f)
        self.ts = self._timestamps(reader)
        self._cache: OrderedDict[tuple[str, Any], np.ndarray] = OrderedDict()
        self._cache_bytes = 0
        self._lock = threading.Lock()

    # -- loading ------------------------------------------------------------------------------

    def _column(self, reader: IndexReader, f: Facet) -> FacetColumn:
        ords = np.full(self.doc_count, -1, dtype=np.int32)
        values: list[str] = []
        index: dict[str, int] = {}
        if reader.has_column(f.field):
            for docnum, v in enumerate(reader.column_reader(f.field)):
                if isinstance(v, bytes):
                    v = v.decode("utf-8")
                if v:
                    ords[docnum] = index.setdefault(v, len(values))
                    if ords[docnum] == len(values):
                        values.append(v)
        return FacetColumn(values, ords)

    def _multi(self, reader: IndexReader, f: Facet) -> MultiFacet:
        values = sorted(reader.field_terms(f.field)) if f.field in reader.indexed_field_names() else []
        docs, ords = [], []
        for i, v in enumerate(values):
            d = _term_docs(reader, f.field, v)
            d = d[self.live[d]]
            docs.append(d)
            ords.append(np.full(len(d), i, dtype=np.int32))
        if not docs:
            return MultiFacet([], EMPTY, EMPTY)
        return MultiFacet(values, np.concatenate(docs), np.concatenate(ords))

    def _timestamps(self, reader: IndexReader) -> np.ndarray:
        """Seconds of each article's date (int64); the int64 minimum for undated ones."""
        undated = np.iinfo(np.int64).min
        if not reader.has_column("ts"):
            return np.full(self.doc_count, undated, dtype=np.int64)
        raw = np.fromiter(reader.column_reader("ts", translate=False), dtype=np.uint64, count=self.doc_count)
        # Whoosh stores signed numbers shifted by 2**63 so they sort as unsigned; 0 is "no date".
        ts = (raw ^ np.uint64(1 << 63)).view(np.int64)
        ts[raw == 0] = undated
        return ts

    # -- documents of a query ---------------------------------------------------------------

    def term(self, reader: IndexReader, fieldname: str, text: Any) -> np.ndarray:
        key = (fieldname, text)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        docs = _term_docs(reader, fieldname, text)
        if self.has_deletions:
            docs = docs[self.live[docs]]
        if len(docs) >= CACHE_MIN_SHARE * self.doc_count:
            with self._lock:
                self._cache[key] = docs
                self._cache_bytes += docs.nbytes
                while self._cache_bytes > CACHE_BYTES and self._cache:
                    _, old = self._cache.popitem(last=False)
                    self._cache_bytes -= old.nbytes
        return docs

    def of_query(self, searcher: Any, q: wq.Query) -> np.ndarray:
        """Sorted, unique document numbers matching ``q``."""
        reader = searcher.reader()
        if isinstance(q, wq.Term):
            return self.term(reader, q.fieldname, q.text)
        if isinstance(q, wq.Every):
            return self.all
        if isinstance(q, wq.qcore._NullQuery):
            return EMPTY
        if isinstance(q, wq.And):
            parts = sorted((self.of_query(searcher, s) for s in q.subqueries), key=len)
            out = parts[0] if parts else EMPTY
            for p in parts[1:]:
                if not len(out):
                    break
                out = np.intersect1d(out, p, assume_unique=True)
            return out
        if isinstance(q, wq.Or):
            parts = [self.of_query(searcher, s) for s in q.subqueries]
            parts = [p for p in parts if len(p)]
            if not parts:
                return EMPTY
            return parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))
        if isinstance(q, wq.AndNot):
            return np.setdiff1d(
                self.of_query(searcher, q.a), self.of_query(searcher, q.b), assume_unique=True
            )
        if isinstance(q, wq.AndMaybe):
            return self.of_query(searcher, q.a)
        if isinstance(q, wq.Not):
            return np.setdiff1d(self.all, self.of_query(searcher, q.query), assume_unique=True)
        # Phrases, prefixes, ranges...: Whoosh knows how; their matches come back one by one.
        return np.fromiter(searcher.docs_for_query(q), dtype=np.int32)

"""One index generation as numpy arrays: facet values, dates, field lengths and posting lists.

Per generation, the facet values of every document are loaded once from Whoosh's columns into
integer arrays (value ordinals), and the posting lists of frequent terms are cached. The query
evaluator (``evaluate``) and the facet counts work on these arrays, never on Python objects per hit.
"""

from __future__ import annotations

import itertools
import pickle
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh import formats
from whoosh.codec import whoosh3
from whoosh.reading import IndexReader
from whoosh.system import _INT_SIZE

from indexer.engines.whoosh import norms
from indexer.engines.whoosh.setops import EMPTY
from indexer.facets import FACETS, Facet

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


_LENGTHS = np.array(norms.LENGTHS, dtype=np.float64)  # the byte the codec writes (see norms.py)
_LENGTHS[0] = 1  # Whoosh scores a document without a recorded length as length 1


def _postings(reader: IndexReader, fieldname: str, text: Any) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (deleted ones included) and weights (term frequencies) of a term,
    decoded a posting block at a time."""
    ids_parts: list[np.ndarray] = []
    w_parts: list[np.ndarray] = []
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
                ids_parts.append(ids.astype(np.int32) + offset)
                w = m._data[1]  # None: all 1.0; a float: all that value
                w_parts.append(np.full(len(ids), 1.0 if w is None else w) if not hasattr(w, "__len__")
                               else np.asarray(w, dtype=np.float64))  # fmt: skip
                if m._lastblock:
                    break
                m._next_block()
        else:  # another codec: ask one posting at a time
            ids, ws = [], []
            while m.is_active():
                ids.append(m.id())
                ws.append(m.weight())
                m.next()
            ids_parts.append(np.array(ids, dtype=np.int32) + offset)
            w_parts.append(np.array(ws, dtype=np.float64))
    if not ids_parts:
        return EMPTY, np.zeros(0)
    if len(ids_parts) == 1:
        return ids_parts[0], w_parts[0]
    return np.concatenate(ids_parts), np.concatenate(w_parts)


def positions(reader: IndexReader, fieldname: str, text: Any, docs: np.ndarray) -> np.ndarray:
    """Where the term stands in each of ``docs`` (sorted document numbers that hold it), as keys
    ``document << 32 | position``, sorted. Read a posting block at a time (or the postings the
    term dictionary holds inline, for rare terms): only the positions of ``docs`` are decoded."""
    parts: list[np.ndarray] = []
    fmt = reader.schema[fieldname].format

    def add(ids: np.ndarray, values: Any) -> None:
        at = np.searchsorted(docs, ids)
        wanted = np.flatnonzero((at < len(docs)) & (docs[np.minimum(at, len(docs) - 1)] == ids))
        if len(wanted):
            counts, pos = _decode_positions(fmt, [values[i] for i in wanted])
            parts.append((np.repeat(ids[wanted].astype(np.int64), counts) << 32) | pos)

    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        m = leaf.postings(fieldname, text)
        if hasattr(m, "_read_data") and hasattr(m, "_lastblock") and not m._byteids:
            while m.is_active():
                m._read_data()
                add(np.cumsum(np.asarray(m._data[0], dtype=np.int64)) + offset, m._data[2])  # id deltas
                if m._lastblock:
                    break
                m._next_block()
        elif hasattr(m, "_ids") and hasattr(m, "_values") and m._values is not None:  # inline postings
            add(np.asarray(m._ids, dtype=np.int64) + offset, m._values)
        else:  # any other matcher: one posting at a time
            while m.is_active():
                d = m.id() + offset
                k = int(np.searchsorted(docs, d))
                if k < len(docs) and docs[k] == d:
                    parts.append((d << 32) | np.asarray(m.value_as("positions"), dtype=np.int64))
                m.next()
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _decode_positions(fmt: Any, values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(positions per value, every value's positions one after another) of posting values.
    Whoosh's ``Positions`` format keeps each document's position deltas as a pickled list after
    a 4-byte count: unpickled here without its per-document Python loop (a phrase of two common
    words decodes tens of thousands of them), summed in one ``cumsum``; another format decodes
    one value at a time."""
    deltas = type(fmt) is formats.Positions
    if deltas:
        lists = [pickle.loads(v[_INT_SIZE:] if v.endswith(b".") else v[_INT_SIZE:] + b".") for v in values]
    else:
        lists = [fmt.decode_positions(v) for v in values]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    if not deltas:
        return counts, flat
    running = np.cumsum(flat)
    before = np.concatenate(([0], running))[np.cumsum(counts) - counts]  # the sum before each value
    return counts, running - np.repeat(before, counts)


def _term_docs(reader: IndexReader, fieldname: str, text: Any) -> np.ndarray:
    return _postings(reader, fieldname, text)[0]


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
        self.ids: list[str] = []
        self._docnum: dict[str, int] | None = None
        self.id_rank = self._id_ranks(reader)
        self._cache: OrderedDict[tuple[str, Any], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lengths: dict[str, np.ndarray] = {}
        self._cache_bytes = 0
        self._lock = threading.Lock()

    # -- loading ------------------------------------------------------------------------------

    def _column(self, reader: IndexReader, f: Facet) -> FacetColumn:
        ords = np.full(self.doc_count, -1, dtype=np.int32)
        values: list[str] = []
        index: dict[str, int] = {}
        for leaf, offset in reader.leaf_readers():
            # A segment where no article has the value has no column for it at all.
            if not leaf.has_column(f.field):
                continue
            for docnum, v in enumerate(leaf.column_reader(f.field)):
                if isinstance(v, bytes):
                    v = v.decode("utf-8")
                if v:
                    if v not in index:
                        index[v] = len(values)
                        values.append(v)
                    ords[offset + docnum] = index[v]
        return FacetColumn(values, ords)

    def _multi(self, reader: IndexReader, f: Facet) -> MultiFacet:
        values = sorted(reader.field_terms(f.field)) if f.field in reader.indexed_field_names() else []
        docs, ords = [], []
        for i, v in enumerate(values):
            d = _term_docs(reader, f.field, v)
            d = d[self.live[d]] if len(d) else d
            docs.append(d)
            ords.append(np.full(len(d), i, dtype=np.int32))
        if not docs:
            return MultiFacet([], EMPTY, EMPTY)
        return MultiFacet(values, np.concatenate(docs), np.concatenate(ords))

    def _id_ranks(self, reader: IndexReader) -> np.ndarray:
        """Each document's place in article-id order: ties are broken by id, as the OpenSearch
        engine breaks them, whatever order the writing processes wrote the articles in."""
        ids = [""] * self.doc_count
        for leaf, offset in reader.leaf_readers():
            if not leaf.has_column("id"):
                for d in range(leaf.doc_count_all()):
                    if not leaf.is_deleted(d):
                        ids[offset + d] = leaf.stored_fields(d).get("id", "")
                continue
            for d, v in enumerate(leaf.column_reader("id")):
                ids[offset + d] = v.decode("utf-8") if isinstance(v, bytes) else v
        rank = np.empty(self.doc_count, dtype=np.int64)
        rank[sorted(range(self.doc_count), key=ids.__getitem__)] = np.arange(self.doc_count)
        self.ids = ids  # each document's article id (search by meaning answers in ids)
        return rank

    def docnums(self, article_ids: list[str]) -> dict[str, int]:
        """The live document of each of these article ids that the generation holds."""
        with self._lock:
            if self._docnum is None:
                self._docnum = {i: d for d, i in enumerate(self.ids) if self.live[d]}
        return {i: d for i in article_ids if (d := self._docnum.get(i)) is not None}

    def _timestamps(self, reader: IndexReader) -> np.ndarray:
        """Seconds of each article's date (int64); the int64 minimum for undated ones."""
        undated = np.iinfo(np.int64).min
        ts = np.full(self.doc_count, undated, dtype=np.int64)
        for leaf, offset in reader.leaf_readers():
            if not leaf.has_column("ts"):
                continue  # no article of this segment has a date
            raw = np.fromiter(leaf.column_reader("ts", translate=False), dtype=np.uint64)
            # Whoosh stores signed numbers shifted by 2**63 so they sort as unsigned; 0 is "no date".
            seconds = (raw ^ np.uint64(1 << 63)).view(np.int64)
            seconds[raw == 0] = undated
            ts[offset : offset + len(seconds)] = seconds
        return ts

    # -- documents of a query ---------------------------------------------------------------

    def postings(self, reader: IndexReader, fieldname: str, text: Any) -> tuple[np.ndarray, np.ndarray]:
        """Live documents holding a term, and the term's frequency in each."""
        key = (fieldname, text)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        docs, weights = _postings(reader, fieldname, text)
        if self.has_deletions and len(docs):
            keep = self.live[docs]
            docs, weights = docs[keep], weights[keep]
        if len(docs) >= CACHE_MIN_SHARE * self.doc_count:
            with self._lock:
                self._cache[key] = (docs, weights)
                self._cache_bytes += docs.nbytes + weights.nbytes
                while self._cache_bytes > CACHE_BYTES and self._cache:
                    _, (d, w) = self._cache.popitem(last=False)
                    self._cache_bytes -= d.nbytes + w.nbytes
        return docs, weights

    def term(self, reader: IndexReader, fieldname: str, text: Any) -> np.ndarray:
        return self.postings(reader, fieldname, text)[0]

    def lengths(self, reader: IndexReader, fieldname: str) -> np.ndarray:
        """Every document's length in ``fieldname`` as Whoosh scores it (its one-byte approximation)."""
        found = self._lengths.get(fieldname)
        if found is None:
            raw = np.zeros(self.doc_count, dtype=np.uint8)
            for leaf, offset in reader.leaf_readers():
                perdoc = getattr(leaf, "_perdoc", None)
                col = (
                    perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
                    if perdoc
                    else None
                )
                data = getattr(col, "_data", None)
                if data is not None:
                    chunk = np.frombuffer(data, dtype=np.uint8)[: leaf.doc_count_all()]
                    raw[offset : offset + len(chunk)] = chunk
                else:
                    for d in range(leaf.doc_count_all()):
                        raw[offset + d] = col[d] if col is not None else 0
            found = self._lengths[fieldname] = _LENGTHS[raw]
        return found

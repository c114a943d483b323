"""The one evaluator of a query tree over a Whoosh index: which articles match, and their scores.

Everything the service reports (hits, total, facet counts) comes from the arrays this returns, so
they cannot disagree. Terms are read straight from Whoosh's posting blocks and weighed with BM25
as Whoosh would (``scoring``); And / Or / Not are set operations on sorted document arrays; a
phrase reads the positions of its words from the same blocks, only in the documents that hold
all of them (``docsets.positions``). Whoosh's own matchers are never used (its AndNot returned
excluded documents, its collector changed with the page size, and its phrase matcher walked
every posting in Python).

Scores: a word counts in each field it occurs in, weighted by the field's boost (BM25F as a sum,
as Whoosh's multi-field parser scored it); a phrase scores as its words do where it occurs; the
terms a pattern stands for score a constant per field (as Whoosh and Lucene score prefixes);
facet values and exclusions filter without scoring. Patterns arrive as those terms (the search
service finds them, the same for every engine).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer.engines.whoosh import docsets
from indexer.engines.whoosh.docsets import DocSets
from indexer.engines.whoosh.setops import EMPTY, Scored, contains, intersection, union, within
from indexer.query.tree import TEXT_FIELDS, All, And, Node, Not, Or, Phrase, Term, Terms

_NO_SCORES = np.zeros(0)


class Evaluator:
    """Evaluates trees for one searcher (one thread, one generation)."""

    def __init__(self, searcher: Any, docsets: DocSets, boosts: dict[str, float]) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.ds = docsets
        self.boosts = boosts
        self.weighting = searcher.weighting
        self.n = docsets.doc_count

    def run(self, node: Node) -> Scored:
        if isinstance(node, Term):
            return union([self._term(f, node.text, node.boost) for f in node.fields], self.n)
        if isinstance(node, Phrase):
            return union([self._phrase(f, node.terms, node.boost) for f in node.fields], self.n)
        if isinstance(node, Terms):
            return union([self._terms(f, node) for f in node.fields], self.n)
        if isinstance(node, All):
            return self.ds.all, np.zeros(len(self.ds.all))
        if isinstance(node, Not):
            docs = self.ds.all[~within(self.ds.all, self.run(node.child)[0], self.n)]
            return docs, np.zeros(len(docs))
        if isinstance(node, Or):
            return union([self.run(c) for c in node.children], self.n)
        if isinstance(node, And):
            wanted = [self.run(c) for c in node.children if not isinstance(c, Not)]
            if not wanted:  # only exclusions: every article but those
                wanted = [self.run(All())]
            docs, scores = intersection(wanted)
            for c in node.children:
                if isinstance(c, Not) and len(docs):
                    keep = ~within(docs, self.run(c.child)[0], self.n)
                    docs, scores = docs[keep], scores[keep]
            return docs, scores
        raise TypeError(f"not a query node: {node!r}")

    # -- leaves ---------------------------------------------------------------------------------

    def _scorable(self, fieldname: str) -> bool:
        return fieldname in TEXT_FIELDS and fieldname in self.reader.schema

    def _term(self, fieldname: str, text: str, boost: float) -> Scored:
        if fieldname not in self.reader.schema:
            return EMPTY, _NO_SCORES
        docs, tf = self.ds.postings(self.reader, fieldname, text)
        if not self._scorable(fieldname):
            return docs, np.zeros(len(docs))
        return docs, self.bm25(fieldname, text, docs, tf) * (boost * self.boosts.get(fieldname, 1.0))

    def bm25(self, fieldname: str, text: str, docs: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """BM25 of a term in ``docs`` with frequencies ``tf``, exactly as Whoosh's weighting gives it."""
        s, w = self.searcher, self.weighting
        avgfl = s.avg_field_length(fieldname) or 1
        fl = self.ds.lengths(self.reader, fieldname)[docs]
        idf = s.idf(fieldname, text)
        b, k1 = w._field_B.get(fieldname, w.B), w.K1
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

    def _phrase(self, fieldname: str, terms: tuple[str, ...], boost: float) -> Scored:
        if not self._scorable(fieldname):
            return EMPTY, _NO_SCORES
        # Cheap first: documents holding every word; positions are only checked when there are some.
        parts = [self.ds.postings(self.reader, fieldname, t) for t in terms]
        if any(not len(d) for d, _ in parts):
            return EMPTY, _NO_SCORES
        docs = self._phrase_docs(fieldname, terms, [d for d, _ in parts])
        scores = np.zeros(len(docs))
        for t, (d, tf) in zip(terms, parts, strict=True):
            pos = np.searchsorted(d, docs)
            scores += self.bm25(fieldname, t, docs, tf[pos])
        return docs, scores * (boost * self.boosts.get(fieldname, 1.0))

    def _phrase_docs(self, fieldname: str, terms: tuple[str, ...], holding: list[np.ndarray]) -> np.ndarray:
        """The live documents where ``terms`` stand side by side. Positions are read only for
        the documents that hold every word (an intersection of cached arrays), and matched as
        arrays: word i at position p + i for some p (what Whoosh's Phrase, slop 1, matches)."""
        ordered = sorted(holding, key=len)  # the rarest word's documents looked up in the others'
        docs = ordered[0]
        for d in ordered[1:]:
            docs = docs[contains(d, docs)]
        if not len(docs) or len(terms) == 1:
            return docs.astype(np.int32)
        keys = None
        for i, t in enumerate(terms):
            at = docsets.positions(self.reader, fieldname, t, docs)
            start = np.unique(at - i)  # where the phrase would begin
            keys = start if keys is None else np.intersect1d(keys, start, assume_unique=True)
            if not len(keys):
                return EMPTY
            docs = np.unique(keys >> 32)  # later words only where the phrase can still be
        assert keys is not None
        return np.unique(keys >> 32).astype(np.int32)

    def _terms(self, fieldname: str, node: Terms) -> Scored:
        if fieldname not in self.reader.schema or not node.terms:
            return EMPTY, _NO_SCORES
        if fieldname == "id":
            # Article ids (the articles search by meaning adds): each names one live document,
            # known to the generation's arrays, without reading a posting list per id.
            docs = np.array(sorted(self.ds.docnums(list(node.terms)).values()), dtype=np.int32)
        else:
            parts = [d for t in node.terms if len(d := self.ds.term(self.reader, fieldname, t))]
            docs = union([(d, np.zeros(len(d))) for d in parts], self.n)[0]
        if not len(docs):
            return EMPTY, _NO_SCORES
        weight = node.boost * self.boosts.get(fieldname, 1.0) if self._scorable(fieldname) else 0.0
        return docs, np.full(len(docs), weight)

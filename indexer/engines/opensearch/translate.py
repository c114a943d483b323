"""Khabar's query tree -> OpenSearch query DSL, scored as the Whoosh engine scores it.

Title and body terms are indexed pre-analysed (``t`` and ``b``, whitespace-split), so a tree's
terms are looked up as they are. Scores follow the Whoosh engine's: a word counts in each field
it is in, weighted by the field's boost; facet values and exclusions filter without scoring
(``constant_score`` with boost 0); the terms a pattern stands for score its boost per field
(constant, as OpenSearch scores prefixes anyway). OpenSearch's "BM25" similarity is Lucene's
legacy BM25, which keeps BM25's (k1 + 1) factor as Whoosh does, so term and pattern scores are
on the same scale in both.
"""

from __future__ import annotations

from typing import Any

from indexer.query.tree import TEXT_FIELDS, All, And, Node, Not, Or, Phrase, Term, Terms
from indexer.ranking import RankingOptions

FIELD = {"title": "t", "body": "b"}  # the indexed (analysed) form of each text field
MATCH_ALL_UNSCORED: dict[str, Any] = {"bool": {"filter": [{"match_all": {}}]}}


def _should(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    if len(clauses) == 1:
        return clauses[0]
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def _unscored(query: dict[str, Any]) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": 0.0}}


class Translator:
    def __init__(self, ranking: RankingOptions) -> None:
        self.boosts = ranking.boosts

    def query(self, node: Node) -> dict[str, Any]:
        if isinstance(node, Term):
            return _should([self._term(f, node.text, node.boost) for f in node.fields])
        if isinstance(node, Phrase):
            return _should([self._phrase(f, node) for f in node.fields])
        if isinstance(node, Terms):
            return _should([self._terms(f, node) for f in node.fields])
        if isinstance(node, All):
            return MATCH_ALL_UNSCORED
        if isinstance(node, Not):
            return {"bool": {"filter": [{"match_all": {}}], "must_not": [self.query(node.child)]}}
        if isinstance(node, Or):
            return _should([self.query(c) for c in node.children])
        if isinstance(node, And):
            must = [self.query(c) for c in node.children if not isinstance(c, Not)]
            must_not = [self.query(c.child) for c in node.children if isinstance(c, Not)]
            out: dict[str, Any] = {"bool": {}}
            if must:
                out["bool"]["must"] = must
            else:  # only exclusions: every article but those
                out["bool"]["filter"] = [{"match_all": {}}]
            if must_not:
                out["bool"]["must_not"] = must_not
            return out
        raise TypeError(f"not a query node: {node!r}")

    def _term(self, fieldname: str, text: str, boost: float) -> dict[str, Any]:
        if fieldname in TEXT_FIELDS:
            weight = boost * self.boosts.get(fieldname, 1.0)
            return {"term": {FIELD[fieldname]: {"value": text, "boost": weight}}}
        return _unscored({"term": {fieldname: text}})

    def _phrase(self, fieldname: str, node: Phrase) -> dict[str, Any]:
        weight = node.boost * self.boosts.get(fieldname, 1.0)
        return {"match_phrase": {FIELD[fieldname]: {"query": " ".join(node.terms), "boost": weight}}}

    def _terms(self, fieldname: str, node: Terms) -> dict[str, Any]:
        if not node.terms:
            return {"match_none": {}}
        query = {"terms": {FIELD.get(fieldname, fieldname): list(node.terms)}}
        if fieldname not in TEXT_FIELDS:
            return _unscored(query)
        return {"constant_score": {"filter": query, "boost": node.boost * self.boosts.get(fieldname, 1.0)}}

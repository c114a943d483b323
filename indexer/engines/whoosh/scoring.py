"""BM25 as Whoosh weighs it, with the ranking options' parameters and Lucene's idf."""

from __future__ import annotations

from math import log

from whoosh import scoring

from indexer.ranking import RankingOptions


class RobertsonBM25F(scoring.BM25F):
    """BM25 with the idf of Robertson and Spärck Jones, as Lucene computes it.

    Whoosh's BM25F keeps the tf-idf idf, log(N / (n + 1)) + 1, which gives common words far
    more weight relative to rare ones than BM25 intends.
    """

    def idf(self, searcher, fieldname: str, text: str) -> float:  # type: ignore[no-untyped-def]
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        dc = parent.doc_count_all()
        return log(1 + (dc - n + 0.5) / (n + 0.5))


def weighting(options: RankingOptions) -> scoring.WeightingModel:
    cls = RobertsonBM25F if options.idf == "bm25" else scoring.BM25F
    return cls(B=options.bm25_b, K1=options.bm25_k1)

"""How results are scored: the knobs measured in docs/relevance.md and the BM25 that uses them."""

from __future__ import annotations

from dataclasses import dataclass
from math import log

from whoosh import scoring


@dataclass(frozen=True)
class RankingOptions:
    """The defaults are what docs/relevance.md measured best."""

    title_boost: float = 2.0
    body_boost: float = 1.0
    bm25_b: float = 0.5
    bm25_k1: float = 0.9
    idf: str = "bm25"  # "bm25": Robertson/Lucene idf; "whoosh": Whoosh's log(N/(n+1)) + 1
    proximity_boost: float = 0.0  # weight of "neighbouring query words close together"
    proximity_slop: int = 3
    # "fill": articles with every word first, then (when they are few) those with some of them;
    # "fallback": every word, or any word when no article has them all; "always": any word, ranked.
    any_word: str = "fill"
    # A word the index does not know also matches its nearest spellings (grapheme edits), at this weight.
    spelling_weight: float = 0.8
    # A Latin word that matches little also matches Devanagari words that sound alike, at this weight.
    romanized_weight: float = 0.5
    romanized_max: int = 4  # sound-alike spellings added per word
    # A Devanagari word also matches Latin words that sound alike (सुपर: Super), at this weight.
    cross_script_weight: float = 0.5

    @property
    def boosts(self) -> dict[str, float]:
        return {"title": self.title_boost, "body": self.body_boost}

    def weighting(self) -> scoring.WeightingModel:
        cls = RobertsonBM25F if self.idf == "bm25" else scoring.BM25F
        return cls(B=self.bm25_b, K1=self.bm25_k1)


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


DEFAULT_RANKING = RankingOptions()

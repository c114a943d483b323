"""Measure what each part of Khabar's ranking is worth: one row per variant, for docs/relevance.md.

    python -m tools.relevance --docs ../shared/corpora/xquad-r-hi/docs.jsonl \\
        --queries ../shared/corpora/xquad-r-hi/queries.tsv --qrels ../shared/corpora/xquad-r-hi/qrels.txt

Every variant runs through the real indexer and SearchService; indexes are built once per
distinct analysis and kept in a temporary folder for the run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from indexer.analysis.normalize import RULES
from indexer.analysis.pipeline import DEFAULT, AnalysisOptions
from indexer.build import reindex
from indexer.cli import run_queries
from indexer.evaluation import load_qrels, load_queries, score
from indexer.ranking import DEFAULT_RANKING, RankingOptions
from indexer.search import SearchService
from tools.variants import Matching, any_word_ranked, any_word_when_none, forms_by, lucene_stem

BASE_RULES = ("casefold",)  # without it Latin case and compatibility forms would split words
SHIPPED_RULES = DEFAULT.rules


def _rules(*extra: str, without: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(r for r in (*SHIPPED_RULES, *extra) if r not in without)


A, R = DEFAULT, DEFAULT_RANKING


class Variant(NamedTuple):
    name: str
    analysis: AnalysisOptions
    ranking: RankingOptions
    matching: Matching | None = None  # how words combine, when not as shipped (tools/variants.py)


def service(index: Path, ranking: RankingOptions, matching: Matching | None) -> SearchService:
    return SearchService(index, ranking, matching(ranking) if matching else None)


_VARIANTS: list[tuple] = [
    ("shipped default", A, R),
    # normalisation
    ("no normalisation (case folding only)", replace(A, rules=BASE_RULES), R),
    *[
        (f"without {name}", replace(A, rules=_rules(without=(name,))), R)
        for name in (r.__name__ for r in RULES[1:])
    ],
    ("+ candra_vowels (ॉ = ा, ॅ = े)", replace(A, rules=_rules("candra_vowels")), R),
    ("+ final_ya_to_vowel (गये = गए)", replace(A, rules=_rules("final_ya_to_vowel")), R),
    ("+ long_to_short (ी = ि, ू = ु)", replace(A, rules=_rules("long_to_short")), R),
    ("+ drop_virama", replace(A, rules=_rules("drop_virama")), R),
    # stopwords and stemming
    ("no stopwords", replace(A, stopwords="none"), R),
    ("function words only (question words kept)", replace(A, stopwords="function-words"), R),
    ("no stemmer", replace(A, stemmer="none"), R),
    ("Lucene's HindiStemmer (किमी = किम)", replace(A, stemmer="lucene"), R),
    ("Lucene's, short words protected (किमी ≠ किम)", replace(A, stemmer="lucene-protected"), R),
    ("Lucene's, vowel endings kept on stems under 3 letters", replace(A, stemmer="lucene-letters"), R),
    # scoring
    ("Whoosh's idf, log(N/(n+1)) + 1", A, replace(R, idf="whoosh")),
    *[(f"BM25 b={b}", A, replace(R, bm25_b=b)) for b in (0.3, 0.4, 0.6, 0.75)],
    *[(f"BM25 k1={k}", A, replace(R, bm25_k1=k)) for k in (0.6, 1.2)],
    ("BM25 b=0.75 k1=1.2 (the usual defaults)", A, replace(R, bm25_b=0.75, bm25_k1=1.2)),
    (
        "BM25 b=0.75 k1=1.2, Whoosh idf (stock Whoosh scoring)",
        A,
        replace(R, bm25_b=0.75, bm25_k1=1.2, idf="whoosh"),
    ),
    *[(f"title boost {b}", A, replace(R, title_boost=b)) for b in (1.0, 2.0, 3.0)],
    # words that match little
    ("no spelling neighbours for unknown words", A, replace(R, spelling_weight=0.0)),
    ("spelling neighbours at weight 0.5", A, replace(R, spelling_weight=0.5)),
    ("no Devanagari -> Latin sound-alikes (सुपर: Super)", A, replace(R, cross_script_weight=0.0)),
    # other inflections at query time (issue 13; shipped: weight 0.5, forms at least as common as
    # the word typed and in at most 20% of the articles)
    ("no other forms", A, replace(R, form_weight=0.0)),
    *[(f"other forms at weight {w}", A, replace(R, form_weight=w)) for w in (0.3, 0.8)],
    ("other forms in at most 10% of the articles", A, replace(R, form_max_share=0.1)),
    ("other forms however common", A, replace(R, form_max_share=1.0)),
    ("other forms however rare", A, replace(R, form_ratio=0.0)),
    ("other forms however rare, weight 0.3", A, replace(R, form_ratio=0.0, form_weight=0.3)),
    ("other forms by Lucene's classes (किमी = किम)", A, R, forms_by(lucene_stem)),
    # word order
    # Proximity (neighbouring query words as sloppy phrases) measured negative (docs/relevance.md)
    # and went with Whoosh's AndMaybe, which the engine-neutral evaluator replaced.
    # all words or some
    ("any word, ranked (no all-words first)", A, R, any_word_ranked),
    ("all words; any word only when none has all", A, R, any_word_when_none),
]
VARIANTS: list[Variant] = [Variant(*v) for v in _VARIANTS]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=Path, required=True)
    p.add_argument("--queries", type=Path, required=True)
    p.add_argument("--qrels", type=Path, required=True)
    p.add_argument("--only", nargs="*", help="run only variants whose name contains one of these")
    args = p.parse_args(argv)
    for path in (args.docs, args.queries, args.qrels):
        if not path.exists():
            print(f"skipped: {path} does not exist", file=sys.stderr)
            return 0
    queries, qrels = load_queries(args.queries), load_qrels(args.qrels)
    variants = [v for v in VARIANTS if not args.only or any(o in v[0] for o in args.only)]
    print("| variant | nDCG@10 | MRR@10 | Recall@10 | Recall@100 |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="khabar-relevance-") as tmp:
        indexes: dict[AnalysisOptions, Path] = {}
        for name, analysis, ranking, matching in variants:
            if analysis not in indexes:
                indexes[analysis] = Path(tmp) / f"ix{len(indexes)}"
                reindex([args.docs], indexes[analysis], analysis=analysis)
            s = score(run_queries(service(indexes[analysis], ranking, matching), queries), qrels).means
            cells = " | ".join(f"{s[m]:.4f}" for m in ("nDCG@10", "MRR@10", "Recall@10", "Recall@100"))
            print(f"| {name} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

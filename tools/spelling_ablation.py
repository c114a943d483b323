"""The misspelling guard and the candra variants, each switched off, on XQuAD-R hi and on our
known-item set (docs/relevance.md, issue 13).

    python -m tools.spelling_ablation ../shared/corpora
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import indexer.spelling as spelling
from indexer.build import reindex
from indexer.cli import run_queries
from indexer.evaluation import load_qrels, load_queries, score
from indexer.ranking import DEFAULT_RANKING
from indexer.search import SearchService

KNOWN_ITEMS = Path(__file__).parent / "known_items"


def main(corpora: Path) -> None:
    sets = {
        "xquad": ([corpora / "xquad-r-hi/docs.jsonl"], corpora / "xquad-r-hi/queries.tsv",
                  corpora / "xquad-r-hi/qrels.txt"),
        "known-items": ([corpora / "bbc-hindi-test/docs.jsonl", corpora / "covid5papers/docs.jsonl"],
                        KNOWN_ITEMS / "queries.tsv", KNOWN_ITEMS / "qrels.txt"),
    }  # fmt: skip
    no_variants = replace(DEFAULT_RANKING, variant_weight=0)
    rows = [
        ("neither", no_variants, False),
        ("candra variants only", DEFAULT_RANKING, False),
        ("misspelling guard only", no_variants, True),
        ("both (shipped)", DEFAULT_RANKING, True),
    ]
    guarded = spelling.plausible
    for name, (docs, queries_path, qrels_path) in sets.items():
        with tempfile.TemporaryDirectory() as tmp:
            reindex(docs, Path(tmp))
            queries, qrels = load_queries(queries_path), load_qrels(qrels_path)
            for label, ranking, guard in rows:
                spelling.plausible = guarded if guard else (lambda *a, **k: True)
                try:
                    m = score(run_queries(SearchService(Path(tmp), ranking), queries), qrels).means
                finally:
                    spelling.plausible = guarded
                print(f"{name:12s} {label:24s} nDCG@10 {m['nDCG@10']:.4f}  MRR@10 {m['MRR@10']:.4f}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora"))

"""Every ranking variant of tools/relevance.py on two collections, XQuAD-R hi split in two
folds by article, and our known-item set (docs/relevance.md, issue 13): a change is kept only
if it wins on both collections, and XQuAD's folds show whether a gain holds on articles it was
not tuned on.

    python -m tools.folds ../shared/corpora                  # every variant, about 9 minutes
    python -m tools.folds ../shared/corpora "other forms"    # the shipped row and those named so
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from indexer.build import reindex
from indexer.cli import run_queries
from indexer.evaluation import Qrels, load_qrels, load_queries, score
from tools.relevance import VARIANTS, service

KNOWN_ITEMS = Path(__file__).parent / "known_items"


def article_fold(doc_id: str) -> int:
    """xquad-r-hi-a017-p03 -> 1 (article 17 is odd): both folds hold whole articles."""
    return int(doc_id.split("-a")[1].split("-")[0]) % 2


def ndcg(run: dict, qrels: Qrels, qids: set[str]) -> float:
    return score({q: run[q] for q in qids if q in run}, {q: qrels[q] for q in qids}).means["nDCG@10"]


def main(corpora: Path, only: list[str]) -> None:
    xq = corpora / "xquad-r-hi"
    xq_queries, xq_qrels = load_queries(xq / "queries.tsv"), load_qrels(xq / "qrels.txt")
    folds = [{q for q, _ in xq_queries if article_fold(next(iter(xq_qrels[q]))) == f} for f in (0, 1)]
    ki_queries, ki_qrels = load_queries(KNOWN_ITEMS / "queries.tsv"), load_qrels(KNOWN_ITEMS / "qrels.txt")
    ki_docs = [corpora / "bbc-hindi-test/docs.jsonl", corpora / "covid5papers/docs.jsonl"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="khabar-folds-") as tmp:
        built: dict[tuple[str, object], Path] = {}
        chosen = [VARIANTS[0], *(v for v in VARIANTS[1:] if not only or any(o in v[0] for o in only))]
        for label, analysis, ranking, matching in chosen:
            cells = []
            for name, docs, queries, qrels in (("xq", [xq / "docs.jsonl"], xq_queries, xq_qrels),
                                               ("ki", ki_docs, ki_queries, ki_qrels)):  # fmt: skip
                ix = built.get((name, analysis))
                if ix is None:
                    ix = built[(name, analysis)] = Path(tmp) / f"{name}-{len(built)}"
                    reindex(docs, ix, analysis=analysis)
                run = run_queries(service(ix, ranking, matching), queries)
                parts = folds if name == "xq" else [set(qrels)]
                cells += [ndcg(run, qrels, part) for part in parts]
            rows.append((label, *cells))
            print(f"{label:58s} {cells[0]:.4f} {cells[1]:.4f} {cells[2]:.4f}", file=sys.stderr, flush=True)
    base = rows[0]
    print("| variant | XQuAD fold A | fold B | known items | wins on both collections |")
    print("|---|---|---|---|---|")
    for label, a, b, k in rows:
        both = (a + b) / 2 > (base[1] + base[2]) / 2 and k > base[3]
        print(f"| {label} | {a:.4f} | {b:.4f} | {k:.4f} | {'**yes**' if both and label != base[0] else ''} |")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora"), sys.argv[2:])

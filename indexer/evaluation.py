"""Measure ranking quality against human relevance judgments (TREC conventions).

Queries are ``qid<TAB>text`` lines; qrels are TREC lines ``qid 0 docid rel``; the run file
written is TREC too (``qid Q0 docid rank score tag``), so any TREC tool can re-check it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

Run = dict[str, list[tuple[str, float]]]  # qid -> ranked (docid, score)
Qrels = dict[str, dict[str, int]]  # qid -> docid -> graded relevance


def load_queries(path: Path) -> list[tuple[str, str]]:
    queries = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        qid, sep, text = line.partition("\t")
        if not sep or not qid.strip():
            raise ValueError(f"{path}:{n}: expected 'qid<TAB>query text'")
        queries.append((qid.strip(), text.strip()))
    return queries


def load_qrels(path: Path) -> Qrels:
    qrels: Qrels = {}
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise ValueError(f"{path}:{n}: expected 'qid 0 docid relevance'")
        qid, _, docid, rel = parts
        try:
            qrels.setdefault(qid, {})[docid] = int(rel)
        except ValueError:
            raise ValueError(f"{path}:{n}: relevance {rel!r} is not a whole number") from None
    return qrels


def dcg(gains: Iterable[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: list[str], rels: dict[str, int], k: int) -> float:
    ideal = dcg(sorted((r for r in rels.values() if r > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(rels.get(d, 0) for d in ranked[:k]) / ideal


def mrr_at(ranked: list[str], rels: dict[str, int], k: int) -> float:
    for i, d in enumerate(ranked[:k]):
        if rels.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def recall_at(ranked: list[str], rels: dict[str, int], k: int) -> float:
    relevant = {d for d, r in rels.items() if r > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


METRICS: dict[str, Callable[[list[str], dict[str, int]], float]] = {
    "nDCG@10": lambda r, q: ndcg_at(r, q, 10),
    "MRR@10": lambda r, q: mrr_at(r, q, 10),
    "Recall@10": lambda r, q: recall_at(r, q, 10),
    "Recall@100": lambda r, q: recall_at(r, q, 100),
}


@dataclass
class Scores:
    means: dict[str, float]
    queries: int  # judged queries scored (a judged query missing from the run scores 0)

    def table(self) -> str:
        return (
            "  ".join(f"{name} {value:.4f}" for name, value in self.means.items())
            + f"  (queries: {self.queries})"
        )


def score(run: Run, qrels: Qrels) -> Scores:
    judged = [qid for qid, rels in qrels.items() if any(r > 0 for r in rels.values())]
    sums = dict.fromkeys(METRICS, 0.0)
    for qid in judged:
        ranked = [d for d, _ in run.get(qid, [])]
        for name, metric in METRICS.items():
            sums[name] += metric(ranked, qrels[qid])
    n = len(judged)
    return Scores({k: (v / n if n else 0.0) for k, v in sums.items()}, n)


def write_trec_run(run: Run, path: Path, tag: str = "khabar") -> None:
    with path.open("w", encoding="utf-8") as fh:
        for qid, ranked in run.items():
            for rank, (docid, s) in enumerate(ranked, start=1):
                fh.write(f"{qid} Q0 {docid} {rank} {s:.6f} {tag}\n")

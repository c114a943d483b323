"""Pseudo-relevance feedback (RM3) measured on both collections (docs/relevance.md, issue 13).

    python -m tools.feedback ../shared/corpora

For each query the shipped search ranks the top 100; RM3 then takes the ``docs`` best articles,
weighs every word of theirs by its share of each article times the article's share of the top
scores, keeps the ``terms`` heaviest words that are not query words, and adds their BM25 scores
to each of the 100 articles: original words weigh ``lam`` / |Q| each and feedback words
(1 - lam) * their weight, as in Anserini's RM3. Re-ranking the first 100 stands in for RM3's
second retrieval: an article outside them would need most of the query's words missing to get
in. ``cond`` applies feedback only to some queries: "noall" when no article has every word,
"few" when fewer than 10 have them all, "rare" when every query word is in under 2% of the
articles. Whoosh only: it reads the evaluator's term scores.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

from indexer.build import reindex
from indexer.evaluation import Qrels, load_qrels, load_queries, score
from indexer.query.tree import Term
from indexer.search import SearchRequest, SearchResult, SearchService
from tools.folds import KNOWN_ITEMS, article_fold

Run = dict[str, list[tuple[str, float]]]
RARE = 0.02  # "rare": every query word in under this share of the articles
SETTINGS = [  # (docs, terms, lam, cond)
    *[(k, t, lam, "all") for k in (3, 10) for t in (10, 20) for lam in (0.7, 0.85)],
    *[(k, 20, 0.85, cond) for k in (5, 10) for cond in ("noall", "few", "rare")],
]


def ndcg(run: Run, qrels: Qrels, qids: set[str]) -> float:
    return score({q: run[q] for q in qids if q in run}, {q: qrels[q] for q in qids}).means["nDCG@10"]


def rm3(svc: SearchService, queries: list[tuple[str, str]], first: dict[str, SearchResult]) -> dict:
    snap = svc._snapshot()
    words: dict[str, Counter[str]] = {}
    scores: dict[str, dict[int, float]] = {}

    def counts(article_id: str) -> Counter[str]:
        if article_id not in words:
            a = svc.article(article_id)
            words[article_id] = Counter(snap.pipeline.index_terms(f"{a.title}\n{a.body}") if a else [])
        return words[article_id]

    def term_scores(term: str) -> dict[int, float]:
        if term not in scores:
            docs, s = snap.evaluate(Term(term))
            scores[term] = dict(zip(docs.tolist(), s.tolist(), strict=True))
        return scores[term]

    out = {}
    n = snap.doc_count()
    for k, n_terms, lam, cond in SETTINGS:
        run: Run = {}
        for qid, text in queries:
            r = first[qid]
            hits = [(h.id, h.score or 0.0) for h in r.hits]
            qterms = set(snap.pipeline.index_terms(text))
            skip = (
                (cond == "noall" and "any_word" not in r.notes)
                or (cond == "few" and not {"any_word", "some_words"} & set(r.notes))
                or (cond == "rare" and any(snap.doc_frequency(t) > RARE * n for t in qterms))
            )
            if not hits or skip:
                run[qid] = hits
                continue
            top = hits[:k]
            total = sum(s for _, s in top) or 1.0
            weight: Counter[str] = Counter()
            for article_id, s in top:
                c = counts(article_id)
                length = sum(c.values()) or 1
                for t, f in c.items():
                    weight[t] += f / length * s / total
            expansion = [(t, w) for t, w in weight.most_common(n_terms + len(qterms)) if t not in qterms]
            expansion = expansion[:n_terms]
            z = sum(w for _, w in expansion) or 1.0
            factor = (1 - lam) / lam * max(1, len(qterms))  # original scores kept as they are
            rescored = []
            for article_id, s in hits:
                doc = snap.searcher.document_number(id=article_id)
                rescored.append(
                    (article_id, s + factor * sum(w / z * term_scores(t).get(doc, 0.0) for t, w in expansion))
                )
            run[qid] = sorted(rescored, key=lambda h: -h[1])
        out[(k, n_terms, lam, cond)] = run
    return out


def main(corpora: Path) -> None:
    xq = corpora / "xquad-r-hi"
    if not xq.exists():
        print(f"skipped: {xq} does not exist", file=sys.stderr)
        return
    collections = [
        ("xq", [xq / "docs.jsonl"], load_queries(xq / "queries.tsv"), load_qrels(xq / "qrels.txt")),
        (
            "ki",
            [corpora / "bbc-hindi-test/docs.jsonl", corpora / "covid5papers/docs.jsonl"],
            load_queries(KNOWN_ITEMS / "queries.tsv"),
            load_qrels(KNOWN_ITEMS / "qrels.txt"),
        ),
    ]
    cells: dict[object, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="khabar-feedback-") as tmp:
        for name, docs, queries, qrels in collections:
            reindex(docs, Path(tmp) / name)
            svc = SearchService(Path(tmp) / name)
            first = {q: svc.search(SearchRequest(q=t, per_page=100, snippets=False)) for q, t in queries}
            if name == "xq":
                parts = [{q for q, _ in queries if article_fold(next(iter(qrels[q]))) == f} for f in (0, 1)]
            else:
                parts = [set(qrels)]
            base = {q: [(h.id, h.score or 0.0) for h in r.hits] for q, r in first.items()}
            cells.setdefault("shipped (no feedback)", []).extend(ndcg(base, qrels, p) for p in parts)
            for setting, run in rm3(svc, queries, first).items():
                cells.setdefault(setting, []).extend(ndcg(run, qrels, p) for p in parts)
    print("| RM3 docs, terms, original weight, applied to | XQuAD fold A | fold B | known items |")
    print("|---|---|---|---|")
    for setting, (a, b, ki) in cells.items():
        label = setting if isinstance(setting, str) else "{}, {}, {}, {}".format(*setting)
        print(f"| {label} | {a:.4f} | {b:.4f} | {ki:.4f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora"))

"""Search by meaning, measured: every fusion variant on three collections (docs/relevance.md).

    python -m tools.meaning ../shared/corpora            # every variant
    python -m tools.meaning ../shared/corpora "join"     # the shipped row and the variants so named
    python -m tools.meaning ../shared/corpora similar    # "more like this" by words and by meaning
    python -m tools.meaning ../shared/corpora passages   # what of an article to embed

XQuAD-R hi in its two folds by article (tools/folds.py), the same 1,190 questions in English
(xquad-r-en2hi, judged with the Hindi qrels), and our known-item set (tools/known_items: 75
Hindi queries on bbc-hindi-test and covid5papers). A variant is kept only if it wins on XQuAD
and on the known items, and loses on neither fold. Each collection is indexed once, with
vectors, through the real reindex; each variant is a SearchService over it. "model alone"
ranks the whole collection by cosine (no words at all).
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from indexer.build import reindex
from indexer.cli import run_queries
from indexer.engines import open_engine
from indexer.evaluation import Qrels, Run, load_qrels, load_queries, score
from indexer.meaning import switch
from indexer.meaning.fusion import DEFAULT_FUSION, FusionOptions
from indexer.search import SearchService
from tools.folds import KNOWN_ITEMS, article_fold

D = DEFAULT_FUSION
VARIANTS: list[tuple[str, FusionOptions | None]] = [
    ("shipped default", D),
    ("words alone (no meaning)", None),
    ("model alone", D),
    *[(f"weight of words {w}", replace(D, weight=w)) for w in (0.2, 0.4, 0.5)],
    *[(f"cosine scale {c}", replace(D, cosine_scale=c)) for c in (0.1, 0.25)],
    ("weight fixed, whatever the words known", replace(D, by_share=False)),
    *[(f"join at most {j}", replace(D, join=j)) for j in (0, 3, 20, 50)],
    *[(f"join margin {m}", replace(D, join_margin=m)) for m in (0.02, 0.1, 1.0)],
    *[(f"join z {z}", replace(D, join_z=z)) for z in (-10.0, 1.0, 3.0)],
    *[(f"pool of {p} hits by words", replace(D, pool=p)) for p in (20, 50, 200)],
    # reciprocal rank fusion: the shipped weight of words, equal weights, a smaller k
    *[
        (f"rrf k {k}, weight of words {w}", replace(D, method="rrf", rrf_k=k, weight=w))
        for k, w in ((60, 0.3), (60, 0.5), (10, 0.3), (10, 0.5))
    ],
]


def ndcg(run: Run, qrels: Qrels, qids: set[str]) -> float:
    return score({q: run[q] for q in qids if q in run}, {q: qrels[q] for q in qids}).means["nDCG@10"]


def model_alone(index: Path, queries: list[tuple[str, str]]) -> Run:
    encoder, off = switch.encoder(True)
    assert encoder is not None, off
    snap = open_engine(index).snapshot()
    return {qid: snap.nearest(encoder.query(text), 10) for qid, text in queries}


def main(corpora: Path, only: list[str]) -> None:
    xq, en = corpora / "xquad-r-hi", corpora / "xquad-r-en2hi"
    xq_queries, xq_qrels = load_queries(xq / "queries.tsv"), load_qrels(xq / "qrels.txt")
    en_queries = load_queries(en / "queries.tsv")
    folds = [{q for q, _ in xq_queries if article_fold(next(iter(xq_qrels[q]))) == f} for f in (0, 1)]
    ki_queries, ki_qrels = load_queries(KNOWN_ITEMS / "queries.tsv"), load_qrels(KNOWN_ITEMS / "qrels.txt")
    ki_docs = [corpora / "bbc-hindi-test/docs.jsonl", corpora / "covid5papers/docs.jsonl"]
    print("| variant | XQuAD fold A | fold B | XQuAD all | known items | English questions | wins on both |")
    print("|---|---|---|---|---|---|---|")
    base: tuple[float, ...] | None = None
    with tempfile.TemporaryDirectory(prefix="khabar-meaning-") as tmp:
        xq_ix, ki_ix = Path(tmp) / "xq", Path(tmp) / "ki"
        for ix, docs in ((xq_ix, [xq / "docs.jsonl"]), (ki_ix, ki_docs)):
            report = reindex(docs, ix, semantic=True)
            print(f"indexed {report.indexed} ({report.embedded} embedded) into {ix}", file=sys.stderr)
        for label, opts in VARIANTS:
            if only and label != "shipped default" and not any(o in label for o in only):
                continue
            runs = []
            for ix, queries in ((xq_ix, xq_queries), (ki_ix, ki_queries), (xq_ix, en_queries)):
                if label == "model alone":
                    runs.append(model_alone(ix, queries))
                else:
                    service = SearchService(ix, semantic=opts is not None, fusion=opts or D)
                    runs.append(run_queries(service, queries))
            xr, kr, er = runs
            cells = (
                ndcg(xr, xq_qrels, folds[0]),
                ndcg(xr, xq_qrels, folds[1]),
                ndcg(xr, xq_qrels, set(xq_qrels)),
                ndcg(kr, ki_qrels, set(ki_qrels)),
                ndcg(er, xq_qrels, set(xq_qrels)),
            )
            base = base or cells
            wins = cells[2] > base[2] and cells[3] > base[3]
            row = " | ".join(f"{c:.4f}" for c in cells)
            print(f"| {label} | {row} | {'yes' if wins else ''} |", flush=True)


def similar(corpora: Path, sample: int = 1500) -> None:
    """ "More like this" by words and by meaning: the share of an article's 5 most similar that
    share its label, on three collections: XQuAD paragraphs (label: their article), BBC Hindi
    (its category) and L3Cube headlines (the first ``sample``; their category)."""
    import json

    def label_xq(d: dict) -> str:
        return d["id"].rsplit("-p", 1)[0]

    sets = [
        ("XQuAD paragraphs, same article", corpora / "xquad-r-hi/docs.jsonl", label_xq),
        ("BBC Hindi, same category", corpora / "bbc-hindi-test/docs.jsonl", lambda d: d.get("category", "")),
        ("L3Cube headlines, same category", corpora / "l3cube-indicnews-hi-shc/headlines.jsonl",
         lambda d: d.get("category", "")),
    ]  # fmt: skip
    print("| collection | articles | by words, precision@5 | by meaning, precision@5 |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="khabar-similar-") as tmp:
        for name, path, label in sets:
            lines = path.read_text(encoding="utf-8").splitlines()[:sample]
            src = Path(tmp) / path.name
            with src.open("w", encoding="utf-8") as fh:
                for line in lines:
                    d = json.loads(line)
                    d.setdefault("body", d.get("title", ""))  # headlines only: the headline is the text
                    fh.write(json.dumps(d, ensure_ascii=False) + "\n")
            ix = Path(tmp) / f"ix-{path.stem}-{len(name)}"
            reindex([src], ix, semantic=True)
            labels = {(d := json.loads(line))["id"]: label(d) for line in lines}
            cells = []
            for by_meaning in (False, True):
                service = SearchService(ix, semantic=True)
                service.meaning.similar_by_meaning = by_meaning
                hits = total = 0
                for doc_id, lab in labels.items():
                    found = service.similar(doc_id, 5)
                    hits += sum(1 for h in found if labels.get(h.id) == lab)
                    total += 5
                cells.append(hits / total)
            print(f"| {name} | {len(labels)} | {cells[0]:.3f} | {cells[1]:.3f} |", flush=True)


def passages(corpora: Path) -> None:
    """What of an article to embed, by the model alone (nDCG@10 of the whole collection ranked by
    cosine): the headline and the first 600 characters (shipped), the first 1,500, or every
    600-character passage with the article scored by its best one."""
    import json

    import numpy as np

    from indexer.meaning.passage import lead

    encoder, off = switch.encoder(True)
    assert encoder is not None, off
    sets = [
        ("XQuAD-R hi", [corpora / "xquad-r-hi/docs.jsonl"], corpora / "xquad-r-hi"),
        (
            "known items",
            [corpora / "bbc-hindi-test/docs.jsonl", corpora / "covid5papers/docs.jsonl"],
            KNOWN_ITEMS,
        ),
    ]
    print("| collection | headline + 600 characters | headline + 1,500 | best 600-character passage |")
    print("|---|---|---|---|")
    for name, files, qdir in sets:
        docs = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()]
        queries, qrels = load_queries(qdir / "queries.tsv"), load_qrels(qdir / "qrels.txt")
        qv = np.stack([encoder.query(t) for _, t in queries])
        cells = []
        for recipe in ("600", "1500", "passages"):
            owner, texts = [], []
            for n, d in enumerate(docs):
                title, body = d.get("title", "") or "", " ".join(d.get("body", "").split())
                if recipe == "passages":
                    chunks = [lead(body[i:]) for i in range(0, max(len(body), 1), 600)] or [""]
                else:
                    chunks = [lead(body, int(recipe))]
                for c in chunks:
                    owner.append(n)
                    texts.append(f"{title}\n{c}" if title else c)
            vecs = encoder.passages(texts)
            sims = qv @ vecs.T
            best = np.full((len(queries), len(docs)), -1.0, dtype=np.float32)
            for col, n in enumerate(owner):
                best[:, n] = np.maximum(best[:, n], sims[:, col])
            ids = [d["id"] for d in docs]
            run = {qid: [(ids[j], float(best[r, j])) for j in np.argsort(-best[r])[:10]]
                   for r, (qid, _) in enumerate(queries)}  # fmt: skip
            cells.append(score(run, qrels).means["nDCG@10"])
            print(f"  {name} {recipe}: {cells[-1]:.4f} ({len(texts)} passages)", file=sys.stderr, flush=True)
        print(f"| {name} | " + " | ".join(f"{c:.4f}" for c in cells) + " |", flush=True)


if __name__ == "__main__":
    corpora = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/corpora")
    if not (corpora / "xquad-r-hi").exists():
        print(f"skipped: no corpora at {corpora}", file=sys.stderr)
        sys.exit(0)
    if sys.argv[2:3] == ["similar"]:
        similar(corpora)
    elif sys.argv[2:3] == ["passages"]:
        passages(corpora)
    else:
        main(corpora, sys.argv[2:])

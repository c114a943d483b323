"""Orchestrate one `khabar bench` run and print its figures."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from indexer.benchmark import corpus, measure, peers
from indexer.search import SearchRequest, SearchService


@dataclass
class BenchOptions:
    sources: list[Path]
    size: int
    work: Path
    queries: int = 200
    http_clients: int = 8
    http_seconds: float = 20.0
    peers: bool = True
    seed: int = 2026


def run(opts: BenchOptions, out: TextIO = sys.stdout) -> dict:
    report: dict = {"size": opts.size}

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    material = corpus.gather(opts.sources)
    if not material.ok:
        raise ValueError("the source corpora gave too few headlines or sentences to build articles from")
    docs = opts.work / f"articles-{opts.size}.jsonl"
    t0 = time.perf_counter()
    text_bytes = corpus.write(material, opts.size, docs, opts.seed)
    report["generate_s"] = time.perf_counter() - t0
    say(
        f"corpus: {opts.size} articles, {text_bytes / 1e6:.1f} MB of text, "
        f"generated in {report['generate_s']:.1f} s "
        + f"from {len(material.headlines)} headlines and {len(material.sentences)} sentences"
    )

    ix = opts.work / "khabar-index"
    seconds, peak, code = measure.run_sampled(
        [sys.executable, "-m", "indexer.cli", "reindex", str(docs), "--index", str(ix)]
    )
    if code:
        raise RuntimeError(f"khabar reindex failed with exit status {code}")
    report["reindex"] = {
        "seconds": seconds,
        "docs_per_s": opts.size / seconds,
        "mb_per_s": text_bytes / 1e6 / seconds,
        "peak_rss_mb": peak / 1e6,
        "index_mb": measure.folder_size(ix) / 1e6,
    }
    r = report["reindex"]
    say(
        f"reindex: {seconds:.1f} s, {r['docs_per_s']:.0f} docs/s, {r['mb_per_s']:.2f} MB/s, peak RSS "
        f"{r['peak_rss_mb']:.0f} MB (all processes), index {r['index_mb']:.0f} MB"
    )

    queries = measure.query_mix(material, opts.queries)
    svc = SearchService(ix)
    for q in queries[:10]:  # warm caches the way a running server has them
        svc.search(SearchRequest(q=q.q, filters=q.filters))
    by_kind: dict[str, list[float]] = {}
    for q in queries:
        t0 = time.perf_counter()
        svc.search(SearchRequest(q=q.q, filters=q.filters))
        by_kind.setdefault(q.kind, []).append((time.perf_counter() - t0) * 1000)
    all_ms = [x for ms in by_kind.values() for x in ms]
    report["search"] = measure.latency_summary(all_ms)
    report["search_by_kind"] = {k: measure.latency_summary(v) for k, v in by_kind.items()}
    s = report["search"]
    say(
        f"search (top 10 + all facets + snippets, {len(queries)} queries): p50 {s['p50_ms']:.1f} ms, "
        f"p95 {s['p95_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms"
    )
    for kind, v in report["search_by_kind"].items():
        say(f"  {kind:12s} p50 {v['p50_ms']:7.1f} ms  p95 {v['p95_ms']:7.1f} ms  p99 {v['p99_ms']:7.1f} ms")

    if opts.http_seconds > 0:
        h = measure.http_load(ix, queries, opts.http_clients, opts.http_seconds)
        report["http"] = h
        say(
            f"http: {opts.http_clients} clients for {opts.http_seconds:.0f} s: "
            f"{h['requests_per_s']:.1f} requests/s, {h['errors']} errors, "
            + f"p50 {h['p50_ms']:.0f} ms, p99 {h['p99_ms']:.0f} ms, slowest {h['max_ms']:.0f} ms"
        )
        for reason, n in h["error_reasons"].items():
            say(f"  {n} x {reason}")

    if opts.peers:
        w_s = peers.stock_whoosh_index(docs, opts.work / "stock-whoosh")
        w_q = peers.stock_whoosh_search(opts.work / "stock-whoosh", queries)
        f_s = peers.fts5_index(docs, opts.work / "fts5.sqlite")
        f_q = peers.fts5_search(opts.work / "fts5.sqlite", queries)
        report["peers"] = {
            "stock_whoosh": {"docs_per_s": opts.size / w_s, **w_q},
            "sqlite_fts5": {"docs_per_s": opts.size / f_s, **f_q},
        }
        k = report["reindex"]["docs_per_s"]
        say("peers on the same articles and queries (ratio = Khabar / peer; > 1 means Khabar is faster):")
        say(
            f"  stock Whoosh (top 10 only): {opts.size / w_s:.0f} docs/s "
            f"(ratio {k / (opts.size / w_s):.2f}), p50 {w_q['p50_ms']:.1f} ms, p95 {w_q['p95_ms']:.1f} ms "
            f"(latency ratio p95 {w_q['p95_ms'] / max(s['p95_ms'], 1e-9):.2f})"
        )
        say(
            f"  SQLite FTS5 (top 10 + snippet + facet counts): {opts.size / f_s:.0f} docs/s "
            f"(ratio {k / (opts.size / f_s):.2f}), p50 {f_q['p50_ms']:.1f} ms, p95 {f_q['p95_ms']:.1f} ms "
            f"(latency ratio p95 {f_q['p95_ms'] / max(s['p95_ms'], 1e-9):.2f})"
        )
    (opts.work / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    say(f"report: {opts.work / 'report.json'}")
    return report

"""Orchestrate one `khabar bench` run and print its figures."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from indexer.benchmark import corpus, measure, peers
from indexer.engines.config import EngineConfig
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
    # None: the Whoosh engine only. An OpenSearch configuration: that engine, and (with
    # ``compare``) the Whoosh engine on the same articles, side by side.
    opensearch: EngineConfig | None = None
    compare: bool = True
    cluster_pids: list[int] = field(default_factory=list)  # the cluster's JVMs, for their memory


def run(opts: BenchOptions, out: TextIO = sys.stdout) -> dict:
    report: dict = {"size": opts.size, "engines": {}}

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
    queries = measure.query_mix(material, opts.queries)

    engines: list[tuple[str, EngineConfig]] = []
    if opts.opensearch is not None:
        engines.append(("opensearch", opts.opensearch))
    if opts.opensearch is None or opts.compare:
        engines.append(("whoosh", EngineConfig(index_dir=opts.work / "khabar-index")))
    for name, config in engines:
        say(f"== engine: {name} ({config.where})")
        report["engines"][name] = _engine(opts, name, config, docs, text_bytes, queries, say)
    # The report of a single engine keeps its figures at the top level too, as before.
    first = report["engines"][engines[0][0]]
    report.update({k: first[k] for k in ("reindex", "search", "search_by_kind", "http") if k in first})
    if len(engines) == 2:
        _side_by_side(report["engines"], say)

    if opts.peers:
        whoosh = report["engines"].get("whoosh") or first
        s = whoosh["search"]
        w_s = peers.stock_whoosh_index(docs, opts.work / "stock-whoosh")
        w_q = peers.stock_whoosh_search(opts.work / "stock-whoosh", queries)
        f_s = peers.fts5_index(docs, opts.work / "fts5.sqlite")
        f_q = peers.fts5_search(opts.work / "fts5.sqlite", queries)
        report["peers"] = {
            "stock_whoosh": {"docs_per_s": opts.size / w_s, **w_q},
            "sqlite_fts5": {"docs_per_s": opts.size / f_s, **f_q},
        }
        k = whoosh["reindex"]["docs_per_s"]
        say("peers on the same articles and queries (ratio = Khabar's Whoosh engine / peer; > 1: faster):")
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


def _engine_args(config: EngineConfig) -> list[str]:
    if config.engine == "whoosh":
        return ["--index", str(config.index_dir)]
    return [
        "--engine", "opensearch", "--opensearch-url", ",".join(config.opensearch_urls),
        "--opensearch-index", config.opensearch_index,
    ]  # fmt: skip


def _engine(
    opts: BenchOptions,
    name: str,
    config: EngineConfig,
    docs: Path,
    text_bytes: int,
    queries: list[measure.Query],
    say: Callable[[str], None],
) -> dict:
    out: dict = {}
    jvm = measure.PeakSampler(opts.cluster_pids if name == "opensearch" else [])
    extra = ["--full"]
    if name == "opensearch":
        extra += ["--shards", str(config.shards), "--replicas", str(config.replicas)]
    with jvm:
        seconds, peak, code = measure.run_sampled(
            [sys.executable, "-m", "indexer.cli", "reindex", str(docs), *_engine_args(config), *extra]
        )
    if code:
        raise RuntimeError(f"khabar reindex ({name}) failed with exit status {code}")
    out["reindex"] = {
        "seconds": seconds,
        "docs_per_s": opts.size / seconds,
        "mb_per_s": text_bytes / 1e6 / seconds,
        "peak_rss_mb": peak / 1e6,
        "jvm_peak_rss_mb": jvm.peak / 1e6,
        "index_mb": measure.index_size(config) / 1e6,
    }
    r = out["reindex"]
    jvms = f" + JVMs {r['jvm_peak_rss_mb']:.0f} MB" if name == "opensearch" else ""
    say(
        f"reindex: {seconds:.1f} s, {r['docs_per_s']:.0f} docs/s, {r['mb_per_s']:.2f} MB/s, peak RSS "
        f"{r['peak_rss_mb']:.0f} MB (Python, all processes){jvms}, index {r['index_mb']:.0f} MB"
    )

    svc = SearchService(config)
    for q in queries[:10]:  # warm caches the way a running server has them
        svc.search(SearchRequest(q=q.q, filters=q.filters))
    by_kind: dict[str, list[float]] = {}
    for q in queries:
        t0 = time.perf_counter()
        svc.search(SearchRequest(q=q.q, filters=q.filters))
        by_kind.setdefault(q.kind, []).append((time.perf_counter() - t0) * 1000)
    all_ms = [x for ms in by_kind.values() for x in ms]
    out["search"] = measure.latency_summary(all_ms)
    out["search_by_kind"] = {k: measure.latency_summary(v) for k, v in by_kind.items()}
    s = out["search"]
    say(
        f"search (top 10 + all facets + snippets, {len(queries)} queries): p50 {s['p50_ms']:.1f} ms, "
        f"p95 {s['p95_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms"
    )
    for kind, v in out["search_by_kind"].items():
        say(f"  {kind:12s} p50 {v['p50_ms']:7.1f} ms  p95 {v['p95_ms']:7.1f} ms  p99 {v['p99_ms']:7.1f} ms")

    if opts.http_seconds > 0:
        with jvm:
            h = measure.http_load(_engine_args(config), queries, opts.http_clients, opts.http_seconds)
        h["jvm_peak_rss_mb"] = jvm.peak / 1e6
        out["http"] = h
        say(
            f"http: {opts.http_clients} clients for {opts.http_seconds:.0f} s: "
            f"{h['requests_per_s']:.1f} requests/s, {h['errors']} errors, "
            + f"p50 {h['p50_ms']:.0f} ms, p99 {h['p99_ms']:.0f} ms, slowest {h['max_ms']:.0f} ms"
        )
        for reason, n in h["error_reasons"].items():
            say(f"  {n} x {reason}")
    return out


def _side_by_side(engines: dict, say: Callable[[str], None]) -> None:
    o, w = engines["opensearch"], engines["whoosh"]
    rows = [
        ("reindex docs/s", o["reindex"]["docs_per_s"], w["reindex"]["docs_per_s"], "{:.0f}"),
        ("peak memory MB (Python + JVMs)", o["reindex"]["peak_rss_mb"] + o["reindex"]["jvm_peak_rss_mb"],
         w["reindex"]["peak_rss_mb"], "{:.0f}"),
        ("search p50 ms", o["search"]["p50_ms"], w["search"]["p50_ms"], "{:.1f}"),
        ("search p95 ms", o["search"]["p95_ms"], w["search"]["p95_ms"], "{:.1f}"),
        ("search p99 ms", o["search"]["p99_ms"], w["search"]["p99_ms"], "{:.1f}"),
    ]  # fmt: skip
    if "http" in o and "http" in w:
        rows += [
            ("HTTP requests/s", o["http"]["requests_per_s"], w["http"]["requests_per_s"], "{:.1f}"),
            ("HTTP errors", o["http"]["errors"], w["http"]["errors"], "{:.0f}"),
        ]
    say("side by side:            opensearch      whoosh")
    for label, a, b, fmt in rows:
        say(f"  {label:30s} {fmt.format(a):>10s}  {fmt.format(b):>10s}")

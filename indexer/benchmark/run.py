"""Orchestrate one `khabar bench` run and print its figures."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from indexer.benchmark import corpus, measure, peers
from indexer.engines.base import IndexUnavailable
from indexer.engines.config import EngineConfig
from indexer.meaning import switch
from indexer.meaning.encoder import Encoder
from indexer.meaning.passage import passage_text
from indexer.records import Article
from indexer.search import SearchRequest, SearchService

EMBED_SAMPLE = 256  # passages the embedding rate is measured on


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
    whoosh_index: Path | None = None  # where the Whoosh engine's index goes (default: in work)
    # Measure search on an index an earlier run built (same SOURCES and SIZE) instead of
    # reindexing, when it holds SIZE articles: a million articles take 10 to 30 minutes to index.
    reuse: bool = False
    # Search by meaning (None: wherever the model loads). Vectors are cached across runs, in one
    # folder for both engines: the same synthetic articles are embedded once, not once per run.
    semantic: bool | None = None
    vector_cache: Path | None = None


def run(opts: BenchOptions, out: TextIO | None = None) -> dict:
    report: dict = {"size": opts.size, "engines": {}}
    out = out or sys.stdout  # the stream of the moment, not the one there was at import

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
    encoder, off = switch.encoder(opts.semantic)
    if encoder is None:
        say(f"search by meaning: off ({off})")
        os.environ["KHABAR_SEMANTIC"] = "0"  # the reindexes and servers this run starts
    else:
        os.environ["KHABAR_SEMANTIC"] = "1"
        os.environ["KHABAR_VECTOR_CACHE"] = str(opts.vector_cache or opts.work / "vector-cache")
        report["embedding"] = _embedding(encoder, docs, queries, say)

    engines: list[tuple[str, EngineConfig]] = []
    if opts.opensearch is not None:
        engines.append(("opensearch", opts.opensearch))
    if opts.opensearch is None or opts.compare:
        engines.append(("whoosh", EngineConfig(index_dir=opts.whoosh_index or opts.work / "khabar-index")))
    for name, config in engines:
        say(f"== engine: {name} ({config.where})")
        report["engines"][name] = _engine(opts, name, config, docs, text_bytes, queries, say)
    # The report of a single engine keeps its figures at the top level too, as before.
    first = report["engines"][engines[0][0]]
    keys = ("reindex", "search", "search_by_kind", "search_research", "search_words_alone", "export", "http",
            "http_variants")  # fmt: skip
    report.update({k: first[k] for k in keys if k in first})
    if len(engines) == 2:
        _side_by_side(report["engines"], say)

    if opts.peers and "reindex" in (report["engines"].get("whoosh") or first):
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


def _embedding(
    encoder: Encoder, docs: Path, queries: list[measure.Query], say: Callable[[str], None]
) -> dict:
    """The model's speed on these articles: passages (headline + lead) per second on every core,
    tokens per passage, and a query's embedding time on one thread."""
    texts = []
    with docs.open(encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            texts.append(passage_text(Article(id="", title=a.get("title", ""), body=a.get("body", ""))))
            if len(texts) == EMBED_SAMPLE:
                break
    encoder.passages(texts[:8])  # warm
    t0 = time.perf_counter()
    encoder.passages(texts)
    seconds = time.perf_counter() - t0
    tokens = sum(encoder.token_count(t) for t in texts) / len(texts)
    q_ms = []
    for q in queries:
        t1 = time.perf_counter()
        encoder.query(q.q)
        q_ms.append((time.perf_counter() - t1) * 1000)
    out = {
        "model": encoder.name,
        "passages_per_s": len(texts) / seconds,
        "tokens_per_passage": tokens,
        "query": measure.latency_summary(q_ms),
    }
    say(
        f"embedding ({encoder.name}): {out['passages_per_s']:.1f} passages/s ({len(texts)} passages of "
        f"{tokens:.0f} tokens on average), a query p50 {out['query']['p50_ms']:.1f} ms, "
        f"p95 {out['query']['p95_ms']:.1f} ms"
    )
    return out


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
    if opts.reuse and _holds(config, opts.size):
        say(f"reindex: skipped (--reuse): the index already holds {opts.size} articles")
    else:
        out["reindex"] = _reindex(opts, name, config, docs, text_bytes, jvm, say)
    _measure_search(opts, name, config, queries, jvm, out, say)
    return out


def _holds(config: EngineConfig, size: int) -> bool:
    try:
        return SearchService(config).doc_count() == size
    except IndexUnavailable:
        return False


def _reindex(
    opts: BenchOptions,
    name: str,
    config: EngineConfig,
    docs: Path,
    text_bytes: int,
    jvm: measure.PeakSampler,
    say: Callable[[str], None],
) -> dict:
    extra = ["--full"]
    if name == "opensearch":
        extra += ["--shards", str(config.shards), "--replicas", str(config.replicas)]
    with jvm:
        seconds, peak, code = measure.run_sampled(
            [sys.executable, "-m", "indexer.cli", "reindex", str(docs), *_engine_args(config), *extra]
        )
    if code:
        raise RuntimeError(f"khabar reindex ({name}) failed with exit status {code}")
    r = {
        "seconds": seconds,
        "docs_per_s": opts.size / seconds,
        "mb_per_s": text_bytes / 1e6 / seconds,
        "peak_rss_mb": peak / 1e6,
        "jvm_peak_rss_mb": jvm.peak / 1e6,
        "index_mb": measure.index_size(config) / 1e6,
    }
    jvms = f" + JVMs {r['jvm_peak_rss_mb']:.0f} MB" if name == "opensearch" else ""
    say(
        f"reindex: {seconds:.1f} s, {r['docs_per_s']:.0f} docs/s, {r['mb_per_s']:.2f} MB/s, peak RSS "
        f"{r['peak_rss_mb']:.0f} MB (Python, all processes){jvms}, index {r['index_mb']:.0f} MB"
    )
    return r


def _measure_search(
    opts: BenchOptions,
    name: str,
    config: EngineConfig,
    queries: list[measure.Query],
    jvm: measure.PeakSampler,
    out: dict,
    say: Callable[[str], None],
) -> None:
    svc = SearchService(config)
    words_alone = SearchService(config, semantic=False)
    for q in queries[:10]:  # warm caches the way a running server has them
        svc.search(SearchRequest(q=q.q, filters=q.filters))
    state = svc.search(SearchRequest(q=queries[0].q)).meaning
    meaning_on = state is not None and state.on
    # Each query with and without the research desk (timeline + characteristic words), in
    # alternating order so that neither always finds the caches warmed by the other.
    by_kind: dict[str, list[float]] = {}
    research_ms: list[float] = []
    for i, q in enumerate(queries):
        for research in (False, True) if i % 2 == 0 else (True, False):
            req = SearchRequest(q=q.q, filters=q.filters, timeline=research, words=research)
            t0 = time.perf_counter()
            svc.search(req)
            ms = (time.perf_counter() - t0) * 1000
            (research_ms if research else by_kind.setdefault(q.kind, [])).append(ms)
    all_ms = [x for ms in by_kind.values() for x in ms]
    out["search"] = measure.latency_summary(all_ms)
    if meaning_on:
        # The same queries by words alone, alternating with the default (words and meaning),
        # once the words-alone service has seen them as the default one has (its own caches).
        for q in queries:
            words_alone.search(SearchRequest(q=q.q, filters=q.filters))
        lexical_ms, hybrid_ms = [], []
        for i, q in enumerate(queries):
            for alone in (False, True) if i % 2 else (True, False):
                req = SearchRequest(q=q.q, filters=q.filters)
                t0 = time.perf_counter()
                (words_alone if alone else svc).search(req)
                (lexical_ms if alone else hybrid_ms).append((time.perf_counter() - t0) * 1000)
        out["search_words_alone"] = measure.latency_summary(lexical_ms)
        out["search_hybrid_again"] = measure.latency_summary(hybrid_ms)
    out["search_by_kind"] = {k: measure.latency_summary(v) for k, v in by_kind.items()}
    out["search_research"] = measure.latency_summary(research_ms)
    s, rs = out["search"], out["search_research"]
    say(
        f"search (top 10 + all facets + snippets, {len(queries)} queries): p50 {s['p50_ms']:.1f} ms, "
        f"p95 {s['p95_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms"
    )
    for kind, v in out["search_by_kind"].items():
        say(f"  {kind:12s} p50 {v['p50_ms']:7.1f} ms  p95 {v['p95_ms']:7.1f} ms  p99 {v['p99_ms']:7.1f} ms")
    if meaning_on:
        lx, hy = out["search_words_alone"], out["search_hybrid_again"]
        say(
            f"  words and meaning (default) p50 {hy['p50_ms']:.1f} / p95 {hy['p95_ms']:.1f} ms against "
            f"words alone p50 {lx['p50_ms']:.1f} / p95 {lx['p95_ms']:.1f} ms "
            f"(+{hy['p95_ms'] - lx['p95_ms']:.1f} ms at p95)"
        )
        if name == "whoosh":
            mb = out["vector_mb"] = measure.vectors_size(config) / 1e6
            say(
                f"  vectors: {mb:.0f} MB with their int8 copy, memory-mapped ({mb / opts.size * 1e5:.0f} MB "
                "per 100,000 articles)"
            )
    say(
        f"search + timeline + characteristic words: p50 {rs['p50_ms']:.1f} ms, p95 {rs['p95_ms']:.1f} ms "
        f"(+{rs['p95_ms'] - s['p95_ms']:.1f} ms), p99 {rs['p99_ms']:.1f} ms"
    )
    out["export"] = _export(svc, opts.size)
    x = out["export"]
    say(
        f"export (CSV, every article up to {x['articles']}): {x['articles_per_s']:.0f} articles/s, "
        f"memory +{x['rss_growth_mb']:.0f} MB over {x['rss_before_mb']:.0f} MB"
    )

    if opts.http_seconds > 0:
        with jvm:
            variants = measure.http_load(
                _engine_args(config), queries, opts.http_clients, opts.http_seconds, jvm.pids,
                None if meaning_on else [v for v in measure.HTTP_VARIANTS if not v[3]],
            )  # fmt: skip
        out["http_variants"] = variants
        out["http"] = {**variants["json"], "jvm_peak_rss_mb": jvm.peak / 1e6}
        say(
            f"http: one client asking the {len(queries)} queries once (p50 / p95 / p99 ms), then "
            f"{opts.http_clients} clients for {opts.http_seconds:.0f} s (requests/s, CPU ms per request):"
        )
        for name, h in variants.items():
            one = h["one_client"]
            cpu = ", ".join(f"{k} {v:.1f}" for k, v in h["cpu_ms_per_request"].items())
            say(
                f"  {name:24s} {one['p50_ms']:6.1f} / {one['p95_ms']:6.1f} / {one['p99_ms']:6.1f} ms   "
                f"{h['requests_per_s']:5.1f} requests/s, {h['errors']} errors   CPU {cpu}"
            )
            for reason, n in h["error_reasons"].items():
                say(f"    {n} x {reason}")
        steps = variants["json"]["one_client"]["steps_ms"]
        say(
            "  where the JSON's time goes (Server-Timing, mean ms): "
            + ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
        )


def _export(svc: SearchService, size: int) -> dict:
    """CSV of every article (the largest export there is), to nowhere: articles/s and how much
    the process grew while streaming it (flat memory means a few MB, whatever the size)."""
    import os

    from indexer.export import LIMIT, chunks

    limit = min(size, LIMIT)
    before = measure.tree_rss(os.getpid())
    sampler = measure.PeakSampler([os.getpid()])
    t0 = time.perf_counter()
    with sampler:
        total, articles = svc.export(SearchRequest(q=""), limit)
        written = 0
        for chunk in chunks("csv", articles):
            written += len(chunk)
    seconds = time.perf_counter() - t0
    n = min(total, limit)
    return {
        "articles": n,
        "seconds": seconds,
        "articles_per_s": n / seconds,
        "mb": written / 1e6,
        "rss_before_mb": before / 1e6,
        "rss_growth_mb": max(sampler.peak - before, 0) / 1e6,
    }


def _side_by_side(engines: dict, say: Callable[[str], None]) -> None:
    o, w = engines["opensearch"], engines["whoosh"]
    rows = []
    if "reindex" in o and "reindex" in w:  # (not with --reuse)
        rows += [
            ("reindex docs/s", o["reindex"]["docs_per_s"], w["reindex"]["docs_per_s"], "{:.0f}"),
            ("peak memory MB (Python + JVMs)", o["reindex"]["peak_rss_mb"] + o["reindex"]["jvm_peak_rss_mb"],
             w["reindex"]["peak_rss_mb"], "{:.0f}"),
        ]  # fmt: skip
    rows += [
        ("search p50 ms", o["search"]["p50_ms"], w["search"]["p50_ms"], "{:.1f}"),
        ("search p95 ms", o["search"]["p95_ms"], w["search"]["p95_ms"], "{:.1f}"),
        ("search p99 ms", o["search"]["p99_ms"], w["search"]["p99_ms"], "{:.1f}"),
        ("+ timeline and words p95 ms", o["search_research"]["p95_ms"], w["search_research"]["p95_ms"],
         "{:.1f}"),
        *([("words alone p95 ms", o["search_words_alone"]["p95_ms"], w["search_words_alone"]["p95_ms"],
            "{:.1f}")] if "search_words_alone" in o and "search_words_alone" in w else []),
        ("export articles/s", o["export"]["articles_per_s"], w["export"]["articles_per_s"], "{:.0f}"),
    ]  # fmt: skip
    if "http" in o and "http" in w:
        rows += [
            ("HTTP requests/s", o["http"]["requests_per_s"], w["http"]["requests_per_s"], "{:.1f}"),
            ("HTTP errors", o["http"]["errors"], w["http"]["errors"], "{:.0f}"),
        ]
    say("side by side:            opensearch      whoosh")
    for label, a, b, fmt in rows:
        say(f"  {label:30s} {fmt.format(a):>10s}  {fmt.format(b):>10s}")

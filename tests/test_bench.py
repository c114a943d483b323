"""`khabar bench` at a small size: it runs and prints every figure (no timing is asserted)."""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections import Counter
from pathlib import Path

import pytest

from indexer.benchmark import corpus
from indexer.benchmark.measure import ServerURL, _one_variant, percentile, query_mix
from indexer.cli import main
from tests.conftest import CORPUS, SEEDS

KINDS = {
    *("one word", "two words", "three words", "phrase", "romanised", "filtered", "broad"),
    *("misspelt", "long word"),
}


def test_generator_is_deterministic_and_shaped() -> None:
    material = corpus.gather([SEEDS, CORPUS])
    assert material.ok
    a = list(corpus.articles(material, 50, seed=1))
    assert a == list(corpus.articles(material, 50, seed=1))
    assert a != list(corpus.articles(material, 50, seed=2))
    headlines = {h for h, _ in material.headlines}
    for art in a:
        assert art["title"] in headlines
        assert "2015-01-01" <= art["date"][:10] <= "2025-12-31"
        assert len(art["body"]) >= 8 * corpus.MIN_SENTENCE
    assert len({x["source"] for x in a}) > 3 and len({x["author"] for x in a}) > 3


def test_query_mix_has_every_kind() -> None:
    mix = query_mix(corpus.gather([SEEDS, CORPUS]), 100)
    assert len(mix) == 100 and {q.kind for q in mix} == KINDS
    assert all(q.filters for q in mix if q.kind == "filtered")


def test_percentile() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([5], 99) == 5 and percentile([], 50) == 0.0


def test_bench_runs_and_prints_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    args = ["bench", str(SEEDS), str(CORPUS), "--size", "150", "--queries", "20", "--http-seconds", "1",
            "--clients", "2", "--work", str(tmp_path), "--report", str(report)]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    for figure in ("docs/s", "MB/s", "peak RSS", "index", "p50", "p95", "p99", "requests/s", "stock Whoosh",
                   "SQLite FTS5", "ratio", "timeline + characteristic words", "articles/s",
                   "CPU ms per request"):  # fmt: skip
        assert figure in out, figure
    data = json.loads(report.read_text())
    assert data["reindex"]["docs_per_s"] > 0 and data["http"]["errors"] == 0
    assert set(data["search_by_kind"]) == KINDS
    assert data["export"]["articles"] == 150 and data["export"]["articles_per_s"] > 0
    assert data["search_research"]["p50_ms"] > 0
    assert data["http"]["cpu_ms_per_request"]["web server"] > 0
    # The page, its JSON and the JSON without the desk (meaning is off here: no "words alone"),
    # each with one client's latency and the steps its Server-Timing header reported.
    variants = data["http_variants"]
    assert list(variants) == ["page", "json", "json timeline=0&words=0"]
    for v in variants.values():
        assert v["errors"] == 0 and v["requests"] > 0 and v["one_client"]["p50_ms"] > 0
        assert v["cpu_ms_per_request"]["embedding"] == 0.0
        assert {"match", "present", "desk", "render"} <= set(v["one_client"]["steps_ms"])
    assert (
        variants["json timeline=0&words=0"]["one_client"]["steps_ms"]["desk"]
        < (variants["json"]["one_client"]["steps_ms"]["desk"])
    )


def test_bench_makes_its_work_folder_or_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "new" / "work"
    assert main(["bench", str(SEEDS), "--size", "20", "--queries", "5", "--http-seconds", "0",
                 "--no-peers", "--work", str(work)]) == 0  # fmt: skip
    assert work.is_dir() and "report:" in capsys.readouterr().out
    (tmp_path / "file").write_text("x")
    assert main(["bench", str(SEEDS), "--size", "20", "--work", str(tmp_path / "file" / "w")]) == 2
    assert "cannot use" in capsys.readouterr().err


def test_bench_skips_without_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", str(tmp_path / "missing"), "--size", "10"]) == 0
    assert "skipped" in capsys.readouterr().err


def test_stock_whoosh_runs_without_khabars_corrections(tmp_path: Path) -> None:
    """The peer ran in the bench's own process, after Khabar's engine had patched Whoosh's
    internals (issue 18): it now runs in a fresh interpreter, which refuses to measure otherwise."""
    import subprocess
    import sys

    from indexer.engines.whoosh import stock

    docs = tmp_path / "d.jsonl"
    docs.write_text(json.dumps({"id": "a", "title": "रूस", "body": "रूस भारत", "category": "x"}) + "\n")
    assert stock.in_own_process("index", str(docs), str(tmp_path / "ix")) > 0
    (tmp_path / "q.json").write_text('["रूस", "भारत"]', encoding="utf-8")
    assert len(stock.in_own_process("search", str(tmp_path / "ix"), str(tmp_path / "q.json"))) == 2  # type: ignore[arg-type]
    patched = (
        "import runpy, indexer.engines.whoosh.fixes\n"
        "runpy.run_module('indexer.engines.whoosh.stock', run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", patched, "index", str(docs), str(tmp_path / "ix2")],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode != 0 and "without Khabar's corrections" in done.stderr


def test_each_variant_is_timed_warm() -> None:
    """Every URL of a variant is asked once before the one-client pass times it: otherwise the
    first variant a server serves (and the server with meaning off) would be timed cold and
    the others warm, and their latencies would not compare."""
    seen: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = b"{}"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = ServerURL(f"http://127.0.0.1:{server.server_address[1]}")
        base.pid = os.getpid()
        urls = [f"{base}/api/search?q=q{n}" for n in range(23)]
        result = _one_variant(base, urls, 1, 0.0, [])
    finally:
        server.shutdown()
        server.server_close()
    paths = [u[len(base) :] for u in urls]
    assert seen[: len(urls)] == paths  # the warm pass: every query once
    assert seen[len(urls) : 2 * len(urls)] == paths  # then the timed pass, each once more
    assert Counter(seen[: 2 * len(urls)]) == Counter({p: 2 for p in paths})
    assert result["one_client"]["p50_ms"] > 0 and result["errors"] == 0

"""A running server keeps answering while the index is rebuilt under it, and follows each new
generation without a restart; a reindex that cannot write leaves the served index alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from indexer import build
from indexer.benchmark.measure import serving
from indexer.build import reindex
from indexer.cli import main
from indexer.engines.whoosh import store
from tests.conftest import CORPUS, write


def test_requests_during_reindex_loops_all_succeed(tmp_path: Path) -> None:
    ix, extra = tmp_path / "ix", tmp_path / "extra"
    write(extra, "a.txt", "पेंगुइन विशेष\nअंटार्कटिका में पेंगुइन की गिनती हुई।\n")
    reindex([CORPUS], ix)
    with serving(ix, "--workers", "2", ready=False) as base:
        stop = time.monotonic() + 60
        outcomes: list[tuple[int, int]] = []  # (status, total)
        failures: list[str] = []
        done = threading.Event()

        def hammer() -> None:
            url = f"{base}/api/search?q={quote('पेंगुइन')}"
            while not done.is_set() and time.monotonic() < stop:
                try:
                    with urllib.request.urlopen(url, timeout=20) as r:
                        outcomes.append((r.status, json.load(r)["total"]))
                except Exception as e:  # any failure at all is what this test looks for
                    failures.append(repr(e))

        clients = [threading.Thread(target=hammer) for _ in range(4)]
        for c in clients:
            c.start()
        for n in range(6):  # swap back and forth: with and without the extra article
            reindex([CORPUS, extra] if n % 2 == 0 else [CORPUS], ix, full=True)
            time.sleep(0.3)
        time.sleep(0.5)
        done.set()
        for c in clients:
            c.join()
    assert not failures, failures[:3]
    assert len(outcomes) > 20 and {s for s, _ in outcomes} == {200}
    assert {t for _, t in outcomes} == {0, 1}  # the server followed the generations both ways


def test_disk_full_leaves_the_old_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    ix = tmp_path / "ix"
    assert main(["reindex", str(CORPUS), "--index", str(ix), "--full"]) == 0
    live = store.current_generation(ix)

    def full_disk(a):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "to_document", full_disk)
    assert main(["reindex", str(CORPUS), "--index", str(ix), "--full", "--wait"]) == 1
    err = capsys.readouterr().err
    assert "cannot write the index" in err and "No space left on device" in err and "unchanged" in err
    assert store.current_generation(ix) == live
    assert sorted(p.name for p in ix.iterdir() if p.is_dir()) == [live]


def test_load_test_tool_runs(corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The opt-in load test (tools/loadtest.py), briefly: it runs, stops by itself, reports."""
    from tools.loadtest import main as loadtest

    assert loadtest([str(corpus_index), "--clients", "2", "--seconds", "2", "--max-requests", "200"]) == 0
    out = capsys.readouterr().out
    assert "0 errors" in out and "p99" in out and "server memory" in out
    assert "heap over the second half" in out


def test_tree_memory_counts_a_childs_heap() -> None:
    """PSS of a process tree: a child that allocates 200 MB shows up as heap, not as files."""
    from indexer.benchmark.measure import tree_memory

    # Touch every page so the 200 MB is resident, then say so and wait.
    code = "import time; b = bytearray(200_000_000); b[::4096] = b'x' * 48829; print(1, flush=True); " + (
        "time.sleep(30)"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {code!r}])"],
        stdout=subprocess.PIPE,
        start_new_session=True,  # one process group: the cleanup below kills the grandchild too
    )
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == b"1"
        m = tree_memory(parent.pid)
        assert 200e6 <= m.anon < 300e6
        assert m.file > 0 and m.total == m.anon + m.file
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()


@pytest.mark.parametrize(
    ("heap_mb", "verdict"),
    [([200] + [430, 435, 434, 436, 437] * 5, "flat"), ([200 + 20 * n for n in range(26)], "GROWING")],
)
def test_memory_verdict_reads_the_second_half(
    heap_mb: list[int], verdict: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Caches filling at the start are not growth; a heap still climbing at the end is."""
    from indexer.benchmark.measure import Memory
    from tools.loadtest import report_memory

    samples = [(float(t), Memory(mb * 1_000_000, 50_000_000)) for t, mb in enumerate(heap_mb)]
    assert report_memory(samples) is (verdict == "flat")
    assert f": {verdict} (" in capsys.readouterr().out
    assert report_memory(samples[:5])  # too short a run is not judged
    assert "too short to judge" in capsys.readouterr().out

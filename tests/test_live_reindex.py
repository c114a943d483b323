"""A running server keeps answering while the index is rebuilt under it, and follows each new
generation without a restart; a reindex that cannot write leaves the served index alone."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from indexer.benchmark.measure import serving
from indexer.build import reindex
from indexer.cli import main
from indexer.engines.whoosh import store
from indexer.ingest import Article, read_corpus
from indexer.search import SearchRequest, SearchService
from tests.conftest import CORPUS, REPO, write


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


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB file system (tmpfs): writes past it fail with ENOSPC, as on a full disk."""
    where = tmp_path / "disk"
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a size-limited tmpfs needs root to mount (CI runs as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(disk: Path, leave_kb: int) -> None:
    (disk / "filler").unlink(missing_ok=True)
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize - leave_kb * 1024
    if free > 0:
        with (disk / "filler").open("wb") as fh:
            fh.write(b"\0" * free)


def test_a_full_disk_leaves_the_old_index(small_disk: Path) -> None:
    """With a little less or more room each time, a reindex either publishes a whole index or
    fails with a clear message (no traceback), the served index whole and nothing left behind."""
    ix, changed = small_disk / "ix", small_disk.parent / "corpus"  # the corpus is not on the small disk
    shutil.copytree(CORPUS, changed)
    assert main(["reindex", str(CORPUS), "--index", str(ix)]) == 0
    outcomes = []
    for leave_kb in (0, 32, 64, 128, 160, 192, 256, 512):
        for extra in (["--full"], []):
            if not extra:  # an incremental reindex needs a changed file to write anything
                write(changed, "नया/a.txt", f"नई ख़बर {leave_kb}\nपेंगुइन की गिनती {leave_kb}।\n")
            _fill(small_disk, leave_kb)
            source = str(changed if not extra else CORPUS)
            live = store.current_generation(ix)
            done = subprocess.run(
                [sys.executable, "-m", "indexer.cli", "reindex", source, "--index", str(ix), *extra],
                capture_output=True, text=True, timeout=120, cwd=REPO,
            )  # fmt: skip
            now = store.current_generation(ix)
            assert "Traceback" not in done.stderr, done.stderr
            assert now is not None and store.check(ix / now) is None  # the served index is whole
            if done.returncode == 0:
                assert now != live
            else:
                assert done.returncode == 1 and "No space left on device" in done.stderr, done.stderr
                assert "previous index is unchanged" in done.stderr and now == live
                gens = sorted(p.name for p in ix.iterdir() if p.is_dir())
                assert gens[-1] == live  # the half-built generation is gone
            outcomes.append(done.returncode)
            (small_disk / "filler").unlink(missing_ok=True)
    assert 0 in outcomes and 1 in outcomes, outcomes  # the sweep saw both sides of the edge
    _, every = SearchService(ix).export(SearchRequest(q=""), 100)
    served = {a.id for a in every}  # the whole corpus, with the added article or without it
    corpus = {a.id for a in read_corpus([CORPUS]) if isinstance(a, Article)}
    assert served in (corpus, corpus | {"नया/a"}) and len(corpus) == 9
    assert [h.id for h in SearchService(ix).search(SearchRequest(q="रूस")).hits] == ["wire-1"]


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


@pytest.mark.parametrize(
    ("point", "message"),
    [
        # One writing process fails: Whoosh commits without its segment, silently; the reindex
        # counts the articles before it publishes.
        ("subwriter", "the new index is not whole (it holds"),
        # Every writing process fails: the reindex used to wait forever to hand them jobs.
        ("subwriters", "every writing process has stopped"),
    ],
)
def test_a_failed_writing_process_never_publishes_a_partial_index(
    tmp_path: Path, point: str, message: str
) -> None:
    corpus = tmp_path / "many.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:  # enough jobs (200 articles each) to fill the queue
        for i in range(3000):
            fh.write(json.dumps({"id": f"m{i}", "title": f"ख़बर {i}", "body": "किसान आंदोलन जारी रहा।"}) + "\n")
    ix = tmp_path / "ix"
    reindex([corpus], ix)
    live = store.current_generation(ix)
    done = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "reindex", str(corpus), "--index", str(ix), "--full"],
        env={**os.environ, "KHABAR_CRASHPOINT": point}, capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "a writing process failed: OSError" in done.stderr
    assert store.current_generation(ix) == live
    assert sorted(p.name for p in ix.iterdir() if p.is_dir()) == [live]
    assert SearchService(ix).doc_count() == 3000

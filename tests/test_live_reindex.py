"""A running server keeps answering while the index is rebuilt under it, and follows each new
generation without a restart; a reindex that cannot write leaves the served index alone."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from indexer import build, store
from indexer.benchmark.measure import serving
from indexer.build import reindex
from indexer.cli import main
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

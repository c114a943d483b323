"""A reindex killed (SIGKILL) at any moment leaves the served index whole, and the next one works.

Each test runs `khabar reindex` in a process of its own with KHABAR_CRASHPOINT set, so that it
stops at a named point of the build (see store.crashpoint), kills it there, and checks the index.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from indexer import store
from indexer.build import Progress, reindex
from indexer.search import SearchRequest, SearchService
from tests.conftest import CORPUS, reindex_paused_at, write

POINTS = ["read", "write", "commit", "committed", "swap"]


def _kill_at(point: str, corpus: Path, index_dir: Path, *extra: str) -> None:
    with reindex_paused_at(point, corpus, index_dir, *extra):
        pass  # leaving the block kills it there


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("mode", ["full", "incremental"])
def test_kill_at_each_point_leaves_the_old_index(
    tmp_path: Path, corpus_copy: Path, point: str, mode: str
) -> None:
    ix = tmp_path / "ix"
    reindex([corpus_copy], ix)
    live = store.current_generation(ix)
    write(corpus_copy, "नया/extra.txt", "अतिरिक्त ख़बर\nपेंगुइन की नई ख़बर।\n")
    _kill_at(point, corpus_copy, ix, *(["--full"] if mode == "full" else []))

    assert store.current_generation(ix) == live  # the served generation did not change
    svc = SearchService(ix)
    assert svc.doc_count() == 9 and svc.search(SearchRequest(q="पेंगुइन")).total == 0
    assert svc.search(SearchRequest(q="कोहली")).total == 1

    again = reindex([corpus_copy], ix)  # no stale lock, no leftover in the way
    assert again.published and SearchService(ix).search(SearchRequest(q="पेंगुइन")).total == 1
    gens = sorted(p.name for p in ix.iterdir() if p.is_dir())
    assert len(gens) <= 2 and store.current_generation(ix) == gens[-1]


def test_second_reindex_waits_with_wait(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    with reindex_paused_at("read", CORPUS, ix) as first:
        with pytest.raises(store.ReindexRunning, match=f"pid {first.pid}"):
            reindex([CORPUS], ix)
        waited: list[str] = []

        class Note(Progress):
            def waiting(self, holder: str) -> None:
                waited.append(holder)
                os.killpg(first.pid, signal.SIGKILL)  # the running one ends (here: dies)

        assert reindex([CORPUS], ix, wait=True, progress=Note()).published
        assert waited == [str(first.pid)]


def test_lock_of_a_killed_reindex_does_not_block(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    _kill_at("read", CORPUS, ix)
    assert (ix / store.LOCK).exists()  # the killed process left its lock file behind...
    assert reindex([CORPUS], ix).published  # ...but not the lock itself

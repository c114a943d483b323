"""Shared fixtures: the small hand-written corpus in tests/fixtures/corpus and an index of it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer.build import reindex
from indexer.search import SearchService

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
REPO = Path(__file__).parent.parent
SEEDS = REPO / "seeds"

# What tests/fixtures/corpus holds, for assertions.
CORPUS_ARTICLES = 9


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("index")
    report = reindex([CORPUS], index_dir)
    assert report.indexed == CORPUS_ARTICLES, report.problems
    return index_dir


@pytest.fixture(scope="session")
def service(corpus_index: Path) -> SearchService:
    return SearchService(corpus_index)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture corpus, for tests that add bad files to it."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@contextmanager
def reindex_paused_at(point: str, corpus: Path, index_dir: Path, *extra: str) -> Iterator[subprocess.Popen]:
    """A `khabar reindex` in a process of its own, stopped at a crash point (indexer.crashpoints)
    and so holding the reindex lock; killed with SIGKILL, writing processes and all, at exit."""
    env = {**os.environ, "KHABAR_CRASHPOINT": point}
    cmd = [sys.executable, "-m", "indexer.cli", "reindex", str(corpus), "--index", str(index_dir), *extra]
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while f"crashpoint {point}" not in line:
            line = proc.stderr.readline() if proc.stderr else ""
            assert proc.poll() is None and time.monotonic() < deadline, f"the reindex never reached {point}"
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

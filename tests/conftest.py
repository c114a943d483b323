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
from indexer.engines.config import ENGINES, EngineConfig
from indexer.search import SearchService
from tests.opensearch_cluster import opensearch_cluster_fixture  # noqa: F401 - a pytest fixture

# Search by meaning embeds every article at reindex (about 30 a second): the tests that are not
# about it index without it, as before; tests/test_meaning.py turns it on where it is tested.
os.environ.setdefault("KHABAR_SEMANTIC", "0")

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


class Indexes:
    """Builds indexes of test corpora in one engine: folders for Whoosh, indexes (with their
    own names) in the session's cluster for OpenSearch, deleted when the session ends."""

    def __init__(self, engine: str, tmp: pytest.TempPathFactory, urls: tuple[str, ...] = ()) -> None:
        self.engine = engine
        self.tmp = tmp
        self.urls = urls
        self.names: list[str] = []

    def config(self, name: str | None = None, **kw: object) -> EngineConfig:
        if self.engine == "whoosh":
            return EngineConfig(index_dir=self.tmp.mktemp(name or "ix"))
        name = f"test-{len(self.names)}-{name or 'ix'}".lower()
        self.names.append(name)
        # Two shards: totals, facets and scores must hold across shards (scores: dfs_query_then_fetch);
        # a replica each: a test that kills a node leaves every index whole.
        return EngineConfig(
            engine="opensearch", opensearch_urls=self.urls, opensearch_index=name, shards=2, replicas=1, **kw
        )  # type: ignore[arg-type]

    def build(self, paths: list[Path], name: str | None = None, **kw: object) -> EngineConfig:
        config = self.config(name)
        reindex(paths, config, **kw)  # type: ignore[arg-type]
        return config

    def cleanup(self) -> None:
        if self.engine == "opensearch" and self.names:
            from indexer.engines.opensearch.connection import make_client

            client = make_client(EngineConfig(engine="opensearch", opensearch_urls=self.urls))
            for name in self.names:
                client.indices.delete(index=f"{name}-*", params={"ignore_unavailable": "true"})


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each engine in turn: the service-level tests run against both."""
    return request.param


@pytest.fixture(scope="session")
def indexes(engine: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Indexes:
    urls: tuple[str, ...] = ()
    if engine == "opensearch":
        cluster = request.getfixturevalue("opensearch_cluster")
        urls = tuple(cluster.urls)
    made = Indexes(engine, tmp_path_factory, urls)
    request.addfinalizer(made.cleanup)
    return made


@pytest.fixture(scope="session")
def corpus_config(indexes: Indexes) -> EngineConfig:
    """The fixture corpus, indexed in each engine."""
    return indexes.build([CORPUS], "corpus")


@pytest.fixture(scope="session")
def service(corpus_config: EngineConfig) -> SearchService:
    return SearchService(corpus_config)


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

"""Shared fixtures: the small hand-written corpus in tests/fixtures/corpus and an index of it."""

from __future__ import annotations

import shutil
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

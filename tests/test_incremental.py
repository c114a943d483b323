"""Incremental reindexes (issue 18, cases 9-11): after any sequence of edits the index equals a
full rebuild of the same files; every edit is seen; --strict means the same on every path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

from indexer.build import StrictFailure, reindex
from indexer.engines import open_engine
from indexer.engines.config import EngineConfig
from indexer.patterns import Budget
from indexer.search import SearchRequest, SearchService
from tests.conftest import REPO, Indexes, write
from tests.test_characteristic import kept


def articles(config: EngineConfig | Path) -> dict[str, tuple[str, ...]]:
    """Every article of an index, as stored."""
    _, found = SearchService(config).export(SearchRequest(q=""), 10**6)
    return {a.id: (a.title, a.body, a.category, a.date, a.source, tuple(a.tags)) for a in found}


def written(config: EngineConfig | Path) -> list[tuple[str, str]]:
    """The words the index's articles write (what patterns are matched against)."""
    pairs, complete = open_engine(config).snapshot().written_words("*", 10**6, Budget())
    assert complete
    return pairs


def test_a_duplicate_id_comes_back_when_its_first_file_goes(tmp_path: Path, indexes: Indexes) -> None:
    """a.txt and b.jsonl both hold id dup; a.txt is read first and wins. When it is deleted, b's
    dup must take its place (it was gone until --full before issue 18)."""
    corpus = tmp_path / "c"
    write(corpus, "a.txt", "---\nid: dup\n---\nपहली ख़बर\nरूस के बारे में।\n")
    lines = [
        {"id": "dup", "title": "दूसरी ख़बर", "body": "यूक्रेन के बारे में।"},
        {"id": "other", "title": "तीसरी", "body": "भारत।"},
    ]
    write(corpus, "b.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines))
    config = indexes.config("dup")
    first = reindex([corpus], config)
    assert first.indexed == 2 and articles(config)["dup"][0] == "पहली ख़बर"
    (corpus / "a.txt").unlink()
    again = reindex([corpus], config)
    assert again.incremental and articles(config)["dup"][0] == "दूसरी ख़बर"
    assert set(articles(config)) == {"dup", "other"}
    # And back: a.txt returns and takes its id again, as a full rebuild would give it.
    write(corpus, "a.txt", "---\nid: dup\n---\nपहली ख़बर\nरूस के बारे में।\n")
    reindex([corpus], config)
    assert articles(config)["dup"][0] == "पहली ख़बर"
    full = indexes.config("dup-full")
    reindex([corpus], full)
    assert articles(config) == articles(full) and written(config) == written(full)


# -- a property: any sequence of edits, then the same index as a full rebuild -----------------------

IDS = ["x", "y", None]  # few, so that files hold the same ones; None: from the file and line
WORDS = ["किसान", "किसानों", "बच्चे", "बच्चा", "रूस", "नीति", "नीतियों", "महिलाओं", "बाजार"]
NAMES = ["a.txt", "b.jsonl", "m/c.jsonl", "m/d.txt"]

record = st.fixed_dictionaries(
    {
        "id": st.sampled_from(IDS),
        "title": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
        "body": st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
        "category": st.sampled_from(["खेल", "राजनीति", ""]),
    }
)


def _apply(corpus: Path, kind: str, name: str, records: list[dict]) -> None:
    path = corpus / name
    if kind == "delete":
        path.unlink(missing_ok=True)
        return
    if name.endswith(".txt"):
        r = records[0]
        head = f"---\nid: {r['id']}\ncategory: {r['category']}\n---\n" if r["id"] else ""
        write(corpus, name, f"{head}{r['title']}\n{r['body']}\n")
    else:
        lines = [{k: v for k, v in r.items() if v is not None} for r in records]
        write(corpus, name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines))


class EditsThenReindex(RuleBasedStateMachine):
    """Files written, rewritten and deleted, a reindex after some of the edits: after every one,
    the index must be the one a full rebuild of the same files makes."""

    indexes: Indexes
    tmp: pytest.TempPathFactory

    def __init__(self) -> None:
        super().__init__()
        self.corpus = self.tmp.mktemp("edits")
        write(self.corpus, "seed.jsonl", json.dumps({"id": "seed", "title": "आधार", "body": "किसान"}) + "\n")
        self.config = self.indexes.config("edits")
        reindex([self.corpus], self.config)
        self.edits: list[tuple] = []

    @rule(name=st.sampled_from(NAMES), records=st.lists(record, min_size=1, max_size=3))
    def write_file(self, name: str, records: list[dict]) -> None:
        _apply(self.corpus, "write", name, records)
        self.edits.append(("write", name, [r["id"] for r in records]))

    @rule(name=st.sampled_from(NAMES))
    def delete_file(self, name: str) -> None:
        _apply(self.corpus, "delete", name, [])
        self.edits.append(("delete", name))

    @rule()
    def reindex_and_compare(self) -> None:
        report = reindex([self.corpus], self.config)
        assert report.up_to_date or report.incremental, report.damaged
        full = self.indexes.config("edits-full")
        reindex([self.corpus], full)
        assert articles(self.config) == articles(full), self.edits
        assert written(self.config) == written(full), self.edits
        assert kept(self.config) == kept(full), self.edits


def test_incremental_reindexes_equal_a_full_rebuild(indexes: Indexes, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    EditsThenReindex.indexes, EditsThenReindex.tmp = indexes, tmp_path_factory
    whoosh = indexes.engine == "whoosh"
    run_state_machine_as_test(
        EditsThenReindex,
        settings=settings(
            max_examples=40 if whoosh else 5,
            stateful_step_count=12 if whoosh else 8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )


# -- every edit is seen -----------------------------------------------------------------------------


def test_an_edit_that_keeps_size_and_times_is_seen(tmp_path: Path) -> None:
    """Same byte count, modification time set back (``touch -r``): the change time still moves."""
    corpus, ix = tmp_path / "c", tmp_path / "ix"
    path = write(corpus, "a.txt", "पहली ख़बर\nरूस के बारे में।\n")
    reindex([corpus], ix)
    st_before = path.stat()
    path.write_text("पहली ख़बर\nचीन के बारे में।\n", encoding="utf-8")  # रूस -> चीन: same bytes
    assert path.stat().st_size == st_before.st_size
    os.utime(path, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
    report = reindex([corpus], ix)
    assert not report.up_to_date and report.incremental and report.indexed == 1
    assert SearchService(ix).search(SearchRequest(q="चीन")).total == 1
    assert SearchService(ix).search(SearchRequest(q="रूस")).total == 0
    # Nothing changed at all: nothing is read.
    assert reindex([corpus], ix).up_to_date


# -- --strict means the same on every path -----------------------------------------------------------


def test_strict_weighs_the_problems_of_unchanged_files(tmp_path: Path) -> None:
    corpus, ix = tmp_path / "c", tmp_path / "ix"
    write(corpus, "good.txt", "ख़बर\nरूस के बारे में।\n")
    write(corpus, "bad.jsonl", '{"title": "ख़बर", "body": "भारत"}\n{broken\n')
    assert reindex([corpus], ix).warnings + reindex([corpus], ix, full=True).skipped >= 1
    with pytest.raises(StrictFailure):
        reindex([corpus], ix, strict=True, full=True)
    with pytest.raises(StrictFailure) as up_to_date:  # nothing read this time, the same answer
        reindex([corpus], ix, strict=True)
    assert [str(p) for p in up_to_date.value.standing] == [
        "bad.jsonl:2: invalid JSON: Expecting property name enclosed in double quotes at column 2 (skipped)"
    ]
    write(corpus, "more.txt", "और\nचीन।\n")
    with pytest.raises(StrictFailure):  # an incremental reindex of another file: the same
        reindex([corpus], ix, strict=True)
    write(corpus, "bad.jsonl", '{"title": "ख़बर", "body": "भारत"}\n')  # mended
    assert reindex([corpus], ix, strict=True).published


def test_strict_from_the_command_line_on_an_unchanged_corpus(tmp_path: Path) -> None:
    corpus, ix = tmp_path / "c", tmp_path / "ix"
    write(corpus, "bad.jsonl", '{"title": "ख़बर", "body": "भारत"}\n{broken\n')
    cmd = [sys.executable, "-m", "indexer.cli", "reindex", str(corpus), "--index", str(ix)]
    assert subprocess.run(cmd, cwd=REPO, capture_output=True).returncode == 0
    out = subprocess.run([*cmd, "--strict"], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 1, out.stdout
    assert "bad.jsonl:2: invalid JSON" in out.stderr and "recorded when it was indexed" in out.stderr
    assert "unchanged since they were indexed" in out.stderr

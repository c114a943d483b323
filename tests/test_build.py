"""Reindexing: a complete new generation swapped in atomically; failures leave the old index serving."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer import build
from indexer.build import NothingToIndex, StrictFailure, reindex
from indexer.engines.base import IndexUnavailable
from indexer.engines.whoosh import store
from indexer.search import SearchRequest, SearchService
from tests.conftest import CORPUS, reindex_paused_at, write


def gens(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir())


def test_reindex_publishes_a_generation(tmp_path: Path) -> None:
    report = reindex([CORPUS], tmp_path / "ix")
    assert report.published and report.indexed == 9 and report.problems == []
    assert store.current_generation(tmp_path / "ix") == report.generation == "g000001"
    assert SearchService(tmp_path / "ix").doc_count() == 9


def test_reindex_keeps_one_previous_generation(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    for _ in range(3):
        reindex([CORPUS], ix, full=True)
    assert gens(ix) == ["g000002", "g000003"]
    assert store.current_generation(ix) == "g000003"


def test_unchanged_corpus_writes_nothing(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    reindex([CORPUS], ix)
    again = reindex([CORPUS], ix)
    assert again.up_to_date and not again.published and again.indexed == 0
    assert gens(ix) == ["g000001"] and again.unchanged == 8


def test_incremental_reindex_reads_only_what_changed(corpus_copy: Path, tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    reindex([corpus_copy], ix)
    svc = SearchService(ix)
    # Change one file, add one, delete one; touch another without changing its bytes.
    write(corpus_copy, "खेल/cricket-final.txt", "---\ndate: 2021-04-21\n---\nनया शीर्षक\nबदला हुआ पाठ पेंगुइन।\n")
    write(corpus_copy, "नया/extra.txt", "अतिरिक्त ख़बर\nयह नई फ़ाइल है, पेंगुइन भी।\n")
    (corpus_copy / "खेल" / "hockey-bronze.txt").unlink()
    same = corpus_copy / "राजनीति" / "kisan-andolan.txt"
    os.utime(same, ns=(same.stat().st_atime_ns, same.stat().st_mtime_ns + 10**9))
    report = reindex([corpus_copy], ix)
    assert report.incremental and report.published
    assert report.indexed == 2 and report.unchanged == 6 and report.removed == 1  # 8 files before
    assert svc.doc_count() == 9 - 1 + 1  # one deleted, one added, one replaced
    ids = {h.id for h in svc.search(SearchRequest(q="पेंगुइन")).hits}
    assert ids == {"खेल/cricket-final", "नया/extra"}
    assert svc.article("खेल/hockey-bronze") is None
    assert svc.search(SearchRequest(q="कोहली")).total == 0  # the old text of the changed file is gone
    # The index now says exactly what a full rebuild says.
    full = tmp_path / "full"
    reindex([corpus_copy], full)
    everything = SearchRequest(q="", per_page=100)
    assert {(h.id, h.title, h.date) for h in svc.search(everything).hits} == {
        (h.id, h.title, h.date) for h in SearchService(full).search(everything).hits
    }
    assert (
        svc.search(everything).to_json()["facets"]
        == SearchService(full).search(everything).to_json()["facets"]
    )


def test_full_flag_and_changed_analysis_rebuild_everything(tmp_path: Path) -> None:
    from dataclasses import replace

    import tools.variants  # noqa: F401 - registers the analysis variants
    from indexer.analysis.pipeline import DEFAULT

    ix = tmp_path / "ix"
    reindex([CORPUS], ix)
    assert reindex([CORPUS], ix, full=True).indexed == 9
    other = replace(DEFAULT, stopwords="none")
    report = reindex([CORPUS], ix, analysis=other)
    assert report.indexed == 9 and not report.incremental


def test_duplicate_id_against_an_unchanged_file(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(corpus, "a.jsonl", '{"id": "x", "title": "एक", "body": "पाठ"}\n')
    reindex([corpus], tmp_path / "ix")
    write(corpus, "b.jsonl", '{"id": "x", "title": "दो", "body": "पाठ"}\n')
    report = reindex([corpus], tmp_path / "ix")
    assert report.indexed == 0 and "duplicate id 'x'" in report.problems[0].reason


def test_searches_follow_a_new_generation_without_restart(tmp_path: Path) -> None:
    ix, corpus = tmp_path / "ix", tmp_path / "c"
    write(corpus, "a.txt", "पहली ख़बर\nरूस के बारे में।\n")
    reindex([corpus], ix)
    svc = SearchService(ix)
    assert svc.search(SearchRequest(q="रूस")).total == 1
    write(corpus, "b.txt", "दूसरी ख़बर\nरूस और भारत।\n")
    reindex([corpus], ix)
    assert svc.search(SearchRequest(q="रूस")).total == 2


def test_failure_mid_build_leaves_the_old_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ix = tmp_path / "ix"
    reindex([CORPUS], ix)
    calls = {"n": 0}
    from indexer.engines.whoosh import writer

    real = writer.to_document

    def boom(a):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real(a)

    monkeypatch.setattr(writer, "to_document", boom)
    with pytest.raises(OSError):
        reindex([CORPUS], ix, full=True)
    assert store.current_generation(ix) == "g000001"
    assert gens(ix) == ["g000001"]  # the half-built generation is gone
    assert SearchService(ix).doc_count() == 9
    monkeypatch.undo()
    assert reindex([CORPUS], ix).up_to_date  # the old index is whole: nothing to do
    assert reindex([CORPUS], ix, full=True).published  # and the next rebuild works


def test_nothing_to_index_keeps_the_old_index(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    reindex([CORPUS], ix)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NothingToIndex):
        reindex([empty], ix)
    assert store.current_generation(ix) == "g000001"


def test_strict_refuses_to_publish_with_problems(corpus_copy: Path, tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    reindex([CORPUS], ix)
    write(corpus_copy, "bad.txt", b"\xff\xfe\x00garbage")
    with pytest.raises(StrictFailure):
        reindex([corpus_copy], ix, strict=True)
    assert store.current_generation(ix) == "g000001"
    report = reindex([corpus_copy], ix)  # without --strict: indexed, problem counted
    # Another folder holds these files: the old ones are removed, these read anew.
    assert report.published and report.indexed == 9 and report.removed == 8 and report.skipped == 1


def test_bad_date_is_indexed_without_a_date(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(corpus, "a.txt", "---\ndate: 31/02/2021\n---\nशीर्षक\nपाठ।\n")  # no 31 February
    report = reindex([corpus], tmp_path / "ix")
    assert report.indexed == 1 and report.warnings == 1 and report.skipped == 0
    hit = SearchService(tmp_path / "ix").search(SearchRequest(q="पाठ")).hits[0]
    assert hit.date == ""


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(
        corpus,
        "a.jsonl",
        '{"id": "x", "title": "एक", "body": "पाठ"}\n{"id": "x", "title": "दो", "body": "पाठ"}\n',
    )
    report = reindex([corpus], tmp_path / "ix")
    assert report.indexed == 1 and "duplicate id 'x'" in report.problems[0].reason


def test_a_second_reindex_is_refused_while_one_runs(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    with reindex_paused_at("read", CORPUS, ix) as running, pytest.raises(store.ReindexRunning) as refused:
        reindex([CORPUS], ix)
    assert f"pid {running.pid}" in str(refused.value)
    assert reindex([CORPUS], ix).published  # the lock goes with its holder


def test_leftover_generation_of_a_dead_reindex_is_cleared(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    reindex([CORPUS], ix)
    (ix / "g000002").mkdir()  # what a killed reindex leaves behind
    (ix / "g000002" / "junk").write_text("x")
    report = reindex([CORPUS], ix, full=True)
    assert report.generation == "g000002" and report.published
    assert gens(ix) == ["g000001", "g000002"]


def test_unwritable_index_place_raises_oserror(tmp_path: Path) -> None:
    # A file where the index folder should be cannot be written into, even by root.
    blocker = tmp_path / "ix"
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        reindex([CORPUS], blocker / "sub")


def test_missing_index_is_reported_clearly(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="khabar reindex"):
        SearchService(tmp_path / "nothing").search(SearchRequest(q="रूस"))


def test_manifest_round_trip(tmp_path: Path) -> None:
    """The manifest is written an entry at a time; it must read back exactly, odd names included."""
    from indexer import manifest

    m = manifest.Manifest(
        '{"format": 3}',
        {
            '/c/"quoted"|a': manifest.FileEntry(10, 1_700_000_000_123_456_789, "ab" * 32, ("a",)),
            "/c/खेल/हॉकी.txt|खेल/हॉकी": manifest.FileEntry(0, -1, "", ()),
            "/c/x\\y\n.jsonl|x": manifest.FileEntry(5, 7, "cd" * 32, ("w1", 'w"2', "वायर")),
            os.fsdecode(b"/c/caf\xe9.txt") + "|caf%E9": manifest.FileEntry(3, 4, "ef" * 32, ("caf%E9",)),
        },
    )
    manifest.save(tmp_path, m)
    assert manifest.load(tmp_path) == m
    manifest.save(tmp_path, manifest.Manifest("{}", {}))
    assert manifest.load(tmp_path) == manifest.Manifest("{}", {})


@pytest.mark.parametrize(
    "text",
    ['{"analysis": "a", "files": []}', '{"analysis": "a", "files": {"k": {"size": 1}}}', "[1, 2]", "{", ""],
)
def test_a_damaged_manifest_means_a_full_rebuild(tmp_path: Path, text: str) -> None:
    from indexer import manifest

    (tmp_path / manifest.NAME).write_text(text, encoding="utf-8")
    assert manifest.load(tmp_path) is None


# -- what used to corrupt an index or stop a reindex (issue 10) ----------------------------------


def index_ids(ix: Path) -> list[str]:
    """Every article id in the live generation, deleted documents left out, repeats kept."""
    return [i for i, _ in SearchService(ix).engine.snapshot().titles()]


def test_no_id_is_ever_in_the_index_twice(tmp_path: Path) -> None:
    """After a full reindex, an incremental one with edits, paths given twice or nested, and a
    record moving from one file to another, every id is there once."""
    c, ix = tmp_path / "c", tmp_path / "ix"
    write(c, "a.txt", "एक\nपहला लेख।\n")
    write(c, "sub/b.txt", "दो\nदूसरा लेख।\n")
    write(c, "w.jsonl", '{"id": "w1", "title": "तीन", "body": "तीसरा"}\n')

    def check(report: build.BuildReport, expected: set[str]) -> None:
        got = index_ids(ix)
        assert sorted(got) == sorted(expected) and len(got) == len(set(got)), report

    check(reindex([c, c], ix), {"a", "sub/b", "w1"})
    write(c, "a.txt", "एक\nपहला लेख, बदला हुआ।\n")
    check(reindex([c, c / "sub"], ix), {"a", "sub/b", "w1"})
    write(c, "sub/b.txt", "दो\nदूसरा लेख, बदला हुआ।\n")
    check(reindex([c / "sub", c], ix), {"a", "sub/b", "w1"})
    # The record w1 moves into a new file, and its old file changes.
    write(c, "w.jsonl", '{"id": "w2", "title": "चार", "body": "चौथा"}\n')
    write(c, "v.jsonl", '{"id": "w1", "title": "तीन", "body": "तीसरा"}\n')
    check(reindex([c], ix), {"a", "sub/b", "w1", "w2"})
    (c / "a.txt").unlink()
    check(reindex([c, c], ix), {"sub/b", "w1", "w2"})
    check(reindex([c], ix, full=True), {"sub/b", "w1", "w2"})


def test_a_file_name_that_is_not_utf8_survives_every_reindex(tmp_path: Path) -> None:
    c, ix = tmp_path / "c", tmp_path / "ix"
    bad = write(c, os.fsdecode(b"caf\xe9.txt"), "कैफ़े\nकॉफ़ी की दुकान।\n")
    write(c, "b.txt", "दो\nदूसरा लेख।\n")
    first = reindex([c], ix)
    assert first.published and first.indexed == 2
    assert reindex([c], ix).up_to_date  # the manifest read back its own name
    bad.write_text("कैफ़े\nकॉफ़ी की नई दुकान।\n", encoding="utf-8")
    again = reindex([c], ix)
    assert again.incremental and again.indexed == 1
    assert sorted(index_ids(ix)) == ["b", "caf%E9"]
    hit = SearchService(ix).search(SearchRequest(q="दुकान")).hits[0]
    assert hit.id == "caf%E9" and "नई" in hit.snippet


def whole(ix: Path) -> bool:
    """The index holds the fixture corpus, every article of it, and finds what it should."""
    svc = SearchService(ix)
    _, every = svc.export(SearchRequest(q=""), 100)
    found = svc.search(SearchRequest(q="रूस"))
    return len({a.id for a in every}) == 9 and [h.id for h in found.hits] == ["wire-1"]


def test_a_damaged_live_generation_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    """Search says "rebuild it with khabar reindex"; the reindex must not answer "up to date"."""
    ix = tmp_path / "ix"
    reindex([CORPUS], ix)
    live = ix / store.current_generation(ix)
    next(live.glob("*.seg")).unlink()
    with pytest.raises(IndexUnavailable, match="khabar reindex"):
        SearchService(ix).search(SearchRequest(q="रूस"))
    report = reindex([CORPUS], ix)
    assert report.published and not report.up_to_date and not report.incremental
    assert report.damaged and "not whole" in report.damaged
    assert whole(ix)


def test_a_generation_missing_articles_is_rebuilt(tmp_path: Path) -> None:
    from indexer import manifest

    ix = tmp_path / "ix"
    reindex([CORPUS], ix)
    live = ix / store.current_generation(ix)
    m = manifest.load(live)
    assert m is not None
    key = next(k for k, e in m.files.items() if e.ids)
    m.files[key] = m.files[key].with_ids([*m.files[key].ids, "ghost"])  # one more than the index holds
    manifest.save(live, m)
    report = reindex([CORPUS], ix)
    assert report.published and report.damaged and "holds 9 articles where 10" in report.damaged


@pytest.mark.parametrize("content", [b"\xff\xfe garbage", b"g00000x\n", b"../../etc\n", b"g000099\n", b""])
def test_a_garbage_current_file_is_reported_and_rebuilt(tmp_path: Path, content: bytes) -> None:
    ix = tmp_path / "ix"
    reindex([CORPUS], ix)
    (ix / "CURRENT").write_bytes(content)
    with pytest.raises(IndexUnavailable, match="khabar reindex ARTICLES --index"):
        SearchService(ix).search(SearchRequest(q="रूस"))
    report = reindex([CORPUS], ix)
    assert report.published and not report.incremental and report.damaged
    assert whole(ix)

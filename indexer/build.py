"""Build a complete index from corpus paths and swap it in when, and only when, it is complete."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer import manifest
from indexer.analysis.pipeline import DEFAULT, AnalysisOptions
from indexer.engines.base import IndexUnavailable
from indexer.engines.whoosh import store
from indexer.engines.whoosh.schema import to_document
from indexer.ingest import CorpusFile, discover, read_file
from indexer.records import Article, Problem

WRITER_LIMIT_MB = 256  # per writing process
MAX_PROCS = 4
BATCH = 200  # articles handed to a writing process at a time
PARALLEL_INCREMENT_BYTES = 32 * 1024 * 1024  # smaller increments are written by one process


class NothingToIndex(Exception):
    """The corpus gave no article; the live index is left as it was."""


class StrictFailure(Exception):
    """--strict was asked and the input had problems; the live index is left as it was."""


class IncompleteIndex(Exception):
    """The new generation does not hold the articles written to it; it is not published."""


@dataclass
class BuildReport:
    index_dir: Path
    generation: str = ""
    files: int = 0
    indexed: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    published: bool = False
    incremental: bool = False  # only added, changed and deleted files were read
    up_to_date: bool = False  # nothing had changed: no new generation
    unchanged: int = 0  # files left as they were indexed
    removed: int = 0  # files gone since the last reindex
    damaged: str | None = None  # why the live index could not be built on (it was rebuilt in full)

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.skipped)


class Progress:
    """Hooks a caller can override to show progress; the default shows nothing."""

    def start(self, total_bytes: int, files: int) -> None: ...

    def file_done(self, nbytes: int, indexed: int) -> None: ...

    def problem(self, problem: Problem) -> None: ...

    def waiting(self, holder: str) -> None: ...


def _size(cf: CorpusFile) -> int:
    try:
        return cf.path.stat().st_size
    except OSError:
        return 0


def reindex(
    paths: list[Path],
    index_dir: Path,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    analysis: AnalysisOptions = DEFAULT,
    procs: int | None = None,
    full: bool = False,
    wait: bool = False,
    clock: Callable[[], float] = time.perf_counter,
) -> BuildReport:
    """Bring ``index_dir`` in line with the articles under ``paths`` and publish the result.

    Only files added, changed (by content hash) or deleted since the live generation are read
    again; the new generation starts as a hard-linked copy of the live one. With ``full``, a
    changed analysis, or no live index, everything is rebuilt. Nothing changed: nothing is
    written. Raises store.ReindexRunning, NothingToIndex or StrictFailure; in every failure the
    previously live index keeps serving and the half-built generation is removed.
    """
    progress = progress or Progress()
    report = BuildReport(index_dir=index_dir)
    t0 = clock()
    # The writer makes millions of small objects that are never cyclic garbage; collecting
    # them costs a sixth of the time. The forked writing processes inherit the setting.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with store.reindex_lock(index_dir, wait=wait, on_wait=progress.waiting):
            return _reindex(paths, index_dir, strict, progress, analysis, procs, full, clock, report, t0)
    finally:
        if collecting:
            gc.enable()


def _reindex(
    paths: list[Path],
    index_dir: Path,
    strict: bool,
    progress: Progress,
    analysis: AnalysisOptions,
    procs: int | None,
    full: bool,
    clock: Callable[[], float],
    report: BuildReport,
    t0: float,
) -> BuildReport:
    """The body of ``reindex``: the caller holds the reindex lock."""

    def note(p: Problem) -> None:
        report.problems.append(p)
        progress.problem(p)

    store.prune(index_dir)  # leftovers of a reindex that died
    files: list[CorpusFile] = []
    for found in discover(paths):
        if isinstance(found, Problem):
            note(found)
        else:
            files.append(found)
    report.files = len(files)
    store.crashpoint("read")
    live, old = _live_manifest(index_dir, full, analysis, report)
    plan = manifest.plan(files, old)
    report.unchanged = len(plan.unchanged)
    if old is not None and not plan.changed and not plan.removed:
        report.up_to_date = True
        report.generation = live or ""
        report.seconds = clock() - t0
        return report
    todo = plan.changed
    sizes = [_size(cf) for cf in todo]
    progress.start(sum(sizes), len(todo))

    gen_path = store.new_generation(index_dir)
    report.generation = gen_path.name
    try:
        if old is None:
            ix = store.create_index(gen_path, analysis)
            writer = _writer(ix, procs)
        else:
            ix = store.copy_generation(index_dir / live, gen_path)
            big = sum(sizes) > PARALLEL_INCREMENT_BYTES
            writer = _writer(ix, procs if big else 1)
        try:
            seen = {i: key for key, entry in plan.unchanged.items() for i in entry.ids}
            for key in plan.replaced:
                for article_id in old.files[key].ids if old else ():
                    writer.delete_by_term("id", article_id)
            entries = dict(plan.unchanged)
            for cf, nbytes in zip(todo, sizes, strict=True):
                ids: list[str] = []
                for item in read_file(cf):
                    if isinstance(item, Problem):
                        note(item)
                    elif _first_time(item, seen, note):
                        writer.add_document(**to_document(item))
                        ids.append(item.id)
                report.indexed += len(ids)
                if report.indexed:
                    store.crashpoint("write")
                k = manifest.key(cf)
                entries[k] = plan.fingerprints[k].with_ids(ids)
                progress.file_done(nbytes, report.indexed)
            if not any(e.ids for e in entries.values()):
                raise NothingToIndex("no article could be read from " + ", ".join(map(str, paths)))
            if strict and report.problems:
                raise StrictFailure(f"{len(report.problems)} problem(s) in the input and --strict was given")
        except BaseException:
            writer.cancel()
            raise
        store.crashpoint("commit")
        writer.commit()
        store.crashpoint("committed")
        # Never publish a generation that lacks articles (a writing process that failed leaves
        # its segment out of Whoosh's commit without an error).
        damage = store.check(gen_path, articles=sum(len(e.ids) for e in entries.values()))
        if damage:
            raise IncompleteIndex(f"the new index is not whole ({damage})")
        report.removed = len(plan.removed)
        manifest.save(gen_path, manifest.Manifest(manifest.describe(analysis), entries))
        store.publish(index_dir, gen_path)
        report.published = True
        report.incremental = old is not None
    except BaseException:
        store.discard(gen_path)
        raise
    finally:
        report.seconds = clock() - t0
    return report


def _live_manifest(
    index_dir: Path, full: bool, analysis: AnalysisOptions, report: BuildReport
) -> tuple[str | None, manifest.Manifest | None]:
    """The live generation and the manifest to build on; no manifest (a full rebuild) when asked,
    when the analysis changed, or when the live generation is not whole: a reindex never trusts
    a manifest over a damaged index, so "rebuild it with khabar reindex" always works."""
    try:
        live = store.current_generation(index_dir)
    except IndexUnavailable as e:
        report.damaged = str(e).split("; rebuild")[0]  # the advice it gives is being followed
        return None, None
    if live is not None and not (index_dir / live).is_dir():
        report.damaged = f"{index_dir / store.CURRENT} names {live}, which is not there"
        return None, None
    if live is None or full:
        return live, None
    old = manifest.load(index_dir / live)
    if old is None or old.analysis != manifest.describe(analysis):
        return live, None  # no manifest, or another analysis: every article is analysed again
    damage = store.check(index_dir / live, articles=sum(len(e.ids) for e in old.files.values()))
    if damage:
        report.damaged = f"the live index {index_dir / live} is not whole ({damage})"
        return None, None
    return live, old


def _writer(ix: Any, procs: int | None) -> Any:
    """Whoosh's writer; with several processes each writes a segment of its own (no final merge)."""
    procs = procs if procs is not None else default_procs()
    if procs > 1:
        return ix.writer(procs=procs, multisegment=True, limitmb=WRITER_LIMIT_MB, batchsize=BATCH)
    return ix.writer(limitmb=WRITER_LIMIT_MB)


def default_procs() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_PROCS))


def _first_time(a: Article, seen: dict[str, str], note: Callable[[Problem], None]) -> bool:
    first = seen.get(a.id)
    if first is not None:
        note(Problem(a.origin, None, f"duplicate id {a.id!r} (first seen in {first})"))
        return False
    seen[a.id] = a.origin
    return True

"""Bring an index in line with the article files, through any engine, and publish the result
only when it is complete.

The engine-blind part of a reindex: find the files, compare them with the live generation's
manifest, read and check the articles, hand them to the engine's new generation, publish.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from indexer import manifest
from indexer.analysis.pipeline import DEFAULT, AnalysisOptions
from indexer.crashpoints import crashpoint
from indexer.engines import open_engine
from indexer.engines.base import Engine, IncompleteIndex
from indexer.engines.config import EngineConfig
from indexer.ingest import CorpusFile, discover, read_file
from indexer.records import Article, Problem

PARALLEL_INCREMENT_BYTES = 32 * 1024 * 1024  # smaller increments are written by one process

__all__ = ["BuildReport", "IncompleteIndex", "NothingToIndex", "Progress", "StrictFailure", "reindex"]


class NothingToIndex(Exception):
    """The corpus gave no article; the live index is left as it was."""


class StrictFailure(Exception):
    """--strict was asked and the input had problems; the live index is left as it was."""


@dataclass
class BuildReport:
    index_dir: Path | str  # the folder, or where in a cluster
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
    index: Path | EngineConfig | Engine,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    analysis: AnalysisOptions = DEFAULT,
    procs: int | None = None,
    full: bool = False,
    wait: bool = False,
    clock: Callable[[], float] = time.perf_counter,
) -> BuildReport:
    """Bring ``index`` (an index folder, or any engine) in line with the articles under ``paths``
    and publish the result.

    Only files added, changed (by content hash) or deleted since the live generation are read
    again; the new generation starts as a copy of the live one. With ``full``, a changed
    analysis, a live index that is not whole, or none, everything is rebuilt. Nothing changed:
    nothing is written. Raises ReindexRunning, NothingToIndex, StrictFailure or IncompleteIndex;
    in every failure the previously live index keeps serving and the half-built generation is
    removed. ``procs``: writing processes of the Whoosh engine (default: one per core, up to 4).
    """
    engine = open_engine(index) if isinstance(index, str | Path | EngineConfig) else index
    if procs is not None:
        engine.procs = procs  # type: ignore[attr-defined]
    progress = progress or Progress()
    report = BuildReport(index_dir=Path(index) if isinstance(index, str | Path) else engine.where)
    t0 = clock()
    # The writer makes millions of small objects that are never cyclic garbage; collecting
    # them costs a sixth of the time. The forked writing processes inherit the setting.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with engine.reindex_lock(wait, progress.waiting):
            return _reindex(paths, engine, strict, progress, analysis, full, clock, report, t0)
    finally:
        if collecting:
            gc.enable()


def _reindex(
    paths: list[Path],
    engine: Engine,
    strict: bool,
    progress: Progress,
    analysis: AnalysisOptions,
    full: bool,
    clock: Callable[[], float],
    report: BuildReport,
    t0: float,
) -> BuildReport:
    """The body of ``reindex``: the caller holds the reindex lock."""

    def note(p: Problem) -> None:
        report.problems.append(p)
        progress.problem(p)

    engine.prune()  # leftovers of a reindex that died
    files: list[CorpusFile] = []
    for found in discover(paths):
        if isinstance(found, Problem):
            note(found)
        else:
            files.append(found)
    report.files = len(files)
    crashpoint("read")
    live = engine.live(analysis, full)
    report.damaged = live.damaged
    old = live.manifest
    plan = manifest.plan(files, old)
    report.unchanged = len(plan.unchanged)
    if old is not None and not plan.changed and not plan.removed:
        report.up_to_date = True
        report.generation = live.generation or ""
        report.seconds = clock() - t0
        return report
    todo = plan.changed
    sizes = [_size(cf) for cf in todo]
    progress.start(sum(sizes), len(todo))

    parallel = old is None or sum(sizes) > PARALLEL_INCREMENT_BYTES
    gen = engine.new_generation(live if old is not None else None, analysis, parallel)
    report.generation = gen.name
    try:
        seen = {i: key for key, entry in plan.unchanged.items() for i in entry.ids}
        for key in plan.replaced:
            for article_id in old.files[key].ids if old else ():
                gen.delete(article_id)
        entries = dict(plan.unchanged)
        for cf, nbytes in zip(todo, sizes, strict=True):
            ids: list[str] = []
            for item in read_file(cf):
                if isinstance(item, Problem):
                    note(item)
                elif _first_time(item, seen, note):
                    gen.add(item)
                    ids.append(item.id)
            report.indexed += len(ids)
            if report.indexed:
                crashpoint("write")
            k = manifest.key(cf)
            entries[k] = plan.fingerprints[k].with_ids(ids)
            progress.file_done(nbytes, report.indexed)
        if not any(e.ids for e in entries.values()):
            raise NothingToIndex("no article could be read from " + ", ".join(map(str, paths)))
        if strict and report.problems:
            raise StrictFailure(f"{len(report.problems)} problem(s) in the input and --strict was given")
        crashpoint("commit")
        gen.commit(manifest.Manifest(manifest.describe(analysis), entries))
        report.removed = len(plan.removed)
        gen.publish()
        report.published = True
        report.incremental = old is not None
    except BaseException:
        gen.discard()
        raise
    finally:
        report.seconds = clock() - t0
    return report


def _first_time(a: Article, seen: dict[str, str], note: Callable[[Problem], None]) -> bool:
    first = seen.get(a.id)
    if first is not None:
        note(Problem(a.origin, None, f"duplicate id {a.id!r} (first seen in {first})"))
        return False
    seen[a.id] = a.origin
    return True

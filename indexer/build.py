"""Build a complete index from corpus paths and swap it in when, and only when, it is complete."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer import store
from indexer.analysis.pipeline import DEFAULT, AnalysisOptions
from indexer.ingest import CorpusFile, discover, read_file
from indexer.records import Article, Problem
from indexer.schema import to_document

WRITER_LIMIT_MB = 256  # per writing process
MAX_PROCS = 4
BATCH = 200  # articles handed to a writing process at a time


class NothingToIndex(Exception):
    """The corpus gave no article; the live index is left as it was."""


class StrictFailure(Exception):
    """--strict was asked and the input had problems; the live index is left as it was."""


@dataclass
class BuildReport:
    index_dir: Path
    generation: str = ""
    files: int = 0
    indexed: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    published: bool = False

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
    clock: Callable[[], float] = time.perf_counter,
) -> BuildReport:
    """Index every article under ``paths`` into a new generation of ``index_dir`` and publish it.

    Raises store.ReindexRunning, NothingToIndex or StrictFailure; in every failure the
    previously live index keeps serving and the half-built generation is removed.
    """
    progress = progress or Progress()
    report = BuildReport(index_dir=index_dir)
    t0 = clock()

    def note(p: Problem) -> None:
        report.problems.append(p)
        progress.problem(p)

    with store.reindex_lock(index_dir):
        store.prune(index_dir)  # leftovers of a reindex that died
        files: list[CorpusFile] = []
        for found in discover(paths):
            if isinstance(found, Problem):
                note(found)
            else:
                files.append(found)
        sizes = [_size(cf) for cf in files]
        progress.start(sum(sizes), len(files))
        report.files = len(files)

        gen_path = store.new_generation(index_dir)
        report.generation = gen_path.name
        try:
            ix = store.create_index(gen_path, analysis)
            writer = _writer(ix, procs)
            try:
                seen: dict[str, str] = {}
                for cf, nbytes in zip(files, sizes, strict=True):
                    for item in read_file(cf):
                        if isinstance(item, Problem):
                            note(item)
                        elif _first_time(item, seen, note):
                            writer.add_document(**to_document(item))
                            report.indexed += 1
                    progress.file_done(nbytes, report.indexed)
                if report.indexed == 0:
                    raise NothingToIndex("no article could be read from " + ", ".join(map(str, paths)))
                if strict and report.problems:
                    raise StrictFailure(
                        f"{len(report.problems)} problem(s) in the input and --strict was given"
                    )
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            store.publish(index_dir, gen_path)
            report.published = True
        except BaseException:
            store.discard(gen_path)
            raise
        finally:
            report.seconds = clock() - t0
    return report


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

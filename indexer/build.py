"""Bring an index in line with the article files, through any engine, and publish the result
only when it is complete.

The engine-blind part of a reindex: find the files, compare them with the live generation's
manifest, read and check the articles, hand them to the engine's new generation, publish.
"""

from __future__ import annotations

import gc
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from indexer import manifest
from indexer.analysis.pipeline import DEFAULT, AnalysisOptions
from indexer.crashpoints import crashpoint
from indexer.engines import open_engine
from indexer.engines.base import Engine, IncompleteIndex, VectorSpec
from indexer.engines.config import EngineConfig
from indexer.ingest import CorpusFile, discover, read_file
from indexer.meaning import switch
from indexer.meaning.stage import Embedder
from indexer.records import Article, Problem

PARALLEL_INCREMENT_BYTES = 32 * 1024 * 1024  # smaller increments are written by one process

__all__ = ["BuildReport", "IncompleteIndex", "NothingToIndex", "Progress", "StrictFailure", "reindex"]


class NothingToIndex(Exception):
    """The corpus gave no article; the live index is left as it was."""


class StrictFailure(Exception):
    """--strict was asked and the input had problems; the live index is left as it was.
    ``standing``: those recorded for files not read this time (they were not printed again)."""

    def __init__(self, message: str, standing: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.standing = standing or []


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
    # Problems recorded when files unchanged since were read (not reported again, but --strict
    # weighs them: strict means the same whatever was read this time).
    standing: list[Problem] = field(default_factory=list)
    meaning: str | None = None  # the model of the generation's vectors (search by meaning)
    meaning_off: str | None = None  # why the generation has no vectors
    embedded: int = 0  # passages embedded by this reindex (the others came from the cache)
    embed_seconds: float = 0.0  # the time the embedding took (reading the files included)
    # Left out and said so, but no fault of the input (--strict does not weigh them): pages that
    # are not articles, a second capture of a story.
    notices: list[Problem] = field(default_factory=list)

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

    def embed_start(self, passages: int) -> None:
        """Passages to embed before the index is written (the others are in the vector cache)."""

    def embedded(self, n: int) -> None: ...


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
    semantic: bool | None = None,
) -> BuildReport:
    """Bring ``index`` (an index folder, or any engine) in line with the articles under ``paths``
    and publish the result.

    Only files added, changed (by content hash) or deleted since the live generation are read
    again; the new generation starts as a copy of the live one. With ``full``, a changed
    analysis, a live index that is not whole, or none, everything is rebuilt. Nothing changed:
    nothing is written. Raises ReindexRunning, NothingToIndex, StrictFailure or IncompleteIndex;
    in every failure the previously live index keeps serving and the half-built generation is
    removed. ``procs``: writing processes of the Whoosh engine (default: one per core, up to 4).
    ``semantic``: give each article a vector for search by meaning (None: unless KHABAR_SEMANTIC=0;
    without the model, the index is built without vectors and the report says why).
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
        encoder, report.meaning_off = switch.encoder(semantic)
        embedder = Embedder(encoder, engine.vector_cache()) if encoder else None
        with engine.reindex_lock(wait, progress.waiting):
            return _reindex(paths, engine, strict, progress, analysis, full, clock, report, t0, embedder)
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
    embedder: Embedder | None,
) -> BuildReport:
    """The body of ``reindex``: the caller holds the reindex lock."""

    def note(p: Problem) -> None:
        (report.notices if p.notice else report.problems).append(p)
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
    spec = VectorSpec(embedder.encoder.name, embedder.meaning, embedder.encoder.dim) if embedder else None
    if live.manifest is not None and live.meaning != (spec.checksum if spec else None):
        live = replace(live, manifest=None)  # vectors of another model (or none): rebuild in full
    report.meaning = spec.model if spec else None
    old = live.manifest
    plan = manifest.plan(files, old)
    report.unchanged = len(plan.unchanged)
    rel = {k: cf.rel for k, cf in zip(plan.keys, files, strict=True)}
    # Problems met when the unchanged files were read: --strict weighs them on every reindex.
    report.standing = [p for k, e in plan.unchanged.items() for p in manifest.problems_of(e, rel[k])]
    if old is not None and not plan.changed and not plan.removed:
        report.up_to_date = True
        report.generation = live.generation or ""
        report.seconds = clock() - t0
        if strict and report.problems + report.standing:
            raise StrictFailure(_strict_message(report), report.standing)
        return report
    todo = plan.changed
    sizes = [_size(cf) for cf in todo]
    progress.start(sum(sizes), len(todo))

    reads = _ReadOnce()
    if embedder is not None:

        def articles() -> Iterator[Article]:
            for cf in todo:
                yield from (a for a in reads.first(cf) if not isinstance(a, Problem))

        t_embed = clock()
        report.embedded = embedder.fill(articles, progress.embed_start, progress.embedded)
        report.embed_seconds = clock() - t_embed
        crashpoint("embedded")

    parallel = old is None or sum(sizes) > PARALLEL_INCREMENT_BYTES
    gen = engine.new_generation(live if old is not None else None, analysis, parallel, spec)
    report.generation = gen.name
    try:
        for key in plan.replaced:
            for article_id in old.files[key].ids if old else ():
                gen.delete(article_id)
        entries = dict(plan.unchanged)
        owners = _Owners(plan.keys, rel)
        for k, entry in plan.unchanged.items():
            owners.hold(entry, k)
        # Captures of web pages are added once every file is read: a file read later may hold a
        # newer capture of the same story (an engine cannot take back a document it was given
        # in the same generation). They wait on disk, not in memory.
        waiting = _Waiting()
        for cf, nbytes in zip(todo, sizes, strict=True):
            k = manifest.key(cf)
            ids: list[str] = []
            dups: list[str] = []
            captures: list[tuple[str, float]] = []
            problems: list[Problem] = []
            for item in reads.again(cf):
                if isinstance(item, Problem):
                    note(item)
                    if not item.notice:
                        problems.append(item)
                    continue
                holder = owners.holder(item.id)
                when = captured_at(item)
                if holder is not None and not owners.wins(k, item.id, when):
                    dup = _duplicate(item.origin, item.id, owners.origin(item.id), item.captured is not None)
                    note(dup)
                    if not dup.notice:
                        problems.append(dup)
                    dups.append(item.id)
                    continue
                if holder is not None:
                    # Another file held it: a full rebuild gives it to this one (a newer capture,
                    # or the first in order); the other holds it as a duplicate now.
                    if holder in plan.unchanged:
                        gen.delete(item.id)
                    else:
                        waiting.drop(item.id)
                        report.indexed -= 1
                    lost = _duplicate(rel[holder], item.id, item.origin, item.captured is not None)
                    note(lost)
                    e = entries[holder]
                    entries[holder] = replace(
                        e,
                        ids=tuple(i for i in e.ids if i != item.id),
                        dups=(*e.dups, item.id),
                        captured=tuple((i, t) for i, t in e.captured if i != item.id),
                        problems=(*e.problems, *manifest.recorded([] if lost.notice else [lost])),
                    )
                owners.take(item.id, k, item.origin, when)
                if item.captured is not None:
                    waiting.put(item)
                    captures.append((item.id, when))
                else:
                    gen.add(item, embedder.vector(item) if embedder else None)
                ids.append(item.id)
            report.indexed += len(ids)
            if report.indexed:
                crashpoint("write")
            entries[k] = replace(
                plan.fingerprints[k],
                ids=tuple(ids),
                dups=tuple(dups),
                captured=tuple(captures),
                problems=manifest.recorded(problems),
            )
            progress.file_done(nbytes, report.indexed)
        for item in waiting.articles():
            gen.add(item, embedder.vector(item) if embedder else None)
        if not any(e.ids for e in entries.values()):
            raise NothingToIndex("no article could be read from " + ", ".join(map(str, paths)))
        if strict and report.problems + report.standing:
            raise StrictFailure(_strict_message(report), report.standing)
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


def _duplicate(where: str, article_id: str, kept: str, captured: bool) -> Problem:
    """A second article with an id: for a story captured from the web, the same story again,
    which is no fault of the input (a notice); for any other record, a problem."""
    if captured:
        return Problem(
            where, None, f"the same story as in {kept} (the newest capture kept): {article_id!r}", notice=True
        )
    return Problem(where, None, f"duplicate id {article_id!r} (first seen in {kept})")


def _strict_message(report: BuildReport) -> str:
    n = len(report.problems) + len(report.standing)
    standing = (
        f", {len(report.standing)} of them in files unchanged since they were indexed"
        if report.standing
        else ""
    )
    return f"{n} problem(s) in the input{standing}, and --strict was given"


class _ReadOnce:
    """Files whose reading costs (web pages and archives: each page parsed and its text found)
    are read once per reindex: what the embedding pass reads is kept in a temporary file and
    given back to the writing pass, rather than extracted twice."""

    COSTLY = frozenset({".html", ".htm", ".warc", ".warc.gz", ".rss", ".atom", ".xml"})

    def __init__(self) -> None:
        self._kept: dict[str, Any] = {}

    def first(self, cf: CorpusFile) -> Iterator[Article | Problem]:
        if cf.suffix not in self.COSTLY:
            yield from read_file(cf)
            return
        spool = tempfile.TemporaryFile(prefix="khabar-read-")  # noqa: SIM115 - closed by again()
        for item in read_file(cf):
            pickle.dump(item, spool, protocol=pickle.HIGHEST_PROTOCOL)
            yield item
        spool.seek(0)
        self._kept[cf.location] = spool

    def again(self, cf: CorpusFile) -> Iterator[Article | Problem]:
        spool = self._kept.pop(cf.location, None)
        if spool is None:
            yield from read_file(cf)
            return
        with spool:
            while True:
                try:
                    yield pickle.load(spool)
                except EOFError:
                    return


class _Waiting:
    """Articles set aside on disk until the end of the reading, by id (the last put wins)."""

    def __init__(self) -> None:
        self._spool: Any = None
        self._at: dict[str, int] = {}

    def put(self, article: Article) -> None:
        if self._spool is None:
            self._spool = tempfile.TemporaryFile(prefix="khabar-captures-")  # noqa: SIM115 - closed in articles()
        self._at[article.id] = self._spool.tell()  # only written until articles(): no seek
        pickle.dump(article, self._spool, protocol=pickle.HIGHEST_PROTOCOL)

    def drop(self, article_id: str) -> None:
        self._at.pop(article_id, None)

    def articles(self) -> Iterator[Article]:
        if self._spool is None:
            return
        with self._spool:
            for offset in self._at.values():
                self._spool.seek(offset)
                yield pickle.load(self._spool)
        self._spool, self._at = None, {}


class _Owners:
    """Which file holds each article id, as a full rebuild has it: the one with the newest capture
    of the story (web archives say when they captured a page; other articles have none), and
    among equals the first in reading order."""

    def __init__(self, keys: list[str], rel: dict[str, str]) -> None:
        self._place = {k: n for n, k in enumerate(keys)}
        self._rel = rel
        self._holders: dict[str, tuple[str, float]] = {}  # id -> (file, capture time)
        self._origins: dict[str, str] = {}

    def hold(self, entry: manifest.FileEntry, key: str) -> None:
        captured = dict(entry.captured)
        for i in entry.ids:
            self._holders[i] = (key, captured.get(i, NOT_CAPTURED))
            self._origins[i] = self._rel[key]

    def holder(self, article_id: str) -> str | None:
        found = self._holders.get(article_id)
        return found[0] if found else None

    def wins(self, key: str, article_id: str, captured: float) -> bool:
        """Whether the file ``key``, with a capture of ``captured``, takes the id from its holder."""
        holder, held = self._holders[article_id]
        return (-captured, self._place[key]) < (-held, self._place[holder])

    def take(self, article_id: str, key: str, origin: str, captured: float) -> None:
        self._holders[article_id] = (key, captured)
        self._origins[article_id] = origin

    def origin(self, article_id: str) -> str:
        return self._origins[article_id]


# An article that is no web capture (a file the user wrote) comes before any capture.
NOT_CAPTURED = float("inf")


def captured_at(article: Article) -> float:
    return article.captured.timestamp() if article.captured is not None else NOT_CAPTURED

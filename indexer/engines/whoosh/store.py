"""Where indexes live on disk, and the atomic swap that makes a rebuilt index live.

    index/
      CURRENT        name of the live generation, replaced atomically (os.replace)
      g000007/       the live Whoosh index
      g000006/       the previous one, kept so searchers still reading it finish cleanly
      reindex.lock   held (flock) by a running reindex; the kernel releases it if that dies

A reindex writes a new generation beside the live one and only then points CURRENT at it,
so searches never see a half-built index and a failed reindex leaves the old one serving.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import Index

from indexer.analysis.pipeline import DEFAULT, AnalysisOptions
from indexer.crashpoints import crashpoint
from indexer.engines.base import IndexUnavailable, ReindexRunning
from indexer.engines.whoosh import fixes  # noqa: F401 - applies its fixes on import
from indexer.engines.whoosh.schema import build_schema

_GEN = re.compile(r"^g(\d{6,})$")
CURRENT = "CURRENT"
LOCK = "reindex.lock"
KEEP_PREVIOUS = 1


def _advice(root: Path) -> str:
    return f"`khabar reindex ARTICLES --index {root}` (ARTICLES: your article files or folders)"


def current_generation(root: Path) -> str | None:
    """The live generation's name, None when there is no index. Raises IndexUnavailable when the
    CURRENT file is there but unreadable or names no generation."""
    try:
        raw = (root / CURRENT).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:
        raise IndexUnavailable(
            f"cannot read {root / CURRENT} ({e.strerror}); rebuild the index with {_advice(root)}"
        ) from None
    name = raw.decode("ascii", "replace").strip()
    if not _GEN.match(name):
        raise IndexUnavailable(
            f"the index in {root} is damaged: {root / CURRENT} names no generation ({name[:40]!r}); "
            f"rebuild it with {_advice(root)}"
        )
    return name


def _damaged(root: Path, gen: str, e: Exception) -> IndexUnavailable:
    why = f"{e.__class__.__name__}: {e}"
    where = root / gen
    return IndexUnavailable(f"the index in {where} cannot be read ({why}); rebuild it with {_advice(root)}")


def open_current(root: Path) -> tuple[str, Index]:
    """Open the live generation, or raise IndexUnavailable with advice."""
    gen = current_generation(root)
    if gen is None:
        raise IndexUnavailable(f"no index in {root}: build one with {_advice(root)}")
    try:
        return gen, whoosh_index.open_dir(str(root / gen))
    except Exception as e:  # Whoosh raises many kinds for a damaged or foreign index
        raise _damaged(root, gen, e) from None


def searcher(root: Path, gen: str, ix: Index, weighting: Any) -> Any:
    """A searcher on an opened generation; a segment file gone missing is IndexUnavailable."""
    try:
        return ix.searcher(weighting=weighting)
    except Exception as e:  # a missing or truncated segment file, as OSError or Whoosh's own
        raise _damaged(root, gen, e) from None


def check(gen_dir: Path, articles: int | None = None) -> str | None:
    """Why the generation in ``gen_dir`` is not whole, or None when it is: it opens, every segment
    reads (stored fields, terms, postings) and it holds ``articles`` live articles if given."""
    try:
        ix = whoosh_index.open_dir(str(gen_dir))
        with ix.reader() as reader:
            for leaf, _ in reader.leaf_readers():
                if leaf.doc_count_all():
                    leaf.stored_fields(0)
                for fieldname in ("title", "body"):
                    if fieldname in leaf.indexed_field_names():
                        first = next(iter(leaf.lexicon(fieldname)), None)
                        if first is not None:
                            leaf.postings(fieldname, first).all_ids()
            count = reader.doc_count()
    except Exception as e:  # whatever a damaged generation raises, it is damaged
        return f"{e.__class__.__name__}: {e}"
    if articles is not None and count != articles:
        return f"it holds {count} articles where {articles} were indexed"
    return None


def _generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _GEN.match(p.name))


@contextmanager
def reindex_lock(
    root: Path, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the index folder's reindex lock, or raise ReindexRunning naming the holder.

    A POSIX record lock (lockf): the kernel drops it when its process dies, so a lock left by a
    killed reindex never blocks the next one, and unlike flock it is not inherited by the
    writing processes a reindex forks (which could outlive a killed parent).
    With ``wait``, block until the running reindex ends instead of failing.
    """
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            if not wait:
                raise ReindexRunning(
                    f"another reindex (pid {holder}) is writing {root}; try again when it ends, or use --wait"
                ) from None
            if on_wait:
                on_wait(holder)
            fcntl.lockf(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def new_generation(root: Path) -> Path:
    """Create an empty folder for the next generation (caller holds the lock)."""
    gens = _generations(root)
    last = int(gens[-1][1:]) if gens else 0
    path = root / f"g{last + 1:06d}"
    path.mkdir()
    return path


def create_index(path: Path, analysis: AnalysisOptions = DEFAULT) -> Index:
    return whoosh_index.create_in(str(path), build_schema(analysis))


def copy_generation(source: Path, target: Path) -> Index:
    """Start a generation as a copy of another: segment files are never rewritten in place, so
    hard links share them safely (a real copy where links are impossible)."""
    for item in source.iterdir():
        if not item.is_file() or item.name.endswith("WRITELOCK"):
            continue
        try:
            os.link(item, target / item.name)
        except OSError:
            shutil.copy2(item, target / item.name)
    return whoosh_index.open_dir(str(target))


def open_generation(path: Path) -> Index:
    return whoosh_index.open_dir(str(path))


def publish(root: Path, gen_path: Path) -> None:
    """Atomically make ``gen_path`` the live generation, then drop generations no one needs."""
    tmp = root / f"{CURRENT}.tmp"
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(gen_path.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    crashpoint("swap")
    os.replace(tmp, root / CURRENT)
    _fsync_dir(root)
    prune(root)


def prune(root: Path) -> None:
    """Remove generations older than the live one and its predecessor, and unfinished ones."""
    try:
        live = current_generation(root)
    except IndexUnavailable:
        return  # which generations are leftovers is unknown until a reindex publishes one
    gens = _generations(root)
    if live not in gens:
        return
    keep = set(gens[max(0, gens.index(live) - KEEP_PREVIOUS) : gens.index(live) + 1])
    for name in gens:
        if name not in keep:
            shutil.rmtree(root / name, ignore_errors=True)


def discard(gen_path: Path) -> None:
    shutil.rmtree(gen_path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""A generation's article vectors: one float32 row per Whoosh document number, memory-mapped.

Written at commit, once the writing processes have placed every document, so row ``d`` is
document ``d``'s vector (a deleted document's row is zeros and never found). Exact nearest
neighbours are one matrix-vector product. float32 rather than float16 or int8: numpy has no
fast product for those (at 100,000 rows, 92 ms in float16 against 5 ms in float32, measured in
docs/performance.md), and a memory map of the file is shared by every process serving it.
``meaning.json`` beside it says which model made the vectors.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from indexer.engines.base import IncompleteIndex, VectorSpec

MATRIX = "vectors.npy"
META = "meaning.json"


def spec_of(gen_dir: Path) -> VectorSpec | None:
    """The model of the generation's vectors; None when it has none (or they are unreadable)."""
    try:
        meta = json.loads((gen_dir / META).read_text(encoding="utf-8"))
        return VectorSpec(meta["model"], meta["checksum"], int(meta["dim"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(
    gen_dir: Path,
    spec: VectorSpec,
    doc_ids: list[str | None],
    vector_of: Callable[[str], np.ndarray | None],
) -> None:
    """Row ``d`` for document ``d`` (``doc_ids[d]``; None: deleted). Raises IncompleteIndex
    when an article has no vector: a generation never serves some articles without one."""
    tmp = gen_dir / (MATRIX + ".tmp")
    matrix = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(len(doc_ids), spec.dim))
    missing = 0
    for d, article_id in enumerate(doc_ids):
        if article_id is None:
            continue
        v = vector_of(article_id)
        if v is None or len(v) != spec.dim:
            missing += 1
            continue
        matrix[d] = v
    matrix.flush()
    del matrix
    if missing:
        tmp.unlink()
        raise IncompleteIndex(f"{missing} article(s) have no vector of {spec.model}")
    os.replace(tmp, gen_dir / MATRIX)
    meta = {"model": spec.model, "checksum": spec.checksum, "dim": spec.dim, "rows": len(doc_ids)}
    # Through a new file: the copy of a base generation holds hard links to the base's files.
    (gen_dir / (META + ".tmp")).write_text(json.dumps(meta), encoding="utf-8")
    os.replace(gen_dir / (META + ".tmp"), gen_dir / META)


def forget(gen_dir: Path) -> None:
    """A generation written without vectors drops those its base's copy brought (links only)."""
    for name in (MATRIX, META):
        (gen_dir / name).unlink(missing_ok=True)


def rows_by_id(gen_dir: Path, doc_ids: list[str | None]) -> Mapping[str, np.ndarray]:
    """The vectors of a generation by article id (a base for an incremental generation)."""
    matrix = np.load(gen_dir / MATRIX, mmap_mode="r")
    return {i: matrix[d] for d, i in enumerate(doc_ids) if i is not None and d < len(matrix)}


class Vectors:
    """The read side, shared by every thread serving a generation."""

    def __init__(self, gen_dir: Path, spec: VectorSpec, live: np.ndarray) -> None:
        self.spec = spec
        self.matrix = np.load(gen_dir / MATRIX, mmap_mode="r")
        if self.matrix.shape != (len(live), spec.dim):
            raise ValueError(f"{gen_dir / MATRIX} has {self.matrix.shape} rows, not {len(live)}")
        self.dead = np.flatnonzero(~live)  # deleted documents' rows (usually none)
        self.live_count = int(live.sum())

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """Cosine of every document (the vectors are unit length); -inf for deleted ones."""
        s = self.matrix @ np.asarray(vector, dtype=np.float32)
        if len(self.dead):
            s[self.dead] = -np.inf
        return s

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` documents nearest ``vector``, best first (ties by document number)."""
        s = self.scores(vector)
        k = min(k, self.live_count)
        if k <= 0:
            return []
        top = np.argpartition(-s, k - 1)[:k] if k < len(s) else np.arange(len(s))
        top = top[np.lexsort((top, -s[top]))]
        return [(int(d), float(s[d])) for d in top if np.isfinite(s[d])]

    def similarity(self, vector: np.ndarray, docs: list[int]) -> list[float]:
        if not docs:
            return []
        return [float(x) for x in self.matrix[np.asarray(docs)] @ np.asarray(vector, dtype=np.float32)]

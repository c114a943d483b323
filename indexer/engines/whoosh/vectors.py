"""A generation's article vectors: one float32 row per Whoosh document number, memory-mapped.

Written at commit, once the writing processes have placed every document, so row ``d`` is
document ``d``'s vector (a deleted document's row is zeros and never found). ``meaning.json``
beside it says which model made the vectors.

The nearest articles are found in two steps. First every article is scored by an int8 copy of
the matrix (``vectors.q8.npy``: transposed, 8 bits a number, one scale a row), a quarter of the
bytes, by ONNX Runtime's integer matrix product: the float32 product is bound by memory (at
100,000 rows 13-20 ms against 5, docs/performance.md). The int8 cosines are within 0.004 of the
exact ones (0.0037 at most over 150 questions at 100,000 articles, 0.002 on median). Then every
article whose int8 cosine is within ``2 * MARGIN`` of the ``k``-th best int8 cosine is scored
again from the float32 rows, and the best ``k`` of those are the answer, with their exact
cosines: while no int8 cosine is off by more than ``MARGIN``, that is the exact answer (an
article of the exact first ``k`` is at most ``MARGIN`` below its int8 cosine, the ``k``-th best
at most ``MARGIN`` above). Where that window holds more than an eighth of the rows, or there is
no int8 copy (an index from before it) or no onnxruntime, every row is scored in float32. The
maps are shared by every process through the page cache.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from indexer.engines.base import IncompleteIndex, VectorSpec
from indexer.meaning.graph import quantize_columns

if TYPE_CHECKING:
    import onnx

MATRIX = "vectors.npy"
QUANTIZED = "vectors.q8.npy"  # int8 [dim, rows]: the matrix transposed, for the product below
ROW_TERMS = "vectors.q8rows.npy"  # float32 [2, rows]: each row's scale, and its int8 sum
META = "meaning.json"
# The query in 7 bits, offset into uint8 (1..127): without AVX-512 VNNI the int8 product adds
# pairs of uint8 x int8 products in 16 bits, and 2 x 127 x 127 fits where 2 x 255 x 127 does not.
QUERY_LEVELS = 63
QUERY_OFFSET = 64
# The most an int8 cosine is taken to be off (see the module's note): 1.4 times the worst seen.
MARGIN = 0.005


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
    if missing:
        del matrix
        tmp.unlink()
        raise IncompleteIndex(f"{missing} article(s) have no vector of {spec.model}")
    write_quantized(gen_dir, matrix)
    del matrix
    os.replace(tmp, gen_dir / MATRIX)
    meta = {"model": spec.model, "checksum": spec.checksum, "dim": spec.dim, "rows": len(doc_ids)}
    # Through a new file: the copy of a base generation holds hard links to the base's files.
    (gen_dir / (META + ".tmp")).write_text(json.dumps(meta), encoding="utf-8")
    os.replace(gen_dir / (META + ".tmp"), gen_dir / META)


def quantize_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 [rows, dim], scale [rows]): each row in -127..127 times its own scale."""
    q, scale = quantize_columns(matrix.T, levels=127)
    return q.T, scale


def write_quantized(gen_dir: Path, matrix: np.ndarray, chunk: int = 65_536) -> None:
    """The int8 copy of ``matrix`` and its row terms, a chunk of rows at a time (flat memory)."""
    rows, dim = matrix.shape
    paths = [gen_dir / (name + ".tmp") for name in (QUANTIZED, ROW_TERMS)]
    q8 = np.lib.format.open_memmap(paths[0], mode="w+", dtype=np.int8, shape=(dim, rows))
    terms = np.lib.format.open_memmap(paths[1], mode="w+", dtype=np.float32, shape=(2, rows))
    for start in range(0, rows, chunk):
        q, scale = quantize_rows(np.asarray(matrix[start : start + chunk], dtype=np.float32))
        q8[:, start : start + len(q)] = q.T
        terms[0, start : start + len(q)] = scale
        terms[1, start : start + len(q)] = q.sum(axis=1, dtype=np.int32)  # exact: |sum| < 2^24
    q8.flush()
    terms.flush()
    del q8, terms
    for path, name in zip(paths, (QUANTIZED, ROW_TERMS), strict=True):
        os.replace(path, gen_dir / name)


def forget(gen_dir: Path) -> None:
    """A generation written without vectors drops those its base's copy brought (links only)."""
    for name in (MATRIX, QUANTIZED, ROW_TERMS, META):
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
        self.quantized: _Quantized | None = _Quantized.open(gen_dir, len(live), spec.dim)

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """Cosine of every document (the vectors are unit length); -inf for deleted ones."""
        s = self.matrix @ np.asarray(vector, dtype=np.float32)
        if len(self.dead):
            s[self.dead] = -np.inf
        return s

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` documents nearest ``vector``, best first (ties by document number), with
        their exact (float32) cosines."""
        k = min(k, self.live_count)
        if k <= 0:
            return []
        vector = np.asarray(vector, dtype=np.float32)
        rows = self._candidates(vector, k)
        if rows is not None:
            exact = self.matrix[rows] @ vector
        else:
            exact = self.scores(vector)
            rows = np.arange(len(exact))
        top = np.argpartition(-exact, k - 1)[:k] if k < len(exact) else np.arange(len(exact))
        top = top[np.lexsort((rows[top], -exact[top]))]
        return [(int(rows[i]), float(exact[i])) for i in top if np.isfinite(exact[i])]

    def _candidates(self, vector: np.ndarray, k: int) -> np.ndarray | None:
        """Rows that hold the ``k`` nearest (in file order), from the int8 copy; None when every
        row is to be scored in float32."""
        if self.quantized is None:
            return None
        rough = self.quantized.scores(vector)
        if len(self.dead):
            rough[self.dead] = -np.inf
        kth = -np.partition(-rough, k - 1)[k - 1]
        rows = np.flatnonzero(rough >= kth - 2 * MARGIN)
        return rows if len(rows) * 8 <= len(rough) else None

    def similarity(self, vector: np.ndarray, docs: list[int]) -> list[float]:
        if not docs:
            return []
        return [float(x) for x in self.matrix[np.asarray(docs)] @ np.asarray(vector, dtype=np.float32)]


class _Quantized:
    """The int8 copy of a generation's matrix, scored by ONNX Runtime's integer product."""

    def __init__(
        self, q8: np.ndarray, row_terms: np.ndarray, product: Callable[[np.ndarray, np.ndarray], np.ndarray]
    ) -> None:
        self.q8 = q8
        self.product = product
        self.scale = np.array(row_terms[0], dtype=np.float32)
        self.offsets = np.array(row_terms[1], dtype=np.float32) * np.float32(QUERY_OFFSET)

    @classmethod
    def open(cls, gen_dir: Path, rows: int, dim: int) -> _Quantized | None:
        """None when the generation has no int8 copy, or it does not fit, or the product cannot
        run here: every row is then scored in float32."""
        product = _product()
        if product is None:
            return None
        try:
            q8 = np.load(gen_dir / QUANTIZED, mmap_mode="r")
            row_terms = np.load(gen_dir / ROW_TERMS, mmap_mode="r")
        except (OSError, ValueError):
            return None
        if q8.shape != (dim, rows) or q8.dtype != np.int8 or row_terms.shape != (2, rows):
            return None
        return cls(q8, row_terms, product)

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """Approximate cosines of every row (float32; within 0.004 of the exact ones)."""
        step = float(np.abs(vector).max()) / QUERY_LEVELS or 1.0
        q = np.rint(vector / step).astype(np.int32)
        s = self.product(np.asarray((q + QUERY_OFFSET)[None], dtype=np.uint8), self.q8)[0].astype(np.float32)
        s -= self.offsets  # sum((q + offset) * row) = q . row + offset * sum(row)
        s *= self.scale
        s *= np.float32(step)
        return s


def product_graph() -> onnx.ModelProto:
    """The one-node model of ``_product``: uint8 [1, dim] x int8 [dim, rows] -> int32 [1, rows]."""
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["q", "rows"], ["dots"])],
        "khabar.vector_scores",
        [
            helper.make_tensor_value_info("q", TensorProto.UINT8, [1, "dim"]),
            helper.make_tensor_value_info("rows", TensorProto.INT8, ["dim", "n"]),
        ],
        [helper.make_tensor_value_info("dots", TensorProto.INT32, [1, "n"])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


# ``product_graph()`` serialised (tests/test_vectors.py checks that the two agree), so that a
# serving process need not import onnx for it (a second and 16 MB, measured by hand).
PRODUCT_MODEL = bytes.fromhex(
    "080e3a83010a1e0a01710a04726f77731204646f7473220d4d61744d756c496e746567657212146b68616261722e76"
    "6563746f725f73636f7265735a160a017112110a0f0802120b0a0208010a05120364696d5a1a0a04726f777312120a"
    "100803120c0a05120364696d0a0312016e62170a04646f7473120f0a0d080612090a0208010a0312016e42040a001011"
)


@functools.cache
def _product() -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
    """``PRODUCT_MODEL`` on one thread, or None without onnxruntime. Without a zero-point input:
    with one, ONNX Runtime 1.32 took 13 ms here instead of 3."""
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(PRODUCT_MODEL, options, providers=["CPUExecutionProvider"])
    except Exception:  # an onnxruntime that cannot run it: the float32 product serves
        return None
    return lambda q, rows: session.run(None, {"q": q, "rows": rows})[0]

"""The Whoosh engine's article vectors: the int8 scan with exact re-scoring gives the exact nearest.

The oracle is numpy's float64 product over every row; the answers must be its first ``k``
cosines, whatever the data: random vectors, a dense cluster of near-duplicates around the
query (where int8 cosines are closest together), exact duplicates (ties), deleted rows.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from indexer.engines.base import VectorSpec
from indexer.engines.whoosh import vectors

DIM = 384
ROWS = 20_000
SPEC = VectorSpec("test-model", "0123456789abcdef", DIM)


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def write(folder: Path, matrix: np.ndarray, deleted: set[int] = frozenset()) -> vectors.Vectors:
    ids = [None if d in deleted else f"a{d}" for d in range(len(matrix))]
    vectors.write(folder, SPEC, ids, lambda i: matrix[int(i[1:])])
    live = np.array([d not in deleted for d in range(len(matrix))])
    return vectors.Vectors(folder, SPEC, live)


def oracle(matrix: np.ndarray, q: np.ndarray, k: int, deleted: set[int] = frozenset()) -> np.ndarray:
    exact = matrix.astype(np.float64) @ q.astype(np.float64)
    exact[list(deleted)] = -np.inf
    return exact


def check(found: list[tuple[int, float]], exact: np.ndarray, k: int) -> None:
    want = np.sort(exact)[::-1][:k]
    want = want[np.isfinite(want)]
    docs = [d for d, _ in found]
    cosines = np.array([c for _, c in found])
    assert len(docs) == len(set(docs)) == len(want)
    assert np.allclose(cosines, want, atol=1e-5)  # the exact first k cosines, best first
    assert np.allclose(exact[docs], cosines, atol=1e-5)  # each the cosine of its own row
    for (d1, c1), (d2, c2) in itertools.pairwise(found):
        assert c1 > c2 or (c1 == c2 and d1 < d2)  # ties by document number


def rng_matrix(seed: int) -> tuple[np.random.Generator, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng, unit(rng.standard_normal((ROWS, DIM)))


def test_quantize_rows_table() -> None:
    rows = np.zeros((4, DIM), np.float32)
    rows[0, :3] = [1.0, -0.5, 0.25]
    rows[1, 0] = -0.127
    rows[2, :2] = [0.3, 0.0015]  # the second rounds to 1 step of 0.3/127
    # rows[3]: zeros (a deleted document's row): scale 1, all zero
    q, scale = vectors.quantize_rows(rows)
    assert q.dtype == np.int8 and scale.dtype == np.float32
    assert q[0, :3].tolist() == [127, -64, 32] and scale[0] == pytest.approx(1 / 127)
    assert q[1, 0] == -127 and scale[1] == pytest.approx(0.001)
    assert q[2, :2].tolist() == [127, 1]
    assert scale[3] == 1 and not q[3].any()
    assert np.abs(q).max() <= 127


def test_write_keeps_an_int8_copy(tmp_path: Path) -> None:
    rng, m = rng_matrix(1)
    v = write(tmp_path, m)
    q8 = np.load(tmp_path / vectors.QUANTIZED)
    terms = np.load(tmp_path / vectors.ROW_TERMS)
    assert q8.shape == (DIM, ROWS) and q8.dtype == np.int8
    assert np.allclose(q8.T * terms[0][:, None], m, atol=terms[0].max() / 2 + 1e-7)
    assert np.array_equal(terms[1], q8.sum(axis=0, dtype=np.int64))
    assert v.quantized is not None
    # its scores are the int8 cosines the module's note promises: within 0.004 of the exact
    q = unit(rng.standard_normal(DIM))
    assert np.abs(v.quantized.scores(q) - m @ q).max() < 0.004


@pytest.mark.parametrize("kind", ["random", "cluster", "duplicates", "deleted"])
def test_nearest_is_exact(tmp_path: Path, kind: str) -> None:
    rng, m = rng_matrix(7)
    q = unit(rng.standard_normal(DIM))
    deleted: set[int] = set()
    if kind == "cluster":  # 2,000 near-duplicates of the query: cosines 0.99-1.0, packed close
        m[:2000] = unit(q + rng.standard_normal((2000, DIM)).astype(np.float32) * 0.004)
    elif kind == "duplicates":  # the same article indexed many times over: ties everywhere
        near = unit(q + rng.standard_normal((30, DIM)).astype(np.float32) * 0.05)
        m[: 30 * 40] = np.repeat(near, 40, axis=0)
    elif kind == "deleted":  # the nearest rows deleted: zeros in the file, never found
        order = np.argsort(-(m @ q))
        deleted = set(order[:150].tolist())
        m[list(deleted)] = 0
    v = write(tmp_path, m, deleted)
    exact = oracle(m, q, 100, deleted)
    for k in (1, 10, 100):
        rows = v._candidates(q, k)  # the int8 window, scored again in float32, not every row
        assert rows is not None and len(rows) <= ROWS // 8
        check(v.nearest(q, k), exact, k)
    # queries near each other and far from everything
    for q2 in unit(rng.standard_normal((20, DIM))):
        check(v.nearest(q2, 50), oracle(m, q2, 50, deleted), 50)


def test_without_the_int8_copy_every_row_is_scored(tmp_path: Path) -> None:
    """An index from before the int8 copy still answers, exactly."""
    rng, m = rng_matrix(3)
    write(tmp_path, m)
    (tmp_path / vectors.QUANTIZED).unlink()
    v = vectors.Vectors(tmp_path, SPEC, np.ones(ROWS, bool))
    assert v.quantized is None
    q = unit(rng.standard_normal(DIM))
    check(v.nearest(q, 100), oracle(m, q, 100), 100)


def test_a_small_matrix_and_k_beyond_it(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    m = unit(rng.standard_normal((12, DIM)))
    v = write(tmp_path, m, deleted={4})
    m[4] = 0
    q = unit(rng.standard_normal(DIM))
    found = v.nearest(q, 50)
    check(found, oracle(m, q, 50, {4}), 50)
    assert len(found) == 11 and 4 not in {d for d, _ in found}


def test_forget_drops_every_vector_file(tmp_path: Path) -> None:
    _, m = rng_matrix(2)
    write(tmp_path, m[:100])
    vectors.forget(tmp_path)
    assert not any(tmp_path.iterdir())


def test_the_product_model_kept_as_bytes_is_the_graph() -> None:
    """The bytes a serving process loads (without importing onnx) are the documented graph."""
    import onnx

    kept = onnx.load_from_string(vectors.PRODUCT_MODEL)
    built = vectors.product_graph()
    assert kept.graph == built.graph and list(kept.opset_import) == list(built.opset_import)
    onnx.checker.check_model(kept)

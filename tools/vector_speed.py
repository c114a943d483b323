"""Exact nearest neighbours at scale, as the Whoosh engine computes them (docs/scaling.md).

    python -m tools.vector_speed                    # 100,000 and 1,000,000 rows
    python -m tools.vector_speed 300000

A matrix of random unit vectors (the product costs the same whatever the values) in a memory-
mapped float32 file and its int8 copy, searched through ``indexer.engines.whoosh.vectors.Vectors``:
the time of ``nearest`` (k = 100) as shipped (int8 scan, the best re-scored in float32) and with
every row scored in float32, and of ``similarity`` over 100 documents, p50 and p95 of 50 queries,
and the files' sizes. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from indexer.benchmark.measure import latency_summary
from indexer.engines.base import VectorSpec
from indexer.engines.whoosh import vectors

DIM = 384


def measure(n: int, folder: Path) -> None:
    rng = np.random.default_rng(19)
    spec = VectorSpec("random", "random", DIM)
    path = folder / vectors.MATRIX
    m = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, DIM))
    for i in range(0, n, 100_000):  # in slices: a million rows are 1.5 GB
        block = rng.standard_normal((min(100_000, n - i), DIM)).astype(np.float32)
        m[i : i + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    m.flush()
    vectors.write_quantized(folder, m)
    del m
    (folder / vectors.META).write_text(f'{{"model": "random", "checksum": "random", "dim": {DIM}}}')
    v = vectors.Vectors(folder, spec, np.ones(n, dtype=bool))
    queries = rng.standard_normal((55, DIM)).astype(np.float32)
    quantized = v.quantized
    near, flat, sim = [], [], []
    for k, q in enumerate(queries / np.linalg.norm(queries, axis=1, keepdims=True)):
        t0 = time.perf_counter()
        v.nearest(q, 100)
        t1 = time.perf_counter()
        v.similarity(q, list(rng.integers(0, n, 100)))
        t2 = time.perf_counter()
        v.quantized = None
        v.nearest(q, 100)
        t3 = time.perf_counter()
        v.quantized = quantized
        if k >= 5:  # the first ones page the file in
            near.append((t1 - t0) * 1000)
            sim.append((t2 - t1) * 1000)
            flat.append((t3 - t2) * 1000)
    a, b, c = latency_summary(near), latency_summary(sim), latency_summary(flat)
    size = path.stat().st_size + (folder / vectors.QUANTIZED).stat().st_size
    print(
        f"{n:>9,} rows ({size / 1e6:,.0f} MB, int8 copy included): nearest p50 {a['p50_ms']:.1f} ms, "
        f"p95 {a['p95_ms']:.1f} ms (int8: {quantized is not None}); every row in float32 p50 "
        f"{c['p50_ms']:.1f} ms, p95 {c['p95_ms']:.1f} ms; similarity of 100 p50 {b['p50_ms']:.2f} ms",
        flush=True,
    )


if __name__ == "__main__":
    sizes = [int(x) for x in sys.argv[1:]] or [100_000, 1_000_000]
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="khabar-vectors-") as tmp:
            measure(size, Path(tmp))

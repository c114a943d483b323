"""Set operations on document arrays (indexer/engines/whoosh/setops.py), against Python sets.

Each operation takes a different road for few and for many numbers (binary search or marks);
the random cases cover both, and the sums must equal a sort-and-bincount's to the last bit,
since a score that moves in the last bit can reorder tied hits."""

from __future__ import annotations

import random

import numpy as np
import pytest

from indexer.engines.whoosh import setops


def _docs(rnd: random.Random, n: int, share: float) -> np.ndarray:
    return np.array(sorted(rnd.sample(range(n), int(n * share))), dtype=np.int32)


def _scored(rnd: random.Random, n: int, share: float) -> setops.Scored:
    d = _docs(rnd, n, share)
    return d, np.array([rnd.random() * 10 for _ in d])


def _sums(parts: list[setops.Scored]) -> dict[int, float]:
    """The oracle: each document's scores added in the parts' order."""
    out: dict[int, float] = {}
    for d, s in parts:
        for doc, score in zip(d.tolist(), s.tolist(), strict=True):
            out[doc] = out.get(doc, 0.0) + score
    return out


@pytest.mark.parametrize("seed", range(60))
def test_union_and_intersection_equal_set_arithmetic(seed: int) -> None:
    rnd = random.Random(seed)
    n = rnd.choice([1, 7, 100, 5000])
    shares = [rnd.choice([0.0, 0.001, 0.01, 0.05, 0.3, 0.9, 1.0]) for _ in range(rnd.randint(1, 4))]
    parts = [_scored(rnd, n, s) for s in shares]

    docs, scores = setops.union(parts, n)
    want = _sums(parts)
    assert docs.tolist() == sorted(want)
    assert scores.tolist() == [want[d] for d in sorted(want)]  # exact: the same additions
    if len(parts) > 1 and len(docs):
        _, inverse = np.unique(np.concatenate([d for d, _ in parts]), return_inverse=True)
        assert scores.tolist() == np.bincount(inverse, weights=np.concatenate([s for _, s in parts])).tolist()

    docs, scores = setops.intersection(parts)
    common = set.intersection(*(set(d.tolist()) for d, _ in parts))
    assert docs.tolist() == sorted(common)
    by_doc = [dict(zip(d.tolist(), s.tolist(), strict=True)) for d, s in parts]
    for doc, score in zip(docs.tolist(), scores.tolist(), strict=True):
        assert score == pytest.approx(sum(b[doc] for b in by_doc))


@pytest.mark.parametrize("seed", range(40))
def test_membership_equals_python_sets(seed: int) -> None:
    rnd = random.Random(seed)
    n = rnd.choice([1, 50, 3000])
    among = _docs(rnd, n, rnd.choice([0.0, 0.01, 0.5, 1.0]))
    # Questions in any order, with repeats, as a facet's (document, value) pairs ask them.
    asked = np.array([rnd.randrange(n) for _ in range(rnd.choice([0, 1, 5, n, 3 * n]))], dtype=np.int32)
    held = set(among.tolist())
    want = [a in held for a in asked.tolist()]
    assert setops.within(asked, among, n).tolist() == want
    assert setops.contains(among, asked).tolist() == want
    assert setops.marks(n, among).tolist() == [d in held for d in range(n)]


def test_table() -> None:
    a = (np.array([1, 3, 5], dtype=np.int32), np.array([1.0, 2.0, 3.0]))
    b = (np.array([3, 4], dtype=np.int32), np.array([10.0, 20.0]))
    empty = (setops.EMPTY, np.zeros(0))
    for n in (6, 10_000):  # marks, then sort
        docs, scores = setops.union([a, b, empty], n)
        assert docs.tolist() == [1, 3, 4, 5] and scores.tolist() == [1.0, 12.0, 20.0, 3.0]
        assert docs.dtype == np.int32
    assert setops.intersection([a, b])[0].tolist() == [3]
    assert setops.intersection([a, b])[1].tolist() == [12.0]
    assert setops.intersection([a, empty])[0].tolist() == []
    assert setops.union([empty], 6)[0].tolist() == []
    assert setops.contains(a[0], np.array([0, 1, 2, 5, 6])).tolist() == [False, True, False, True, False]
    assert setops.contains(setops.EMPTY, np.array([1])).tolist() == [False]

"""Words and meaning in one ranking: pure functions, each tested with a table of examples.

A search by words ranks its matches by BM25; a search by meaning ranks articles by the cosine
of their vector and the query's. The first ``pool`` hits by words and the articles found by
meaning alone are ranked together by a convex mix of both scores: BM25 min-max normalised over
those candidates (an article found by meaning alone scores 0 by words), the cosine as it is,
scaled by a constant (``fused``). How much the words weigh depends on the query: on how many
of its words the index knows at all (as written, or in another form, spelling or script). A
question in English, most of whose words no Hindi article writes, is ranked mostly by meaning;
a Hindi question whose words are all in the archive by both (docs/relevance.md has the
measurements). Reciprocal rank fusion (``reciprocal_ranks``) is here to be measured beside it:
it loses XQuAD in every setting tried, so ``combined`` uses it only when asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FusionOptions:
    pool: int = 100  # hits by words ranked again with meaning
    nearest: int = 100  # articles looked at by meaning
    join: int = 10  # at most this many articles found by meaning alone join a result set
    join_margin: float = 0.08  # ... each within this cosine of the nearest article's
    join_z: float = 2.0  # ... and this many standard deviations above the mean of the nearest
    weight: float = 0.3  # the weight of words for a query whose every word the index knows
    cosine_scale: float = 0.15  # a cosine difference that counts as much as words min to max
    by_share: bool = True  # words weigh less as fewer of the query's words are in the index
    # "convex" (``fused``, shipped) or "rrf" (``reciprocal_ranks``: ranks, not scores, with
    # ``rrf_k``), measured beside it in docs/relevance.md
    method: str = "convex"
    rrf_k: int = 60


DEFAULT_FUSION = FusionOptions()


def normalised(scores: Sequence[float | None]) -> list[float]:
    """Min-max over the scores given, into [0, 1]; None (no score on this side) is 0. All equal:
    all 1 (each is as good as the best)."""
    known = [s for s in scores if s is not None]
    if not known:
        return [0.0] * len(scores)
    lo, hi = min(known), max(known)
    if hi <= lo:
        return [0.0 if s is None else 1.0 for s in scores]
    return [0.0 if s is None else (s - lo) / (hi - lo) for s in scores]


def words_weight(known_share: float, opts: FusionOptions = DEFAULT_FUSION) -> float:
    """The weight of words, for a query of which ``known_share`` of the words are in the index."""
    if not opts.by_share:
        return opts.weight
    return opts.weight * min(1.0, max(0.0, known_share))


def fused(
    by_words: Sequence[float | None], by_meaning: Sequence[float], weight: float, scale: float
) -> list[float]:
    """``weight`` x min-max normalised words score + (1 - weight) x cosine above the lowest
    candidate's, in units of ``scale``. Cosines are not stretched to their spread: where the
    model finds the candidates all alike (a spread of 0.01), meaning has little to say, and
    min-max would make its noise as loud as the words."""
    w = normalised(by_words)
    low = min(by_meaning, default=0.0)
    return [weight * a + (1 - weight) * (c - low) / scale for a, c in zip(w, by_meaning, strict=True)]


def ranks(scores: Sequence[float | None]) -> list[int | None]:
    """1 for the best score, equal scores the same rank (the next one skips: 1, 1, 3), None for
    no score."""
    known = sorted((s for s in scores if s is not None), reverse=True)
    first: dict[float, int] = {}
    for n, s in enumerate(known, 1):
        first.setdefault(s, n)
    return [None if s is None else first[s] for s in scores]


def reciprocal_ranks(
    by_words: Sequence[float | None], by_meaning: Sequence[float], weight: float, k: int
) -> list[float]:
    """Weighted reciprocal rank fusion: ``weight / (k + rank by words) + (1 - weight) / (k + rank
    by cosine)``, ranks among these candidates; no words score, no words term. Only the order of
    each side counts, not how far apart its scores are."""
    out = []
    for a, c in zip(ranks(by_words), ranks(by_meaning), strict=True):
        assert c is not None  # every candidate has a cosine
        out.append((weight / (k + a) if a is not None else 0.0) + (1 - weight) / (k + c))
    return out


def combined(
    by_words: Sequence[float | None], by_meaning: Sequence[float], weight: float, opts: FusionOptions
) -> list[float]:
    """The candidates' fused scores by ``opts.method``."""
    if opts.method == "rrf":
        return reciprocal_ranks(by_words, by_meaning, weight, opts.rrf_k)
    if opts.method != "convex":
        raise ValueError(f"unknown fusion method {opts.method!r}: convex or rrf")
    return fused(by_words, by_meaning, weight, opts.cosine_scale)


def joiners(
    nearest: Sequence[tuple[str, float]], have_words: set[str], opts: FusionOptions = DEFAULT_FUSION
) -> list[tuple[str, float]]:
    """Of the articles nearest the query (best first), those that may join the result set
    without its words: not among ``have_words``, within ``join_margin`` of the nearest one's
    cosine, standing out from the nearest (``join_z`` standard deviations above their mean
    cosine: where every article is about as near, none is near), at most ``join``."""
    if not nearest:
        return []
    cosines = [c for _, c in nearest]
    mean = sum(cosines) / len(cosines)
    spread = (sum((c - mean) ** 2 for c in cosines) / len(cosines)) ** 0.5
    if spread == 0:  # one article, or all alike: nothing stands out
        return []
    floor = max(nearest[0][1] - opts.join_margin, mean + opts.join_z * spread)
    out = [(i, c) for i, c in nearest if i not in have_words and c >= floor]
    return out[: opts.join]

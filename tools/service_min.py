"""The search service's own time per query, the fastest of several runs, by kind of query.

    python -m tools.service_min INDEX SOURCES... [--runs 7] [--semantic]

INDEX is a Whoosh index folder; SOURCES the corpora `khabar bench` samples its query mix from.
Each query of the mix (with the research desk, as the default page) is searched ``--runs`` times
in this process and its fastest run kept, whole and its ``match`` step: on a machine whose speed
drifts within minutes, the minimum of a query's runs moves far less than a mean, so two
checkouts run one after the other (``git stash``, a worktree) compare changes of a millisecond.
Search by meaning is off unless ``--semantic`` (its embedding runs on a thread of its own, which
a minimum of wall times does not account for).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from indexer.benchmark import measure
from indexer.search.request import SearchRequest
from indexer.search.service import SearchService


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("index", type=Path, help="Whoosh index folder")
    p.add_argument("sources", nargs="+", type=Path)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--semantic", action="store_true")
    args = p.parse_args(argv)
    queries = measure.sampled_mix(args.sources)
    if queries is None:
        return 2
    svc = SearchService(args.index, semantic=args.semantic)
    reqs = [SearchRequest(q=q.q, filters=q.filters, timeline=True, words=True) for q in queries]
    whole = [float("inf")] * len(reqs)
    match = [float("inf")] * len(reqs)
    for _ in range(args.runs):
        for i, r in enumerate(reqs):
            t = time.perf_counter()
            result = svc.search(r)
            whole[i] = min(whole[i], (time.perf_counter() - t) * 1000)
            match[i] = min(match[i], result.timings.get("match", 0.0))
    print(
        f"{len(reqs)} queries, the fastest of {args.runs} runs each: search {sum(whole) / len(reqs):.2f} ms, "
        f"match {sum(match) / len(reqs):.2f} ms (means over the queries); search p50 / p95 / p99 "
        f"{measure.percentile(whole, 50):.1f} / {measure.percentile(whole, 95):.1f} / "
        f"{measure.percentile(whole, 99):.1f} ms"
    )
    kinds: dict[str, list[float]] = {}
    for q, m in zip(queries, match, strict=True):
        kinds.setdefault(q.kind, []).append(m)
    print("match by kind: " + ", ".join(f"{k} {sum(v) / len(v):.1f}" for k, v in kinds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What each search asks of the OpenSearch cluster, and what each part of it costs.

    python -m tools.cluster_requests SOURCES... --opensearch-url URL --opensearch-index NAME \
        [--rounds 2] [--variants]

SOURCES are the corpora `khabar bench` samples its query mix from; the index is one `khabar
bench --engine opensearch` built. The service runs in this process (research desk and search by
meaning on, as the default page): every request it sends through the client is timed and
sorted by kind (the words' search, the neighbourhood by meaning, the joiners' search, the
multi-gets of shown hits and of the desk's sample, term statistics), with the cluster's own
``took``, the request body's size and how many a search sends. ``--variants`` then replays
every fifth query's search by words with one part left out at a time (the DFS phase, the
aggregations, the day histogram, the stored fields, the hits), interleaved query by query so
that the machine's drift falls on every variant alike, none answered from the shard request
cache: each part's share of the cluster's time.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.benchmark import measure
from indexer.engines.config import from_options
from indexer.search.request import SearchRequest
from indexer.search.service import SearchService

Body = dict[str, Any]
VARIANTS: dict[str, Callable[[Body, dict[str, str]], tuple[Body, dict[str, str]]]] = {
    "as sent": lambda b, p: (b, p),
    "without the DFS phase": lambda b, p: (b, {}),
    "without aggregations": lambda b, p: ({k: v for k, v in b.items() if k != "aggs"}, p),
    "without the day histogram": lambda b, p: (
        dict(b, aggs={k: v for k, v in b.get("aggs", {}).items() if k != "_days"}),
        p,
    ),
    "the day histogram in 30-day buckets": lambda b, p: (_coarser_days(b, 30), p),
    "no hits (size 0), aggregations": lambda b, p: (dict(b, size=0), {}),
    "no hits, no aggregations": lambda b, p: (dict({k: v for k, v in b.items() if k != "aggs"}, size=0), {}),
}


def _coarser_days(body: Body, days: int) -> Body:
    """The body with its day histogram's interval ``days`` times longer: whether the buckets'
    number (up to one a day of the archive) or the pass over the matches costs."""
    body = copy.deepcopy(body)
    aggs = body.get("aggs", {})
    hist = aggs.get("_days", {})
    hist = hist.get("aggs", {}).get("_days", hist)  # under the selections' filter, if any
    if "histogram" in hist:
        hist["histogram"]["interval"] *= days
    return body


def _kind(method: str, kwargs: dict[str, Any]) -> str:
    if method != "search":
        fields = (kwargs.get("params") or {}).get("stored_fields", "")
        return f"{method} ({fields})" if fields else method
    text = json.dumps(kwargs.get("body") or {})
    if '"knn"' in text or "script_score" in text:
        return "search: neighbourhood by meaning"
    if '"id"' in json.dumps((kwargs.get("body") or {}).get("query", {}))[:400]:
        return "search: the joiners"
    return "search: words"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sources", nargs="+", type=Path)
    p.add_argument("--opensearch-url", required=True)
    p.add_argument("--opensearch-index", required=True)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--variants", action="store_true")
    args = p.parse_args(argv)
    queries = measure.sampled_mix(args.sources)
    if queries is None:
        return 2
    config = from_options(
        engine="opensearch", opensearch_url=args.opensearch_url, opensearch_index=args.opensearch_index
    )
    svc = SearchService(config)
    reqs = [SearchRequest(q=q.q, filters=q.filters, timeline=True, words=True) for q in queries]
    for r in reqs:  # warm: caches of the generation, the cluster's own
        svc.search(r)

    wall: dict[str, list[float]] = defaultdict(list)
    took: dict[str, list[float]] = defaultdict(list)
    size: dict[str, list[int]] = defaultdict(list)
    words_searches: list[tuple[str, Body, dict[str, str]]] = []
    # The service's own client, its methods timed on the instance (no engine library imported).
    client = svc.engine.conn.call(lambda c: c)  # type: ignore[attr-defined]
    originals = {m: getattr(client, m) for m in ("search", "mget", "mtermvectors")}

    def timed(method: str) -> Callable[..., Any]:
        def call(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            found = originals[method](*a, **k)
            kind = _kind(method, k)
            wall[kind].append((time.perf_counter() - t) * 1000)
            if isinstance(found, dict) and "took" in found:
                took[kind].append(found["took"])
            size[kind].append(len(json.dumps(k.get("body") or {})))
            if kind == "search: words":
                words_searches.append((k["index"], copy.deepcopy(k["body"]), dict(k.get("params") or {})))
            return found

        return call

    for m in originals:
        setattr(client, m, timed(m))
    steps: Counter[str] = Counter()
    start = time.perf_counter()
    try:
        for _ in range(args.rounds):
            for r in reqs:
                steps.update(svc.search(r).timings)
    finally:
        for m in originals:
            delattr(client, m)  # the class's methods again
    n = args.rounds * len(reqs)
    print(f"{n} searches, {(time.perf_counter() - start) * 1000 / n:.1f} ms each in this process")
    print("Server-Timing steps (mean ms): " + ", ".join(f"{k} {v / n:.1f}" for k, v in steps.items()))
    print(f"{'request':34} {'a search':>8} {'ms each':>8} {'took':>6} {'body KB':>8} {'ms a search':>12}")
    for kind, ms in sorted(wall.items(), key=lambda kv: -sum(kv[1])):
        t = took.get(kind)
        print(
            f"{kind:34} {len(ms) / n:8.2f} {statistics.mean(ms):8.1f} "
            f"{statistics.mean(t) if t else float('nan'):6.1f} {statistics.mean(size[kind]) / 1024:8.1f} "
            f"{sum(ms) / n:12.1f}"
        )
    if args.variants:
        sample = words_searches[: len(reqs)][::5]
        got: dict[str, list[float]] = {v: [] for v in VARIANTS}
        for _ in range(3):
            for index, body, params in sample:
                for name, change in VARIANTS.items():
                    b, q = change(copy.deepcopy(body), dict(params))
                    q["request_cache"] = "false"  # a search of no hits would be answered from it
                    got[name].append(originals["search"](index=index, body=b, params=q)["took"])
        print(f"the search by words, {len(sample)} queries x 3, interleaved (cluster's took, ms):")
        for name, t in got.items():
            print(f"  {name:34} median {statistics.median(t):5.1f}  mean {statistics.mean(t):5.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

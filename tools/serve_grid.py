"""How many Gunicorn workers and threads: `khabar serve` measured over a grid of both.

    python -m tools.serve_grid INDEX SOURCES... [--workers 1,2,3,4] [--threads 1,2,4,8] \
        [--clients 8] [--seconds 20] [--engine opensearch ...]

INDEX is a Whoosh index folder (or "-" with the engine options for OpenSearch); SOURCES the
corpora `khabar bench` samples its query mix from. For each pair, the default page's JSON
(research desk and meaning on) under ``--clients`` concurrent clients: requests/s, latency
p50/p95/p99 and the CPU per request, one line each (docs/performance.md has the table the
shipped defaults were chosen from).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer.benchmark import measure


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("index", help="Whoosh index folder, or - with --engine-args")
    p.add_argument("sources", nargs="+", type=Path)
    p.add_argument("--workers", type=_ints, default=[1, 2, 3, 4])
    p.add_argument("--threads", type=_ints, default=[1, 2, 4, 8])
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--engine-args", default="", help="engine options for `khabar serve`, one string")
    args = p.parse_args(argv)
    queries = measure.sampled_mix(args.sources, args.queries)
    if queries is None:
        return 2
    where: Path | list[str] = args.engine_args.split() if args.index == "-" else Path(args.index)
    json_default = [v for v in measure.HTTP_VARIANTS if v[0] == "json"]
    print("| workers | threads | requests/s | p50 / p95 / p99 ms | CPU ms per request |")
    print("|---|---|---|---|---|")
    for w in args.workers:
        for t in args.threads:
            measure.SERVE_ARGS[:] = ["--workers", str(w), "--threads", str(t)]
            h = measure.http_load(where, queries, args.clients, args.seconds, None, json_default)["json"]
            cpu = ", ".join(f"{k} {v:.1f}" for k, v in h["cpu_ms_per_request"].items())
            print(
                f"| {w} | {t} | {h['requests_per_s']:.1f} | {h['p50_ms']:.0f} / {h['p95_ms']:.0f} / "
                f"{h['p99_ms']:.0f} | {cpu} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

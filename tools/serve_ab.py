"""Two checkouts of Khabar served one after the other, in turns: a change measured through HTTP
on a machine whose speed drifts by more than the change between two runs of `khabar bench`.

    git worktree add /tmp/base <commit>
    python -m tools.serve_ab INDEX SOURCES... --against /tmp/base [--rounds 2] [--seconds 12]

INDEX is a Whoosh index folder both checkouts read; SOURCES the corpora `khabar bench` samples
its query mix from. Each round serves the default page's JSON (research desk and meaning on)
from the other checkout, then from this one, each warmed by one pass over the mix: one client
asking every query once (latency, and where the time went by the server's Server-Timing), then
``--clients`` for ``--seconds`` (requests/s, CPU per request). One line a server and round.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from indexer.benchmark import measure

HERE = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("index", type=Path, help="Whoosh index folder")
    p.add_argument("sources", nargs="+", type=Path)
    p.add_argument("--against", type=Path, required=True, help="the other checkout (a git worktree)")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=12)
    args = p.parse_args(argv)
    if not (args.against / "indexer" / "__init__.py").is_file():
        print(f"{args.against} is not a checkout of Khabar", file=sys.stderr)
        return 2
    queries = measure.sampled_mix(args.sources)
    if queries is None:
        return 2
    # One pass: each variant is warmed (every query asked once) before it is timed.
    json_default = [v for v in measure.HTTP_VARIANTS if v[0] == "json"]
    index = args.index.resolve()
    home, path = os.getcwd(), os.environ.get("PYTHONPATH")
    try:
        for n in range(1, args.rounds + 1):
            for name, root in (("against", args.against.resolve()), ("this", HERE)):
                # `python -m indexer.cli serve` imports from its working folder first.
                os.environ["PYTHONPATH"] = str(root)
                os.chdir(root)
                h = measure.http_load(index, queries, args.clients, args.seconds, None, json_default)["json"]
                one, cpu = h["one_client"], h["cpu_ms_per_request"]
                steps = ", ".join(f"{k} {v:.1f}" for k, v in one["steps_ms"].items())
                print(
                    f"round {n} {name:8} one client p50 / p95 / p99 {one['p50_ms']:.1f} / "
                    f"{one['p95_ms']:.1f} / {one['p99_ms']:.1f} ms; {h['requests_per_s']:.1f} requests/s; "
                    f"CPU web server {cpu['web server']:.1f}, embedding {cpu['embedding']:.1f} ms; {steps}",
                    flush=True,
                )
    finally:
        os.chdir(home)
        if path is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = path
    return 0


if __name__ == "__main__":
    sys.exit(main())

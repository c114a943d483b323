"""Load test: concurrent readers against `khabar serve` on loopback, with the server's memory watched.

    python -m tools.loadtest INDEX_DIR [--clients 16] [--seconds 60] [--max-requests 200000]

Each client searches a mix of words, phrases and romanised words, and follows facet links
(toggle URLs from the answers) and next-page links, as a reader clicking around would. The run
is bounded in time and requests and stops by itself. It prints requests/s, errors, latency
p50/p95/p99 and the server's memory over the run (proportional set size, heap and mapped
files); the exit status is 1 if any request failed or the heap grew by 5 % or more over the
second half of the run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from indexer.benchmark.measure import Memory, latency_summary, serving, tree_memory

QUERIES = [
    "सरकार", "कोरोना", "किसान", "चुनाव", "दिल्ली", "पुलिस", "अस्पताल", "मजदूर", "बाजार", "शिक्षा",
    "भारत सरकार", "कोरोना वायरस", "लॉकडाउन मजदूर", "प्रधानमंत्री मोदी", '"प्रवासी मजदूर"', '"शेयर बाजार"',
    "sarkar", "kisan", "corona", "dilli", "chunav", "किसान -पंजाब", "IPL", "वैक्सीन टीका", "",
]  # fmt: skip


FLAT = 0.05  # heap growth over the second half of the run below which memory counts as flat
JUDGE_AFTER = 20  # memory samples (one a second) a run needs before its memory is judged


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("index", type=Path)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--max-requests", type=int, default=200_000)
    p.add_argument("--workers", type=int, default=None, help="server processes (khabar serve --workers)")
    args = p.parse_args(argv)
    if not args.index.exists():
        print(f"skipped: no index at {args.index}", file=sys.stderr)
        return 0
    extra = ["--workers", str(args.workers)] if args.workers else []
    with serving(args.index, *extra) as base:
        lock = threading.Lock()
        latencies: list[float] = []
        errors: list[str] = []
        memory: list[tuple[float, Memory]] = []
        count = [0]
        stop = time.monotonic() + args.seconds

        def watch() -> None:
            while time.monotonic() < stop:
                memory.append((time.monotonic(), tree_memory(base.pid)))
                time.sleep(1)

        def client(seed: int) -> None:
            rnd = random.Random(seed)
            url = None
            while time.monotonic() < stop:
                with lock:
                    if count[0] >= args.max_requests:
                        return
                    count[0] += 1
                if url is None:
                    url = "/api/search?" + urllib.parse.urlencode({"q": rnd.choice(QUERIES)})
                t0 = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + url, timeout=60) as r:
                        data = json.load(r)
                    ok = True
                except Exception as e:  # every failure counts, whatever it is
                    with lock:
                        errors.append(f"{url}: {e!r}")
                    ok = False
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1000)
                url = None
                if ok and rnd.random() < 0.5:  # click: a facet value, or the next page
                    links = [v["toggle_url"] for vs in data["facets"].values() for v in vs[:5]]
                    if data["page_urls"]["next"]:
                        links.append(data["page_urls"]["next"])
                    url = rnd.choice(links) if links else None

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    lat = latency_summary(latencies)
    print(f"{len(latencies)} requests from {args.clients} clients in {elapsed:.1f} s: "
          f"{len(latencies) / elapsed:.1f} requests/s, {len(errors)} errors")  # fmt: skip
    print(f"latency p50 {lat['p50_ms']:.0f} ms, p95 {lat['p95_ms']:.0f} ms, p99 {lat['p99_ms']:.0f} ms")
    flat = report_memory(memory) if memory else True
    for e in errors[:5]:
        print(f"error: {e}", file=sys.stderr)
    return 1 if errors or not flat else 0


def report_memory(memory: list[tuple[float, Memory]], rows: int = 6) -> bool:
    """Print the server's memory over the run and whether its heap grew in the second half (after
    the caches filled); return False if it grew. Proportional memory: pages shared by the forked
    workers count once. A run of under JUDGE_AFTER samples is too short to judge."""
    t0 = memory[0][0]
    print("server memory, all processes (PSS): seconds  heap MB  mapped files MB")
    step = max(1, (len(memory) - 1) // (rows - 1))
    for t, m in memory[::step] + ([memory[-1]] if (len(memory) - 1) % step else []):
        print(f"  {t - t0:6.0f} {m.anon / 1e6:8.0f} {m.file / 1e6:8.0f}")
    half = memory[len(memory) // 2 :]
    first, last = half[0][1].anon, max(m.anon for _, m in half)
    growth = (last - first) / first if first else 0.0
    if len(memory) < JUDGE_AFTER:
        verdict = f"too short to judge (under {JUDGE_AFTER} s)"
    else:
        verdict = "flat" if growth < FLAT else "GROWING"
    print(f"heap over the second half: {first / 1e6:.0f} -> {last / 1e6:.0f} MB peak "
          f"({growth:+.1%}): {verdict} (flat means under {FLAT:.0%})")  # fmt: skip
    return verdict != "GROWING"


if __name__ == "__main__":
    sys.exit(main())

"""How often two TREC runs (two engines on the same queries) give the same top 10.

    python -m tools.same_top10 /tmp/whoosh.run /tmp/os.run

Prints the share of queries whose top 10 ids are the same set, and the same list in the same
order, and the first queries that differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from indexer.evaluation import Run


def read_run(path: Path) -> Run:
    run: Run = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        qid, _, doc, _rank, score, _tag = line.split()
        run.setdefault(qid, []).append((doc, float(score)))
    for hits in run.values():
        hits.sort(key=lambda h: -h[1])
    return run


def compare(a: Run, b: Run, depth: int = 10) -> tuple[float, float, list[str]]:
    qids = sorted(set(a) | set(b))
    same_set = same_order = 0
    differ: list[str] = []
    for q in qids:
        x = [d for d, _ in a.get(q, [])[:depth]]
        y = [d for d, _ in b.get(q, [])[:depth]]
        same_set += set(x) == set(y)
        same_order += x == y
        if set(x) != set(y):
            differ.append(q)
    n = max(len(qids), 1)
    return same_set / n, same_order / n, differ


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    a, b = (read_run(Path(p)) for p in args)
    same_set, same_order, differ = compare(a, b)
    print(f"queries: {len(set(a) | set(b))}")
    print(f"same top-10 ids (as a set): {100 * same_set:.1f}%")
    print(f"same top-10 ids in the same order: {100 * same_order:.1f}%")
    if differ:
        print(f"first that differ: {', '.join(differ[:10])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Stock Whoosh, as `khabar bench` runs it beside Khabar: its StandardAnalyzer and default BM25F,
top 10 only. (Here because only this package imports Whoosh.)

Run in a process of its own (``python -m indexer.engines.whoosh.stock``, what ``in_own_process``
does): Khabar's engine corrects Whoosh's internals when it is imported (``fixes``), and a peer
measured after that would not be stock Whoosh.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh.fields import ID, TEXT, Schema

WRITER_LIMIT_MB = 256


def stock_whoosh_index(records: Iterable[dict], index_dir: Path) -> float:
    """Index the records (id, title, body, category) with Whoosh's defaults; returns seconds."""
    t0 = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True),
        body=TEXT(stored=True),
        category=ID(stored=True),
    )
    ix = whoosh_index.create_in(str(index_dir), schema)
    w = ix.writer(limitmb=WRITER_LIMIT_MB)
    for r in records:
        w.add_document(id=r["id"], title=r["title"], body=r["body"], category=r["category"])
    w.commit()
    return time.perf_counter() - t0


def stock_whoosh_search(index_dir: Path, queries: list[str]) -> list[float]:
    """Milliseconds of each query, top 10."""
    ix = whoosh_index.open_dir(str(index_dir))
    parser = qparser.MultifieldParser(["title", "body"], ix.schema)
    ms: list[float] = []
    with ix.searcher() as s:
        for q in queries:
            t0 = time.perf_counter()
            s.search(parser.parse(q), limit=10)
            ms.append((time.perf_counter() - t0) * 1000)
    return ms


def in_own_process(command: str, *args: str) -> object:
    """``index CORPUS.jsonl DIR`` (seconds) or ``search DIR QUERIES.json`` (milliseconds per query)
    in a fresh interpreter, which has imported nothing of Khabar's engine."""
    done = subprocess.run(
        [sys.executable, "-m", __name__, command, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"stock Whoosh failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def _main(argv: list[str]) -> None:
    if "indexer.engines.whoosh.fixes" in sys.modules:  # the measurement would not be of stock Whoosh
        raise SystemExit("stock Whoosh must run without Khabar's corrections to Whoosh")
    command, *rest = argv
    if command == "index":
        corpus, index_dir = Path(rest[0]), Path(rest[1])
        with corpus.open(encoding="utf-8") as fh:
            print(json.dumps(stock_whoosh_index((json.loads(line) for line in fh), index_dir)))
    elif command == "search":
        queries = json.loads(Path(rest[1]).read_text(encoding="utf-8"))
        print(json.dumps(stock_whoosh_search(Path(rest[0]), queries)))
    else:
        raise SystemExit(f"unknown command {command!r}: index or search")


if __name__ == "__main__":
    _main(sys.argv[1:])

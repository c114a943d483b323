"""Stock Whoosh, as `khabar bench` runs it beside Khabar: its StandardAnalyzer and default BM25F,
top 10 only. (Here because only this package imports Whoosh.)"""

from __future__ import annotations

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

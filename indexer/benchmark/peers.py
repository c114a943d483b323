"""The two peers `khabar bench` runs beside Khabar on the same articles and queries.

- stock Whoosh: its StandardAnalyzer and default BM25F, top 10 only (no facets, no snippets),
  in a process of its own (Khabar's engine corrects Whoosh's internals in this one);
- SQLite FTS5 (Python's sqlite3, unicode61 tokenizer): bm25 top 10 with snippet() and GROUP BY
  counts for the same facets, as a small self-hosted engine would do it.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from indexer.benchmark.measure import Query, latency_summary
from indexer.engines.whoosh import stock

__all__ = ["fts5_index", "fts5_search", "stock_whoosh_index", "stock_whoosh_search"]


def stock_whoosh_index(corpus: Path, index_dir: Path) -> float:
    return float(stock.in_own_process("index", str(corpus), str(index_dir)))  # type: ignore[arg-type]


def stock_whoosh_search(index_dir: Path, queries: list[Query]) -> dict[str, float]:
    texts = index_dir.with_name(index_dir.name + "-queries.json")
    texts.write_text(json.dumps([q.q for q in queries], ensure_ascii=False), encoding="utf-8")
    return latency_summary(stock.in_own_process("search", str(index_dir), str(texts)))  # type: ignore[arg-type]


def records(corpus: Path) -> Iterator[dict]:
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def fts5_index(corpus: Path, db: Path) -> float:
    t0 = time.perf_counter()
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute(
        "CREATE VIRTUAL TABLE a USING fts5(title, body, id UNINDEXED, category UNINDEXED, "
        "source UNINDEXED, author UNINDEXED, year UNINDEXED, tokenize='unicode61')"
    )
    con.executemany(
        "INSERT INTO a VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (r["title"], r["body"], r["id"], r["category"], r["source"], r["author"], r["date"][:4])
            for r in records(corpus)
        ),
    )
    con.commit()
    con.close()
    return time.perf_counter() - t0


_FTS_WORD = re.compile(r'"[^"]+"|[^\s"]+')


def _fts_query(text: str) -> str:
    """Each word (or quoted phrase) as an FTS5 string, all required."""
    parts = []
    for m in _FTS_WORD.findall(text):
        inner = m.strip('"').replace('"', "")
        if inner:
            parts.append(f'"{inner}"')
    return " ".join(parts) or '""'


def fts5_search(db: Path, queries: list[Query]) -> dict[str, float]:
    con = sqlite3.connect(db)
    ms: list[float] = []
    for q in queries:
        match = _fts_query(q.q)
        where, args = "a MATCH ?", [match]
        for name, values in q.filters.items():
            where += f" AND {name} IN ({','.join('?' * len(values))})"
            args += values
        t0 = time.perf_counter()
        con.execute(
            f"SELECT id, title, snippet(a, 1, '<mark>', '</mark>', '…', 24) FROM a WHERE {where} "
            "ORDER BY bm25(a) LIMIT 10",
            args,
        ).fetchall()
        for facet in ("category", "source", "author", "year"):
            con.execute(f"SELECT {facet}, count(*) FROM a WHERE {where} GROUP BY {facet}", args).fetchall()
        ms.append((time.perf_counter() - t0) * 1000)
    con.close()
    return latency_summary(ms)

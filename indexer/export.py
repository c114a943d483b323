"""Export formats: the matching articles as CSV (for spreadsheets) or JSON Lines (whole records).

Both are generators of text chunks, so the web app can stream them and the CLI can write them
to a file, an article at a time: memory stays flat whatever the number of articles.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator

from indexer.analysis.graphemes import floor_boundary
from indexer.search import StoredArticle

FORMATS = ("csv", "jsonl")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
LIMIT = 100_000  # articles per export unless lifted (the CLI's --all)
EXCERPT = 300  # characters of the body in a CSV row
CSV_COLUMNS = ("id", "date", "title", "source", "category", "author", "tags", "url", "excerpt")
BOM = "\ufeff"  # without it, Excel reads UTF-8 as the local code page and shows mojibake for Devanagari


def excerpt(body: str, limit: int = EXCERPT) -> str:
    """The first ``limit`` characters, never cutting a grapheme cluster (a matra or a virama
    left without its consonant) and with line breaks as spaces (one row per article)."""
    flat = " ".join(body.split())
    if len(flat) <= limit:
        return flat
    return flat[: floor_boundary(flat, limit)]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# A cell that is nothing but a number may keep its sign: -12, +3.5, -1,000, 2e-3.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?%?", re.ASCII)


def cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: a value that starts like a formula (=, +, -, @, a
    tab or a line end) gets a leading apostrophe, which Excel and LibreOffice hide, unless the
    whole cell is a number; a scraped title such as ``=HYPERLINK(...)`` or ``-1+cmd|' /C calc'!A0``
    must not run when the file is opened."""
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_chunks(articles: Iterable[StoredArticle], batch: int = 200) -> Iterator[str]:
    """A BOM and the header, then rows, ``batch`` articles per chunk."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180
    buf.write(BOM)
    writer.writerow(CSV_COLUMNS)
    for n, a in enumerate(articles, 1):
        tags = ", ".join(a.tags)
        row = (a.id, a.date, a.title, a.source, a.category, a.author, tags, a.url, excerpt(a.body))
        writer.writerow([cell(v) for v in row])
        if n % batch == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def jsonl_chunks(articles: Iterable[StoredArticle], batch: int = 200) -> Iterator[str]:
    """One JSON object per line: the article as stored (every field, the body whole)."""
    lines: list[str] = []
    for a in articles:
        lines.append(json.dumps(a.to_json(), ensure_ascii=False) + "\n")
        if len(lines) == batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def chunks(fmt: str, articles: Iterable[StoredArticle]) -> Iterator[str]:
    if fmt == "csv":
        return csv_chunks(articles)
    if fmt == "jsonl":
        return jsonl_chunks(articles)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")

"""Record-per-line and record-per-row formats: JSON Lines, a JSON array, CSV with a header row.

Each record is checked on its own, so one bad line costs that line only.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from indexer.ingest.fields import build_article
from indexer.ingest.files import BINARY, CorpusFile, UnreadableFile, looks_binary, read_text
from indexer.records import Article, Problem

Item = Article | Problem

# Very long article bodies are legitimate in CSV exports; the csv module's default cap is 128 KB.
csv.field_size_limit(64 * 1024 * 1024)


def _record(rec: Any, cf: CorpusFile, n: int, line: int) -> Iterator[Item]:
    if not isinstance(rec, dict):
        yield Problem(cf.rel, line, f"expected a JSON object, found {type(rec).__name__}")
        return
    article, problems = build_article(
        rec, default_id=f"{cf.id_base}/{n}", default_category=cf.folder_category, path=cf.rel, line=line
    )
    yield from problems
    if article:
        yield article


_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _loads(text: str) -> Any:
    """json.loads, with nesting too deep for Python's parser as a ValueError like any other."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def read_jsonl(cf: CorpusFile) -> Iterator[Item]:
    """Stream the file line by line so a large file never sits in memory whole."""
    seen_content = False
    try:
        fh = cf.path.open("rb")
    except OSError as e:
        yield Problem(cf.rel, None, f"cannot read file: {e.strerror}")
        return
    with fh:
        head = fh.read(8192)
        fh.seek(0)
        if head.startswith(_WIDE_BOMS):
            yield Problem(cf.rel, None, "JSON Lines must be UTF-8 (this file is UTF-16 or UTF-32)")
            return
        if looks_binary(head):  # one problem for the file, not one per "line" of it
            yield Problem(cf.rel, None, BINARY)
            return
        for lineno, raw in enumerate(fh, start=1):
            if lineno == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            seen_content = True
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                yield Problem(cf.rel, lineno, f"not UTF-8 text (invalid byte at column {e.start + 1})")
                continue
            try:
                rec = _loads(text)
            except json.JSONDecodeError as e:
                yield Problem(cf.rel, lineno, f"invalid JSON: {e.msg} at column {e.colno}")
                continue
            except ValueError as e:
                yield Problem(cf.rel, lineno, str(e))
                continue
            # The line number names a record without an id: it stays put when other lines break.
            yield from _record(rec, cf, lineno, lineno)
    if not seen_content:
        yield Problem(cf.rel, None, "empty file")


def read_json(cf: CorpusFile) -> Iterator[Item]:
    try:
        text = read_text(cf.path)
    except UnreadableFile as e:
        yield Problem(cf.rel, None, str(e))
        return
    try:
        data = _loads(text)
    except json.JSONDecodeError as e:
        yield Problem(cf.rel, e.lineno, f"invalid JSON: {e.msg} at column {e.colno}")
        return
    except ValueError as e:
        yield Problem(cf.rel, None, str(e))
        return
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        yield Problem(cf.rel, None, "expected a JSON array of article objects")
        return
    for n, rec in enumerate(data, start=1):
        # A JSON array has no useful line numbers; the record's position stands in for one.
        yield from _record(rec, cf, n, n)


def read_csv(cf: CorpusFile) -> Iterator[Item]:
    try:
        text = read_text(cf.path)
    except UnreadableFile as e:
        yield Problem(cf.rel, None, str(e))
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        yield Problem(cf.rel, 1, "CSV has no header row")
        return
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            yield Problem(cf.rel, reader.line_num, f"malformed CSV: {e}")
            continue
        n += 1
        extra = row.pop(None, None)
        if extra:
            yield Problem(
                cf.rel,
                reader.line_num,
                "row has more cells than the header; extra cells ignored",
                skipped=False,
            )
        yield from _record(row, cf, n, reader.line_num)

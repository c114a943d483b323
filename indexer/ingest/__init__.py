"""Ingestion: files on disk -> Article records, with every problem reported, never raised.

for item in read_corpus([Path("seeds")]):
    if isinstance(item, Article): ...
    else: print(item)   # a Problem: file, line, reason, whether the record was skipped
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from indexer.ingest.files import CorpusFile, UnreadableFile, discover, read_text
from indexer.ingest.structured import read_csv, read_json, read_jsonl
from indexer.ingest.txt import parse_txt
from indexer.records import Article, Problem

Item = Article | Problem


def read_txt(cf: CorpusFile) -> Iterator[Item]:
    try:
        text = read_text(cf.path)
    except UnreadableFile as e:
        yield Problem(cf.rel, None, str(e))
        return
    article, problems = parse_txt(text, cf)
    yield from problems
    if article:
        yield article


def _web(name: str) -> Callable[[CorpusFile], Iterator[Item]]:
    """A reader of ``web.readers``, imported when first used (its libraries are heavy)."""

    def read(cf: CorpusFile) -> Iterator[Item]:
        from indexer.ingest.web import readers

        return getattr(readers, name)(cf)

    return read


READERS: dict[str, Callable[[CorpusFile], Iterator[Item]]] = {
    ".txt": read_txt,
    ".jsonl": read_jsonl,
    ".json": read_json,
    ".csv": read_csv,
    ".html": _web("read_html"),
    ".htm": _web("read_html"),
    ".warc": _web("read_warc"),
    ".warc.gz": _web("read_warc"),
    ".rss": _web("read_feed_file"),
    ".atom": _web("read_feed_file"),
    ".xml": _web("read_feed_file"),
}


def read_file(cf: CorpusFile) -> Iterator[Item]:
    return READERS[cf.suffix](cf)


def read_corpus(paths: list[Path]) -> Iterator[Item]:
    """Every article under ``paths``, interleaved with the problems met."""
    for found in discover(paths):
        if isinstance(found, Problem):
            yield found
        else:
            yield from read_file(found)


__all__ = ["Article", "CorpusFile", "Problem", "discover", "read_corpus", "read_file"]

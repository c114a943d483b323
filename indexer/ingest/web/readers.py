"""Saved web pages, web archives and feeds as articles: the readers ``indexer.ingest`` calls for
``.html``/``.htm``, ``.warc``/``.warc.gz`` and ``.rss``/``.atom``/``.xml`` files.

- A page is one article, or a notice saying why it is not one (``extract.verdict``).
- An archive's candidate pages are extracted by worker processes (``pool``), in order. Captures
  of the same story (the same URL crawled twice, or the AMP page and the canonical one: the
  same ``urls.story_key`` of their canonical URL) are folded into one article, the newest
  capture winning; the others are left out with a notice. The folding waits for the whole
  archive, so the articles are spooled to a temporary file, not held in memory.
- A feed item that carries its story's text is an article; one that carries only a summary is
  left to its page (an archive's page of the same story, or a saved page in the same folder).

Ids come from the canonical URL (``host/path``), so the same story keeps its id across
reindexes and crawls; a page without any URL takes its file's path, as a ``.txt`` does.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from indexer.ingest.fields import build_article
from indexer.ingest.files import CorpusFile
from indexer.ingest.web import pool
from indexer.ingest.web.charset import decode_page
from indexer.ingest.web.extract import MIN_WORDS, Extracted, extract, extractor
from indexer.ingest.web.feeds import MAX_FEED_BYTES, Item, NotAFeed, looks_like_feed, read_feed
from indexer.ingest.web.urls import clean_url, story_key
from indexer.ingest.web.warc import Broken, Captured, read_records
from indexer.records import Article, Problem, iso_date

MAX_PAGE_BYTES = 8 * 1024 * 1024
SPOOL_BUFFER = 1024 * 1024
FEEDS = (".rss", ".atom", ".xml")
Read = Article | Problem


@dataclass
class Page:
    """A page as a worker gives it back."""

    number: int | None  # the archive record (None: a file)
    url: str  # where it was captured
    captured: datetime | None
    extracted: Extracted
    charset_note: str | None


def read_page(
    number: int | None, url: str, captured: datetime | None, body: bytes, content_type: str
) -> Page:
    """Decode and extract one page (this runs in a worker process for archives). Whatever a
    page does to the parsers is this page's problem, reported, not the reindex's."""
    text, _, note = decode_page(body, content_type)
    try:
        extracted = extract(text, url)
    except Exception as e:  # third-party parsers on arbitrary bytes: any failure is this page's
        extracted = Extracted(not_article=f"the page could not be read ({type(e).__name__})")
    return Page(number, url, captured, extracted, note)


def _record(page: Page, cf: CorpusFile) -> dict[str, Any]:
    e = page.extracted
    url = e.canonical or page.url
    date = e.date or page.captured  # an archive's capture date stands in for a page without one
    host = story_key(url).split("/", 1)[0] if url else ""
    return {
        "id": story_key(url),
        "title": e.title,
        "body": e.body,
        "date": iso_date(date),
        "category": e.category,
        "source": e.site or host,
        "author": e.author,
        "url": clean_url(url) if url else "",
        "tags": e.tags,
    }


def _article(page: Page, cf: CorpusFile) -> list[Read]:
    where = cf.rel
    out: list[Read] = []
    if page.extracted.not_article:
        out.append(Problem(where, page.number, page.extracted.not_article, notice=True))
        return out
    article, problems = build_article(
        _record(page, cf),
        default_id=cf.id_base,
        default_category=cf.folder_category,
        path=where,
        line=page.number,
    )
    out += problems
    if article is not None:
        article.captured = page.captured
        out.append(article)
    return out


# -- a saved page ---------------------------------------------------------------------------------


def _misconfigured(cf: CorpusFile) -> Problem | None:
    try:
        extractor()
    except ValueError as e:
        return Problem(cf.rel, None, str(e))
    return None


def read_html(cf: CorpusFile) -> Iterator[Read]:
    if (wrong := _misconfigured(cf)) is not None:
        yield wrong
        return
    try:
        size = os.path.getsize(cf.location)
        if size > MAX_PAGE_BYTES:
            yield Problem(
                cf.rel, None, f"page too large ({size / 1e6:.0f} MB > {MAX_PAGE_BYTES / 1e6:.0f} MB)"
            )
            return
        with open(cf.location, "rb") as fh:
            body = fh.read()
    except OSError as e:
        yield Problem(cf.rel, None, f"cannot read file: {e.strerror}")
        return
    yield from _article(read_page(None, "", None, body, ""), cf)


# -- a web archive --------------------------------------------------------------------------------


def read_warc(cf: CorpusFile) -> Iterator[Read]:
    if (wrong := _misconfigured(cf)) is not None:
        yield wrong
        return
    # Written only at its end while the archive is read, in large writes; read back after.
    with tempfile.TemporaryFile(prefix="khabar-warc-", buffering=SPOOL_BUFFER) as spool:
        kept: dict[str, tuple[tuple[Any, ...], int, int]] = {}  # story -> (rank, offset, record)
        later: list[Problem] = []  # said once the archive is read: broken records, folded captures
        feeds: list[tuple[int, int]] = []  # (record, spool offset) of each feed captured
        order: list[int] = []  # spool offsets of the articles, in archive order
        try:
            fh = open(cf.location, "rb")  # noqa: SIM115 - closed below, after the generator ends
        except OSError as e:
            yield Problem(cf.rel, None, f"cannot read file: {e.strerror}")
            return
        with fh:
            size = os.fstat(fh.fileno()).st_size
            for page in pool.pages(_captures(fh, cf, spool, feeds, later), size):
                items = _article(page, cf)
                article = next((i for i in items if isinstance(i, Article)), None)
                yield from (i for i in items if not isinstance(i, Article))
                if article is None:
                    continue
                key = story_key(article.url) or article.id
                # The newest capture wins; at the same time, the page at the canonical URL.
                rank = (
                    page.captured.timestamp() if page.captured else float("-inf"),
                    story_key(page.url) == key,
                )
                offset = _put(spool, article)
                older = kept.get(key)
                if older is None or rank > older[0]:
                    if older is not None:
                        later.append(_folded(cf, older[2], page.number))
                    kept[key] = (rank, offset, page.number or 0)
                else:
                    later.append(_folded(cf, page.number, older[2]))
                order.append(offset)
        yield from later
        held = set(kept)
        for number, offset in feeds:
            spool.seek(offset)
            yield from _feed_items(cf, pickle.load(spool), number, held)
        winners = {offset for _, offset, _ in kept.values()}
        for offset in order:
            if offset in winners:
                spool.seek(offset)
                yield pickle.load(spool)


def _folded(cf: CorpusFile, dropped: int | None, kept: int | None) -> Problem:
    why = f"the same story as record {kept}: an older capture (or the AMP page), folded into the newest"
    return Problem(cf.rel, dropped, why, notice=True)


def _put(spool: Any, item: Any) -> int:
    """``item`` at the end of the spool (nothing is read from it until every item is put:
    no seek, which would flush its buffer); its offset."""
    offset = spool.tell()
    pickle.dump(item, spool, protocol=pickle.HIGHEST_PROTOCOL)
    return offset


def _captures(
    fh: Any, cf: CorpusFile, spool: Any, feeds: list[tuple[int, int]], later: list[Problem]
) -> Iterator[tuple]:
    """The archive's pages as jobs for the workers; feeds (to the spool: they are read once
    every page is known) and broken records set aside."""
    for rec in read_records(fh):
        if isinstance(rec, Broken):
            later.append(Problem(cf.rel, rec.number, rec.reason))
        elif isinstance(rec, Captured):
            if rec.feed:
                feeds.append((rec.number, _put(spool, rec.body)))
            else:
                yield (rec.number, rec.url, rec.captured, rec.body, rec.content_type)


# -- a feed ---------------------------------------------------------------------------------------


def read_feed_file(cf: CorpusFile) -> Iterator[Read]:
    try:
        size = os.path.getsize(cf.location)
        if size > MAX_FEED_BYTES:
            yield Problem(
                cf.rel, None, f"feed too large ({size / 1e6:.0f} MB > {MAX_FEED_BYTES / 1e6:.0f} MB)"
            )
            return
        with open(cf.location, "rb") as fh:
            head = fh.read(4096)
            if not looks_like_feed(head):
                yield Problem(cf.rel, None, "XML that is not an RSS or Atom feed (a sitemap?)", notice=True)
                return
            data = head + fh.read(size)
    except OSError as e:
        yield Problem(cf.rel, None, f"cannot read file: {e.strerror}")
        return
    yield from _feed_items(cf, data, None, set())


def _feed_items(cf: CorpusFile, data: bytes, record: int | None, held: set[str]) -> Iterator[Read]:
    """A feed's items as articles. ``held``: the stories read already (an archive's pages,
    earlier items): an item of one of them is left out; the items read are added to it."""
    try:
        title, items = read_feed(data)
    except NotAFeed as e:
        yield Problem(cf.rel, record, str(e))
        return
    for item in items:
        where = f"{cf.rel}:{record}" if record else cf.rel
        key = story_key(item.url)
        if key and key in held:
            why = "a feed item of a story read already (its page, or the same item again)"
            yield Problem(where, item.number, why, notice=True)
            continue
        held.add(key)
        words = len(item.text.split())
        if words < MIN_WORDS:
            why = (
                f"a feed item with only a summary ({words} words): its page is read where the corpus holds it"
            )
            yield Problem(where, item.number, why, notice=True)
            continue
        yield from _item_article(cf, item, where, title)


def _item_article(cf: CorpusFile, item: Item, where: str, feed_title: str) -> Iterator[Read]:
    record = {
        "id": story_key(item.url),
        "title": item.title,
        "body": item.text,
        "date": iso_date(item.date),
        "category": item.tags[0] if item.tags else "",
        "source": feed_title or (story_key(item.url).split("/", 1)[0] if item.url else ""),
        "author": item.author,
        "url": clean_url(item.url) if item.url else "",
        "tags": item.tags[1:],
    }
    article, problems = build_article(
        record, default_id=f"{cf.id_base}/{item.number}", default_category=cf.folder_category, path=where,
        line=item.number,
    )  # fmt: skip
    yield from problems
    if article is not None:
        yield article

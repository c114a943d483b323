"""The items of an RSS (0.9x, 1.0, 2.0) or Atom feed, read with feedparser.

A feed that declares XML entities is refused before it is parsed: no news feed needs one, and
they are how an entity-expansion bomb ("billion laughs") or an external entity (a file or a URL
the parser would read) gets in. feedparser is given the bytes, never a string (a string that
looks like a URL it would fetch), so nothing is fetched.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import feedparser

from indexer.ingest.dates import parse_date
from indexer.ingest.web.textblocks import html_text

MAX_FEED_BYTES = 32 * 1024 * 1024
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf")


class NotAFeed(Exception):
    """The bytes are no feed that can be read; the message says why."""


@dataclass
class Item:
    number: int  # the item's place in the feed, from 1
    title: str
    url: str
    date: datetime | None
    author: str
    tags: list[str] = field(default_factory=list)
    text: str = ""  # the item's own text (content, else description), as plain paragraphs


def looks_like_feed(head: bytes) -> bool:
    """Whether an XML document's first bytes open an RSS, RDF or Atom root."""
    low = head[:4096].lower()
    return any(root in low for root in _ROOTS)


def _date(entry: Any) -> datetime | None:
    for key in ("published", "updated", "created", "dc_date"):
        raw = entry.get(key)
        if isinstance(raw, str) and raw.strip():
            try:
                return parse_date(raw)
            except ValueError:
                continue
    return None


def _text(entry: Any) -> str:
    """The longest of the item's content and description, as text."""
    parts = [c.get("value", "") for c in entry.get("content") or [] if isinstance(c, dict)]
    parts.append(entry.get("summary") or "")
    texts = [html_text(p) for p in parts if isinstance(p, str) and p.strip()]
    return max(texts, key=len, default="")


def read_feed(data: bytes) -> tuple[str, list[Item]]:
    """(the feed's title, its items), or NotAFeed saying why it cannot be read."""
    if len(data) > MAX_FEED_BYTES:
        raise NotAFeed(f"feed too large ({len(data) / 1e6:.0f} MB > {MAX_FEED_BYTES / 1e6:.0f} MB)")
    if _ENTITY.search(data[:65536]):
        raise NotAFeed("the feed declares XML entities (an entity bomb or an external entity): not read")
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception")
        raise NotAFeed(f"not an RSS or Atom feed{f' ({why})' if why else ''}")
    items = []
    for n, entry in enumerate(parsed.entries, 1):
        tags = [t.get("term", "").strip() for t in entry.get("tags") or [] if isinstance(t, dict)]
        items.append(
            Item(
                number=n,
                title=" ".join((entry.get("title") or "").split()),
                url=(entry.get("link") or "").strip(),
                date=_date(entry),
                author=" ".join((entry.get("author") or "").split()),
                tags=[t for t in tags if t],
                text=_text(entry),
            )
        )
    return " ".join((parsed.feed.get("title") or "").split()), items

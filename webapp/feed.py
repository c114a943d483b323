"""An Atom feed (RFC 4287) of a search's newest articles, so a reader can follow a story."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta, timezone
from xml.etree import ElementTree as ET

from indexer.export import excerpt
from indexer.ingest.clean import clean
from indexer.search import StoredArticle

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50
IST = timezone(timedelta(hours=5, minutes=30))  # a date without a zone is Indian time (records.py)
SUMMARY = 400  # characters of the body in an entry's summary


def rfc3339(value: str) -> str | None:
    """An article's date (ISO, as stored) as an Atom date-time; None when it has none."""
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) <= 10:
        d = datetime.combine(d.date(), time())
    if d.tzinfo is None:
        d = d.replace(tzinfo=IST)
    return d.isoformat()


def atom(
    title: str,
    self_url: str,
    page_url: str,
    articles: Iterable[StoredArticle],
    article_url: Callable[[str], str],
) -> bytes:
    """The feed document; its id is its own URL (one feed per search), an entry's id its
    article page's absolute URL (``article_url``)."""
    ET.register_namespace("", ATOM)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        # Indexed text is already fit for XML (ingest/clean.py); an index built before that was
        # may still hold a control character, which no XML parser reads.
        e = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: clean(v)[0] for k, v in attrs.items()})
        if text is not None:
            e.text = clean(text)[0]
        return e

    feed = ET.Element(f"{{{ATOM}}}feed")
    el(feed, "title", title)
    el(feed, "id", self_url)
    el(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    el(feed, "link", rel="alternate", type="text/html", href=page_url)
    el(feed, "generator", "Khabar")
    updated = el(feed, "updated")
    newest: str | None = None
    for a in articles:
        when = rfc3339(a.date)
        newest = max(newest, when) if newest and when else (newest or when)
        entry = el(feed, "entry")
        el(entry, "title", a.title)
        page = article_url(a.id)
        el(entry, "id", page)
        el(entry, "link", rel="alternate", type="text/html", href=page)
        if a.url:
            el(entry, "link", rel="via", href=a.url)
        # Atom requires a date on every entry: an undated article takes the feed's.
        el(entry, "updated", when or "")
        if a.author:
            el(el(entry, "author"), "name", a.author)
        if a.category:
            el(entry, "category", term=a.category)
        summary = el(entry, "summary", excerpt(a.body, SUMMARY))
        summary.set("type", "text")
    updated.text = newest or datetime.now(UTC).replace(microsecond=0).isoformat()
    for entry_updated in feed.iter(f"{{{ATOM}}}updated"):
        if not entry_updated.text:
            entry_updated.text = updated.text
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

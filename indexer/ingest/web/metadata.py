"""What a news page says about itself: headline, date, author, section, tags, canonical URL.

Read from the places news CMSes put them, the most deliberate first: schema.org JSON-LD
(``NewsArticle``), Open Graph and ``article:`` meta tags, other meta names, then the page itself
(the headline element, ``<time datetime>``, the byline under the headline, read by
``byline``), then the URL (``/2020/05/15/``). Each field says where it came from, for the
comparison in docs/ingestion.md.

Libraries were measured first (docs/ingestion.md): trafilatura's metadata drops the last
vowel sign of Hindi names (रीना शर्मा becomes रीना शर्म: its name cleaning does not count
combining marks as letters) and misses dates printed only in Hindi; both are read here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import html as lxml_html

from indexer.ingest.dates import parse_date
from indexer.ingest.web.byline import Byline, read_byline
from indexer.ingest.web.urls import absolute

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "liveblogposting",
                  "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle", "report"}  # fmt: skip
_BYLINE_HINT = re.compile(
    r"byline|author|writer|reporter|posted|dateline|entry-meta|story-meta|article-meta|meta", re.I
)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|$|[^\d])")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»·•]\s+|\s*\|\s*")
_DATE_METAS = (
    "article:published_time", "og:published_time", "datepublished", "publish-date", "pubdate", "publishdate",
    "dc.date.issued", "dc.date", "date", "article:modified_time", "og:updated_time",
)  # fmt: skip
_HEAD = ("title", "meta", "script", "style")
MAX_JSON_LD_CHARS = 1_000_000
TITLE_MAX_CHARS = 300


@dataclass
class Metadata:
    title: str = ""
    date: datetime | None = None
    author: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    canonical: str = ""  # rel=canonical, or og:url / JSON-LD url
    site: str = ""
    kind: str = ""  # og:type, or the JSON-LD @type
    headline_element: Any = None  # the element holding the headline, if the page has one
    sources: dict[str, str] = field(default_factory=dict)  # field -> where it was read

    @property
    def says_article(self) -> bool:
        return self.kind.lower() in _ARTICLE_TYPES


def _text(el: Any) -> str:
    return " ".join(el.text_content().split()) if el is not None else ""


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    try:
        return parse_date(str(value))
    except ValueError:
        return None


def _names(value: Any) -> list[str]:
    """Author names from a JSON-LD ``author`` (a string, a Person, or a list of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value[:5] for n in _names(v)]
    return []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [s for v in value[:50] for s in _strings(v)]
    return []


def _ld_objects(scripts: list[Any]) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page (``scripts``: its script elements), ``@graph`` lists opened."""
    for script in scripts:
        if script.get("type") != "application/ld+json":
            continue
        raw = script.text or ""
        if not raw.strip() or len(raw) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item[:50])
            elif isinstance(item, dict):
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"][:50])
                yield item


def _ld_type(obj: dict[str, Any]) -> str:
    t = obj.get("@type")
    if isinstance(t, list):
        t = next((x for x in t if isinstance(x, str) and x.lower() in _ARTICLE_TYPES), t[0] if t else "")
    return t if isinstance(t, str) else ""


def _metas(metas: list[Any]) -> dict[str, str]:
    """Meta tags (``metas``: the page's meta elements) by lower-cased property/name/itemprop:
    the first one with content wins."""
    out: dict[str, str] = {}
    for m in metas:
        if m.get("content") is None:
            continue
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        value = " ".join((m.get("content") or "").split())
        if key and value and key not in out:
            out[key] = value
    return out


def _clean_author(name: str) -> str:
    """A name from a meta tag or JSON-LD: not a URL, labels such as "By" taken off."""
    name = " ".join(name.split())
    if not name or "://" in name or name.startswith("/") or len(name) > 120:
        return ""
    found = read_byline(name).author
    return found or name


def _headline_element(tree: Any) -> Any:
    """The headline element: the first ``h1`` inside the article (or main), else the element
    marked ``itemprop=headline``, else the first ``h1`` of the page."""
    h1s = [el for el in tree.xpath("//h1") if _text(el)]
    for container in ("article", "main"):
        # The page's h1s are few: their ancestors are looked at here rather than by a
        # descendant-of-descendant XPath over the whole tree.
        found = next((h for h in h1s if any(True for _ in h.iterancestors(container))), None)
        if found is not None:
            return found
    found = next((el for el in tree.xpath("//*[@itemprop='headline']") if _text(el)), None)
    return found if found is not None else (h1s[0] if h1s else None)


def _title_parts(title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]


def _title_from_title_tag(title: str, tree: Any) -> str:
    """``<title>`` without the site's name: of its parts, the one printed as a heading or in
    bold on the page; with none printed, ''."""
    shown = {
        _text(el) for el in tree.xpath("//h1|//h2|//h3|//b|//strong|//font|//*[contains(@class,'title')]")
    }
    for part in sorted(_title_parts(title), key=len, reverse=True):
        if part in shown and len(part.split()) >= 3:
            return part
    return ""


def _site_from_title_tag(title: str, headline: str) -> str:
    """The site's name from ``<title>``: its last part, when another part is the headline
    ("headline | site", "headline - site")."""
    parts = _title_parts(title)
    if len(parts) >= 2 and parts[-1] != headline and headline in title and len(parts[-1].split()) <= 4:
        return parts[-1]
    return ""


def _byline_texts(tree: Any, headline: Any) -> Iterator[tuple[str, bool]]:
    """Texts that may be the byline, each with whether the page names it so: elements whose
    class, id, rel or itemprop says byline or author (a heading or link inside one first: an
    author box holds a name, then a bio), then the short blocks right after the headline."""
    for el in tree.xpath("//*[@class or @id or @rel or @itemprop]"):
        hint = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("rel"), el.get("itemprop"))))
        if _BYLINE_HINT.search(hint):
            for inner in el.xpath(".//h2|.//h3|.//h4|.//h5|.//strong|.//b|.//a"):
                text = _text(inner)
                if 0 < len(text) <= 80:
                    yield text, True
            text = _text(el)
            if 0 < len(text) <= 300:
                yield text, True
    # After the headline: the next few blocks of text, from the headline itself or from the
    # first of its ancestors (up to three) that has anything after it.
    el, seen = headline, 0
    for _ in range(4):
        if el is None:
            break
        if el.tail and el.tail.strip():
            yield " ".join(el.tail.split()), False
            seen += 1
        for sib in el.itersiblings():
            text = _text(sib)
            if text:
                if len(text) <= 300:
                    yield text, False
                seen += 1
            if sib.tail and sib.tail.strip():
                yield " ".join(sib.tail.split()), False
                seen += 1
            if seen >= 3:
                return
        if seen:
            return
        el = el.getparent()


def read_metadata(tree: Any, page_url: str = "") -> Metadata:
    """The page's metadata (``tree``: the parsed page; ``page_url``: where it was fetched)."""
    md = Metadata()
    # The head's elements in one walk of the tree (each XPath is a walk; a news template's
    # tree has thousands of elements).
    by_tag: dict[str, list[Any]] = {"meta": [], "link": [], "title": [], "time": [], "script": []}
    for el in tree.xpath("//meta|//link|//title|//time|//script"):
        by_tag[el.tag].append(el)
    metas = _metas(by_tag["meta"])

    def put(name: str, value: Any, where: str) -> None:
        if value and not getattr(md, name):
            setattr(md, name, value)
            md.sources[name] = where

    for obj in _ld_objects(by_tag["script"]):
        kind = _ld_type(obj)
        if kind.lower() not in _ARTICLE_TYPES:
            continue
        put("kind", kind, "json-ld")
        if isinstance(obj.get("headline"), str):
            put("title", " ".join(obj["headline"].split()), "json-ld")
        put("date", _date(obj.get("datePublished")) or _date(obj.get("dateCreated")), "json-ld")
        put("author", next((a for a in map(_clean_author, _names(obj.get("author"))) if a), ""), "json-ld")
        section = obj.get("articleSection")
        put("category", section[0] if isinstance(section, list) and section else section, "json-ld")
        put("tags", _strings(obj.get("keywords")), "json-ld")
        for key in ("url", "mainEntityOfPage"):
            ref = obj.get(key)
            ref = ref.get("@id") if isinstance(ref, dict) else ref
            if isinstance(ref, str):
                put("canonical", absolute(ref, page_url), "json-ld")
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            put("site", publisher["name"].strip(), "json-ld")

    put("kind", metas.get("og:type", ""), "og:type")
    put("title", metas.get("og:title") or metas.get("twitter:title"), "og:title")
    for key in _DATE_METAS:
        put("date", _date(metas.get(key)), f"meta {key}")
    for key in ("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author"):
        put("author", _clean_author(metas.get(key, "")), f"meta {key}")
    put("category", metas.get("article:section"), "meta article:section")
    tags = [v.get("content", "").strip() for v in by_tag["meta"] if v.get("property") == "article:tag"]
    put("tags", [t for t in tags if t] or _strings(metas.get("news_keywords", "")), "meta tags")
    put("site", metas.get("og:site_name"), "og:site_name")
    for link in by_tag["link"]:
        if link.get("href") is not None and "canonical" in (link.get("rel") or "").lower().split():
            put("canonical", absolute(link.get("href"), page_url), "link canonical")
    put("canonical", absolute(metas.get("og:url", ""), page_url), "og:url")

    headline = _headline_element(tree)
    md.headline_element = headline
    put("title", _text(headline)[:TITLE_MAX_CHARS], "h1")
    title_tag = _text(next(iter(by_tag["title"]), None))
    if not md.title:
        put("title", _title_from_title_tag(title_tag, tree), "title")
    if not md.title:
        for el in tree.xpath("//h2"):
            if len(_text(el).split()) >= 3:
                put("title", _text(el)[:TITLE_MAX_CHARS], "h2")
                md.headline_element = el
                break
    put("title", title_tag[:TITLE_MAX_CHARS], "title")
    if md.headline_element is None and md.title:
        # The headline printed in the page (bold, a font, a div): where the byline follows.
        md.headline_element = next(
            (
                el
                for el in tree.iter("*")
                if el.tag not in _HEAD and el.text and " ".join(el.text.split()) == md.title
            ),
            None,
        )

    put("site", _site_from_title_tag(title_tag, md.title), "title")
    for t in by_tag["time"]:
        put("date", _date(t.get("datetime")), "time")
    if not (md.author and md.date):
        for text, named in _byline_texts(tree, md.headline_element):
            found: Byline = read_byline(text)
            # A name alone in a block the page does not call a byline may be a dateline's city.
            if named or found.labelled or found.date is not None:
                put("author", found.author, "byline")
            put("date", found.date, "byline")
            if md.author and md.date:
                break
    for url in (md.canonical, page_url):
        m = _URL_DATE.search(url or "")
        if m:
            put("date", _date(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"), "url")
    return md


def parse(text: str) -> Any:
    """An HTML text as a tree (lxml's HTML parser: no DTDs, no entities loaded, no network)."""
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    return lxml_html.document_fromstring(text, parser=parser)

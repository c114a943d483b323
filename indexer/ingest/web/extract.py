"""One web page to one article, or the reason it is not one.

The body is the page's main text as trafilatura finds it (menus, related-story boxes, share
buttons, comments and footers left out; docs/ingestion.md compares it with resiliparse), with
what trafilatura keeps that is not the story taken out: the headline and the byline repeated at
its top, photo captions. The metadata is ``metadata``'s. Then ``verdict`` decides whether what
is left is a Hindi news article.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import trafilatura
from lxml import etree

from indexer.ingest.web.byline import read_byline
from indexer.ingest.web.metadata import Metadata, parse, read_metadata

MAX_PAGE_CHARS = 8_000_000  # a page larger than this is refused before it is parsed
MIN_WORDS = 40  # fewer words than this is not an article (a gallery, an error page, a stub)
MIN_DEVANAGARI_SHARE = 0.5  # "Hindi": at least half of the letters of headline and body
# A list of stories (a section front, a tag or search page): this many links to stories, with
# as many words in them as half the rest of the page, or no paragraph of an article's length.
MIN_STORY_LINKS = 10
STORY_LINK_WORDS = 4
LONG_PARAGRAPH_WORDS = 30
_DEVANAGARI = re.compile(
    r"[\u0900-\u0963\u0971-\u097F\uA8E0-\uA8FF]"
)  # letters and signs, not digits or dandas
_OTHER_LETTER = re.compile(r"[^\W\d_\u0900-\u097F\uA8E0-\uA8FF]")
_SENTENCE_END = re.compile(r"[।॥.?!\"'”’)\]]\s*$")
TAIL_WORDS = 15
_NEVER_TEXT = ("script", "style", "noscript", "svg", "iframe", "template", "object", "embed", "canvas")
_CHROME = "//nav|//header|//footer|//script|//style|//noscript|//form|//*[@role='navigation']"


@dataclass
class Extracted:
    """A page read: its article's fields, or ``not_article`` saying why there is none."""

    title: str = ""
    body: str = ""
    date: datetime | None = None
    author: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    canonical: str = ""
    site: str = ""
    not_article: str | None = None
    sources: dict[str, str] = field(default_factory=dict)


def devanagari_share(text: str) -> float:
    """The share of the letters of ``text`` (vowel signs and viramas counted with them; digits,
    dandas and punctuation not) that are Devanagari."""
    dev = len(_DEVANAGARI.findall(text))
    other = len(_OTHER_LETTER.findall(text))
    return dev / (dev + other) if dev + other else 0.0


@dataclass(frozen=True)
class Links:
    """The links to stories on a page (menus, headers and footers aside): links whose text is a
    headline (``STORY_LINK_WORDS`` words or more), not a menu's one or two words."""

    stories: int = 0
    words: int = 0  # in those links
    other_words: int = 0  # of the page's text outside any link
    texts: frozenset[str] = frozenset()  # of the links to stories: a line that is one is no story's


def story_links(tree: Any) -> Links:
    body = tree.find("body")
    if body is None:
        return Links()
    for el in body.xpath(_CHROME):
        el.drop_tree()
    stories = words = linked = 0
    texts = set()
    for a in body.iter("a"):
        split = "".join(a.itertext()).split()
        linked += len(split)
        if len(split) >= STORY_LINK_WORDS:
            stories += 1
            words += len(split)
            texts.add(" ".join(split))
    return Links(stories, words, len(body.text_content().split()) - linked, frozenset(texts))


def _captions(tree: Any) -> set[str]:
    found = tree.xpath("//figcaption|//*[contains(@class,'caption')]|//*[@class='wp-caption-text']")
    return {" ".join(el.text_content().split()) for el in found}


def _clean_body(text: str, md: Metadata, captions: set[str]) -> str:
    """trafilatura's lines, without the headline and byline at the top and the captions."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    title = " ".join(md.title.split())
    # The story starts after its headline: what comes before it (a menu laid out in a table
    # cell, a breadcrumb) is the page's, not the story's; a line that runs into the headline
    # (inline elements joined) keeps what follows it.
    for n, line in enumerate(lines[:30]):
        if title and title in line:
            rest = line[line.index(title) + len(title) :].strip()
            lines = [title] + ([rest] if rest else []) + lines[n + 1 :]
            break
    out: list[str] = []
    for n, line in enumerate(lines):
        if line in captions:
            continue
        if n < 4 and not out:
            if line == title:
                continue
            if len(line) <= 200:
                by = read_byline(line)
                if (md.author and by.author == md.author) or (
                    by.date is not None and len(line.split()) <= 12
                ):
                    continue
        out.append(line)
    # What follows the story in a page laid out as one block (print and mail links, a "most
    # read" list, a copyright line): short lines that end no sentence, taken off the end.
    while out and len(out[-1].split()) < TAIL_WORDS and not _SENTENCE_END.search(out[-1]):
        out.pop()
    return "\n".join(out)


def extract(page: str, url: str = "") -> Extracted:
    """The article of one page (its text already decoded); ``url``: where it was captured."""
    if len(page) > MAX_PAGE_CHARS:
        return Extracted(not_article=f"page too large ({len(page) / 1e6:.0f} million characters)")
    if not page.strip():
        return Extracted(not_article="empty page")
    try:
        tree = parse(page)
    except (ValueError, TypeError) as e:  # lxml: a document of nothing parseable
        return Extracted(not_article=f"not HTML that can be parsed ({e})")
    md = read_metadata(tree, url)
    captions = _captions(tree)
    text = main_text(page, tree, url)
    links = story_links(tree)  # last: it takes the page's menus and headers out of the tree
    body = _clean_body(text, md, captions | links.texts)
    found = Extracted(
        title=md.title,
        body=body,
        date=md.date,
        author=md.author,
        category=md.category,
        tags=md.tags,
        canonical=md.canonical,
        site=md.site,
        sources=md.sources,
    )
    found.not_article = verdict(found, links)
    return found


EXTRACTORS = ("resiliparse", "trafilatura")


def extractor() -> str:
    """The main-text extractor: ``KHABAR_EXTRACTOR``, else resiliparse where its wheel installed
    (x86-64), else trafilatura. docs/ingestion.md measures both: trafilatura came a little
    closer to the judged text, at several times the cost a page."""
    name = os.environ.get("KHABAR_EXTRACTOR", "").strip().lower()
    if not name:
        return EXTRACTORS[0] if importlib.util.find_spec("resiliparse") else EXTRACTORS[1]
    if name not in EXTRACTORS:
        raise ValueError(f"KHABAR_EXTRACTOR={name!r}: use one of {', '.join(EXTRACTORS)}")
    return name


def main_text(page: str, tree: Any, url: str) -> str:
    """The page's main text, a line per block, by the extractor chosen (``tree``: the page
    parsed, which trafilatura reads; resiliparse parses the text again, with its own parser)."""
    if extractor() == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text

        return extract_plain_text(
            page, main_content=True, alt_texts=False, links=False, list_bullets=False, comments=False
        )
    # What no story is made of, gone before trafilatura copies and walks the tree: a news
    # template's inline state, analytics and styles are most of its bytes.
    etree.strip_elements(tree, *_NEVER_TEXT, with_tail=False)
    text = trafilatura.extract(
        tree,
        url=url or None,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
        fast=True,  # no fallback extractors: 7 ms rather than 456 on a tag page, the same text here
    )
    return text or ""


def verdict(page: Extracted, links: Links) -> str | None:
    """Why a page read is not a Hindi news article; None when it is one."""
    words = len(page.body.split())
    longest = max((len(line.split()) for line in page.body.split("\n")), default=0)
    if links.stories >= MIN_STORY_LINKS and (
        links.words >= links.other_words / 2 or longest < LONG_PARAGRAPH_WORDS
    ):
        why = f"a list of links, not an article ({links.stories} links to stories)"
        return f"{why}: a section front, tag or search page"
    if words < MIN_WORDS:
        return f"too little text for an article ({words} words): a gallery, an error page or a stub"
    share = devanagari_share(f"{page.title}\n{page.body}")
    if share < MIN_DEVANAGARI_SHARE:
        wanted = f"at least {MIN_DEVANAGARI_SHARE:.0%} wanted"
        return f"not Hindi: {share:.0%} of its letters are Devanagari ({wanted})"
    return None

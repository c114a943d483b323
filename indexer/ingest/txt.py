"""The plain-text article format.

---                       optional metadata header
date: 2021-04-20
category: खेल
---
Headline on the first non-empty line
Body paragraphs ...
“An English author bio in quotes, kept as byline, not indexed as body.”
"""

from __future__ import annotations

import re

from indexer.ingest.fields import build_article
from indexer.ingest.files import CorpusFile
from indexer.records import Article, Problem

_HEADER_LINE = re.compile(r"^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")
_QUOTED = re.compile(r'^\s*[“"](.+)[”"]\s*$', re.DOTALL)
_DEVANAGARI = re.compile("[\u0900-\u097f]")
_LATIN = re.compile("[A-Za-z]")


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Return (header fields, the text after the header).

    Raises ValueError if a header is opened but never closed.
    """
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines) or lines[i].strip() != "---":
        return {}, text
    fields: dict[str, str] = {}
    for j in range(i + 1, len(lines)):
        line = lines[j]
        if line.strip() == "---":
            return fields, "\n".join(lines[j + 1 :])
        m = _HEADER_LINE.match(line)
        if m:
            fields[m.group(1).lower()] = m.group(2)
    raise ValueError("metadata header opened with --- but never closed")


def is_bio(paragraph: str) -> bool:
    """A quoted paragraph in English only: the author blurb some sites append to every article."""
    m = _QUOTED.match(paragraph)
    return bool(m) and not _DEVANAGARI.search(paragraph) and bool(_LATIN.search(paragraph))


def split_byline(body: str) -> tuple[str, str]:
    lines = body.rstrip().split("\n")
    last = lines[-1] if lines else ""
    if len(lines) > 1 and is_bio(last):
        return "\n".join(lines[:-1]).rstrip(), _QUOTED.match(last).group(1).strip()
    return body, ""


def parse_txt(text: str, cf: CorpusFile) -> tuple[Article | None, list[Problem]]:
    try:
        header, rest = split_header(text)
    except ValueError as e:
        return None, [Problem(cf.rel, 1, str(e))]
    lines = rest.strip("\n").split("\n")
    k = 0
    while k < len(lines) and not lines[k].strip():
        k += 1
    headline = lines[k].strip() if k < len(lines) else ""
    body_lines = lines[k + 1 :]
    title = header.get("title", "").strip()
    if title and headline != title:
        # The header names the title and the text starts straight with the body: keep it all.
        body_lines = lines[k:]
    elif not title:
        title = headline
    body, byline = split_byline("\n".join(body_lines).strip())
    record = {**header, "title": title, "body": body}
    return build_article(
        record,
        default_id=cf.id_base,
        default_category=cf.folder_category,
        path=cf.rel,
        line=None,
        byline=byline,
    )

"""Turn a record's named fields (from a header, a JSON object or a CSV row) into an Article."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date as date_type
from datetime import timedelta
from typing import Any

from indexer.ingest.clean import clean, without_surrogates
from indexer.ingest.dates import parse_date
from indexer.records import Article, Problem

TITLE_KEYS = ("title", "headline")
BODY_KEYS = ("body", "text", "content")
META_KEYS = ("id", "date", "category", "source", "author", "url", "tags")

_TITLE_MAX = 120
_SENTENCE_END = re.compile(r"[।॥.!?]\s")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise TypeError(type(value).__name__)


def _first(record: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    for k in keys:
        v = _text(record.get(k))
        if v:
            return v
    return ""


def split_tags(value: Any) -> list[str]:
    items = [_text(v) for v in value] if isinstance(value, list) else _text(value).split(",")
    seen: dict[str, None] = {}
    for t in items:
        t = t.strip()
        if t:
            seen.setdefault(t)
    return list(seen)


def _today() -> date_type:
    return date_type.today()


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _Fixes:
    """Each field's text made fit to keep (``clean``), counting what was replaced where."""

    def __init__(self) -> None:
        self.surrogates: dict[str, int] = {}
        self.controls: dict[str, int] = {}

    def __call__(self, field: str, text: str) -> str:
        if field == "id":  # its control characters go (clean_id): an id is part of a link
            fixed = without_surrogates(text)
            surrogates, controls, text = sum(a != b for a, b in zip(text, fixed, strict=True)), 0, fixed
        else:
            text, surrogates, controls = clean(text)
        if surrogates:
            self.surrogates[field] = self.surrogates.get(field, 0) + surrogates
        if controls:
            self.controls[field] = self.controls.get(field, 0) + controls
        return text.strip() if field != "body" else text

    def problems(self, path: str, line: int | None) -> list[Problem]:
        def where(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} in the {f}" for f, n in counts.items())

        out = []
        if self.surrogates:
            why = (
                f"lone surrogates, which are not Unicode text ({where(self.surrogates)}): replaced by U+FFFD"
            )
            out.append(Problem(path, line, why, skipped=False))
        if self.controls:
            why = f"control characters ({where(self.controls)}): replaced by a space or U+FFFD"
            out.append(Problem(path, line, why, skipped=False))
        return out


def clean_id(raw: str) -> str:
    """An article id that makes a working link (``/article/<id>``): no empty segments (``/lead``,
    ``a//b``), none that a browser would resolve away (``a/../b``, ``./a``), no control characters."""
    parts = [p for p in _CONTROL.sub("", raw).split("/") if p]
    return "/".join("_" * len(p) if p in (".", "..") else p for p in parts)


def title_from_body(body: str) -> str:
    """A headline for records that have none: the first sentence, cut at a word boundary."""
    first = body.strip().split("\n", 1)[0]
    m = _SENTENCE_END.search(first + " ")
    if m and m.start() < _TITLE_MAX:
        return first[: m.start() + 1].strip()
    if len(first) <= _TITLE_MAX:
        return first
    cut = first.rfind(" ", 0, _TITLE_MAX)
    return first[: cut if cut > 0 else _TITLE_MAX].rstrip() + "…"


def build_article(
    record: Mapping[str, Any],
    *,
    default_id: str,
    default_category: str,
    path: str,
    line: int | None,
    byline: str = "",
) -> tuple[Article | None, list[Problem]]:
    """Validate a record's fields and build the Article; problems say what was wrong."""
    record = {str(k).strip().lower(): v for k, v in record.items()}
    problems: list[Problem] = []
    try:
        body = _first(record, BODY_KEYS)
        title = _first(record, TITLE_KEYS)
        meta = {k: _text(record.get(k)) for k in META_KEYS if k != "tags"}
        tags = split_tags(record.get("tags"))
    except TypeError as e:
        return None, [Problem(path, line, f"a field holds a {e} instead of text")]
    fixes = _Fixes()
    body, title, byline = fixes("body", body), fixes("title", title), fixes("byline", byline)
    meta = {k: fixes(k, v) for k, v in meta.items()}
    tags = [t for t in dict.fromkeys(fixes("tags", t) for t in tags) if t]
    problems += fixes.problems(path, line)
    if not body:
        return None, [Problem(path, line, "record has no body (expected one of: body, text, content)")]
    date = None
    if meta["date"]:
        try:
            date = parse_date(meta["date"])
        except ValueError as e:
            problems.append(Problem(path, line, f"{e}; indexed without a date", skipped=False))
        else:
            if date.date() > _today() + timedelta(days=1):
                why = f"date {meta['date']!r} is in the future; indexed as given"
                why += " (quick date ranges do not count from it)"
                problems.append(Problem(path, line, why, skipped=False))
    article_id = clean_id(meta["id"]) or default_id
    if meta["id"] and article_id != meta["id"]:
        why = f"id {meta['id']!r} would make a broken link; indexed as {article_id!r}"
        problems.append(Problem(path, line, why, skipped=False))
    article = Article(
        id=article_id,
        title=title or title_from_body(body),
        body=body,
        byline=byline,
        date=date,
        category=meta["category"] or default_category,
        source=meta["source"],
        author=meta["author"],
        url=meta["url"],
        tags=tags,
        origin=f"{path}:{line}" if line else path,
    )
    return article, problems

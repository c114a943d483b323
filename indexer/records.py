"""The record every input format is turned into, and the problems found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Article:
    id: str
    title: str
    body: str
    byline: str = ""
    date: datetime | None = None  # as written in the source; naive means Indian time
    category: str = ""
    source: str = ""
    author: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    origin: str = ""  # file (and line) the record came from, for messages
    captured: datetime | None = None  # when a web archive captured the page (the newest capture wins)


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input. ``skipped`` says whether the record was dropped.
    A ``notice`` is no fault of the input: a page that is not an article, a second capture of a
    story (web pages and archives hold many); it is left out and said so, but --strict does
    not fail on it."""

    path: str
    line: int | None
    reason: str
    skipped: bool = True
    notice: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        action = "left out" if self.notice else "skipped" if self.skipped else "indexed anyway"
        return f"{where}: {self.reason} ({action})"


def local_seconds(d: datetime) -> int:
    """Seconds since 1970 of the wall-clock time as written, ignoring its zone offset."""
    return int((d.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds())


def iso_date(d: datetime | None) -> str:
    """``2021-04-20`` for a plain date, full ISO form when a time or zone was given."""
    if d is None:
        return ""
    if d.tzinfo is None and (d.hour, d.minute, d.second, d.microsecond) == (0, 0, 0, 0):
        return d.date().isoformat()
    return d.isoformat()

"""Attention over time: matching articles per period, the period chosen from the span.

Engines count matches per local day (``Page.days``: days since 1970-01-01). This module folds
those day counts into days, ISO weeks (Monday first), months, years, decades, centuries or
millennia, with the empty periods between the first and the last kept (a gap in coverage is
information), and, for the share of attention, divides each count by the count of all articles
of that period. Any date from 0001-01-01 to 9999-12-31 is drawn: the first period of an era
starts at year 1 (there is no year 0), the last one ends on 9999-12-31.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)
MAX_BARS = 60  # the finest interval that keeps the chart under this many bars is chosen
INTERVALS = ("day", "week", "month", "year", "decade", "century", "millennium")
YEARS = {"year": 1, "decade": 10, "century": 100, "millennium": 1000}  # periods of whole years


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # the last day of the period (inclusive, like the date filter's `to`)
    count: int
    share: float | None  # count / all articles of the period; None when the period has none


@dataclass(frozen=True)
class Series:
    query: str
    buckets: list[Bucket]

    @property
    def total(self) -> int:
        return sum(b.count for b in self.buckets)


@dataclass(frozen=True)
class Timeline:
    interval: str
    series: list[Series]

    @property
    def max_count(self) -> int:
        return max((b.count for s in self.series for b in s.buckets), default=0)

    @property
    def max_share(self) -> float:
        return max((b.share or 0.0 for s in self.series for b in s.buckets), default=0.0)


def day_date(day: int) -> date:
    return EPOCH + timedelta(days=day)


def period_start(d: date, interval: str) -> date:
    if interval == "day":
        return d
    if interval == "week":
        # The week of 0001-01-01 (a Monday) starts on it; no date comes before.
        return d - timedelta(days=min(d.weekday(), (d - date.min).days))
    if interval == "month":
        return d.replace(day=1)
    n = YEARS[interval]
    return date(max(1, d.year - d.year % n), 1, 1)


def next_start(d: date, interval: str) -> date | None:
    """The start of the period after the one starting at ``d``; None past 9999-12-31."""
    try:
        if interval == "day":
            return d + timedelta(days=1)
        if interval == "week":
            return d + timedelta(days=7 - d.weekday())
        if interval == "month":
            return date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        n = YEARS[interval]
        return date(d.year - d.year % n + n, 1, 1)
    except (OverflowError, ValueError):  # date(10000, 1, 1) is no date
        return None


def periods(first: date, last: date, interval: str) -> list[tuple[date, date]]:
    """(start, last day) of every period from the one holding ``first`` to the one holding ``last``."""
    out: list[tuple[date, date]] = []
    start: date | None = period_start(first, interval)
    while start is not None and start <= last:
        following = next_start(start, interval)
        out.append((start, following - timedelta(days=1) if following else date.max))
        start = following
    return out


def count_periods(first: date, last: date, interval: str) -> int:
    """``len(periods(first, last, interval))``, without making them (a decade is 3,653 days)."""
    if interval == "day":
        return (last - first).days + 1
    if interval == "week":
        return (period_start(last, "week") - period_start(first, "week")).days // 7 + 1
    if interval == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    n = YEARS[interval]
    return last.year // n - first.year // n + 1


def choose_interval(first: date, last: date) -> str:
    """The finest interval that draws the span in at most MAX_BARS bars (the ten millennia of
    the calendar take ten)."""
    for interval in INTERVALS[:-1]:
        if count_periods(first, last, interval) <= MAX_BARS:
            return interval
    return INTERVALS[-1]


def _fold(days: dict[int, int], spans: list[tuple[date, date]]) -> list[int]:
    """Day counts summed into the periods ``spans`` (sorted, contiguous). In numpy: a background
    of ten years is 3,650 days, folded for every search."""
    if not spans or not days:
        return [0] * len(spans)
    bounds = np.array([(s - EPOCH).days for s, _ in spans] + [(spans[-1][1] - EPOCH).days + 1])
    day = np.fromiter(days.keys(), dtype=np.int64, count=len(days))
    count = np.fromiter(days.values(), dtype=np.int64, count=len(days))
    at = np.searchsorted(bounds, day, side="right") - 1
    inside = (at >= 0) & (at < len(spans))
    # Integer sums (bincount's weights would be float64: exact only to 2**53).
    out = np.zeros(len(spans), dtype=np.int64)
    np.add.at(out, at[inside], count[inside])
    return out.tolist()


def build(
    series: list[tuple[str, dict[int, int]]],
    background: dict[int, int] | None = None,
    interval: str | None = None,
) -> Timeline | None:
    """The timeline of one or more queries' day counts; None when no article is dated.

    ``background``: all articles per day (under the same filters), for each period's share.
    ``interval``: forced; otherwise chosen from the span of every series together.
    """
    dated = [d for _, days in series for d, n in days.items() if n]
    if not dated:
        return None
    first, last = day_date(min(dated)), day_date(max(dated))
    interval = interval or choose_interval(first, last)
    spans = periods(first, last, interval)
    totals = _fold(background, spans) if background is not None else None
    out = []
    for query, days in series:
        counts = _fold(days, spans)
        buckets = [
            Bucket(s, e, c, round(c / totals[i], 6) if totals and totals[i] else None)
            for i, ((s, e), c) in enumerate(zip(spans, counts, strict=True))
        ]
        out.append(Series(query, buckets))
    return Timeline(interval, out)

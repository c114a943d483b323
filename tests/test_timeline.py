"""Periods of the timeline, the interval chosen from the span, and the SVG geometry: tables."""

from __future__ import annotations

from datetime import date

import pytest

from indexer import timeline as tl
from webapp import chart

EPOCH = date(1970, 1, 1)


def day(d: date) -> int:
    return (d - EPOCH).days


@pytest.mark.parametrize(
    ("d", "interval", "start", "following"),
    [
        (date(2021, 4, 20), "day", date(2021, 4, 20), date(2021, 4, 21)),
        (date(2021, 4, 20), "week", date(2021, 4, 19), date(2021, 4, 26)),  # a Tuesday; Monday first
        (date(2021, 4, 19), "week", date(2021, 4, 19), date(2021, 4, 26)),
        (date(2021, 4, 25), "week", date(2021, 4, 19), date(2021, 4, 26)),  # Sunday ends the week
        (date(2021, 1, 1), "week", date(2020, 12, 28), date(2021, 1, 4)),  # across a year
        (date(2021, 12, 31), "month", date(2021, 12, 1), date(2022, 1, 1)),
        (date(2024, 2, 29), "month", date(2024, 2, 1), date(2024, 3, 1)),
        (date(2021, 7, 4), "year", date(2021, 1, 1), date(2022, 1, 1)),
        (date(1965, 3, 3), "year", date(1965, 1, 1), date(1966, 1, 1)),  # before 1970
    ],
)
def test_periods(d: date, interval: str, start: date, following: date) -> None:
    assert tl.period_start(d, interval) == start
    assert tl.next_start(start, interval) == following


@pytest.mark.parametrize(
    ("first", "last", "interval"),
    [
        (date(2021, 4, 20), date(2021, 4, 20), "day"),
        (date(2021, 4, 1), date(2021, 5, 30), "day"),  # 60 days
        (date(2021, 4, 1), date(2021, 5, 31), "week"),  # 61 days
        (date(2021, 1, 1), date(2022, 1, 31), "week"),  # 57 weeks
        (date(2021, 1, 1), date(2022, 3, 31), "month"),
        (date(2016, 1, 1), date(2020, 12, 31), "month"),  # 60 months
        (date(2016, 1, 1), date(2021, 1, 1), "year"),  # 61 months
        (date(1990, 1, 1), date(2024, 1, 1), "year"),
    ],
)
def test_interval_is_the_finest_within_60_bars(first: date, last: date, interval: str) -> None:
    assert tl.choose_interval(first, last) == interval
    for each in tl.INTERVALS:
        assert tl.count_periods(first, last, each) == len(tl.periods(first, last, each))
    assert len(tl.periods(first, last, interval)) <= tl.MAX_BARS or interval == "year"


def test_build_folds_days_keeps_gaps_and_shares() -> None:
    days = {day(date(2021, 1, 5)): 2, day(date(2021, 1, 30)): 1, day(date(2021, 4, 2)): 3}
    background = {**{k: v * 2 for k, v in days.items()}, day(date(2021, 2, 10)): 5}
    t = tl.build([("रूस", days)], background)
    assert t is not None and t.interval == "week"  # Jan 5 to Apr 2: 13 weeks
    t = tl.build([("रूस", days)], background, interval="month")
    assert t is not None
    (s,) = t.series
    assert [(b.start, b.end, b.count, b.share) for b in s.buckets] == [
        (date(2021, 1, 1), date(2021, 1, 31), 3, 0.5),
        (date(2021, 2, 1), date(2021, 2, 28), 0, 0.0),  # a gap in coverage stays in the chart
        (date(2021, 3, 1), date(2021, 3, 31), 0, None),  # no article at all that month
        (date(2021, 4, 1), date(2021, 4, 30), 3, 0.5),
    ]
    assert s.total == 6


def test_build_spans_every_series_and_nothing_dated_is_none() -> None:
    a = {day(date(2020, 6, 1)): 1}
    b = {day(date(2023, 6, 1)): 4}
    t = tl.build([("a", a), ("b", b)])
    assert t is not None and t.interval == "month"
    assert len(t.series[0].buckets) == len(t.series[1].buckets) == 37
    assert t.series[0].buckets[0].count == 1 and t.series[1].buckets[-1].count == 4
    assert tl.build([("a", {})]) is None


@pytest.mark.parametrize("seed", range(6))
def test_fold_matches_day_by_day_oracle(seed: int) -> None:
    """Random day counts (any era, zero counts, a background wider than the series) folded into
    every interval: each bucket holds the sum of the days that fall between its start and end,
    as a loop over the days counts them."""
    import random

    rnd = random.Random(seed)
    lo, hi = day(date(1, 1, 1)), day(date(9999, 12, 31))
    centre = rnd.randint(lo, hi)
    spread = rnd.choice([3, 40, 400, 4000, 40000, 400000])
    near = lambda: min(hi, max(lo, centre + rnd.randint(-spread, spread)))  # noqa: E731
    days = {near(): rnd.choice([0, 1, 2, 7, 10**9]) for _ in range(rnd.randint(1, 300))}
    background = {**{d: n + rnd.randint(0, 3) for d, n in days.items()}, lo: 5, hi: 6}
    for interval in tl.INTERVALS:
        t = tl.build([("q", days)], background, interval=interval)
        if not any(days.values()):
            assert t is None
            continue
        assert t is not None
        for b in t.series[0].buckets:
            first, last = day(b.start), day(b.end)
            want = sum(n for d, n in days.items() if first <= d <= last)
            total = sum(n for d, n in background.items() if first <= d <= last)
            assert b.count == want
            assert b.share == (round(want / total, 6) if total else None)
        assert t.series[0].total == sum(days.values())


def _timeline_json(counts: list[int], share: list[float | None] | None = None) -> dict:
    buckets = []
    for i, c in enumerate(counts):
        start = date(2021, i + 1, 1)
        buckets.append({"start": start.isoformat(), "end": start.isoformat(), "count": c,
                        "share": share[i] if share else None, "url": f"/?from={start}"})  # fmt: skip
    return {"interval": "month", "series": [{"query": "रूस", "total": sum(counts), "buckets": buckets}]}


def test_chart_geometry() -> None:
    months = tuple(f"m{i}" for i in range(1, 13))
    drawn = chart.draw(_timeline_json([4, 0, 2]), False, months, "week", "{n} लेख")
    assert len(drawn.bars) == 2  # the empty month draws no bar
    tall, short = drawn.bars
    plot_h = chart.HEIGHT - chart.TOP - chart.BOTTOM
    assert tall.height == pytest.approx(plot_h) and short.height == pytest.approx(plot_h / 2)
    assert tall.y + tall.height == pytest.approx(drawn.baseline) == short.y + short.height
    assert tall.x < short.x and short.x + short.width <= drawn.right
    assert tall.label == "m1 2021: 4 लेख" and tall.url == "/?from=2021-01-01"
    assert drawn.top_label == "4"
    assert [t.label for t in drawn.ticks] == ["m1 2021", "m2 2021", "m3 2021"]


def test_chart_share_scale() -> None:
    drawn = chart.draw(_timeline_json([4, 2], [0.5, 0.25]), True, tuple("abcdefghijkl"), "w", "{n}")
    assert drawn.top_label == "50.0%"
    assert drawn.bars[1].height == pytest.approx(drawn.bars[0].height / 2)
    assert drawn.bars[0].label.endswith("(50.0%)")

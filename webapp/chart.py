"""The timeline drawn as SVG on the server: bars as links, sizes computed here, no script.

Colours are SVG presentation attributes (not CSS), so the chart reads the same with styles off;
every bar carries its period and count as a tooltip (``<title>``) and as its link's label.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from indexer.timeline import YEARS

WIDTH, HEIGHT = 720, 180
LEFT, RIGHT, TOP, BOTTOM = 4, 4, 30, 2  # the labels are HTML around the drawing (_timeline.html)
TICKS = 6  # period labels under the axis, at most
COLOURS = ("#b3261e", "#1f5fa8", "#2e7d32", "#8e44ad", "#c77700")  # one per series, distinct in greyscale too


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    url: str
    label: str  # "अप्रैल 2021: 12 लेख"


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    cells: list[tuple[str, bool]]  # one per period: its tick label ("" for none), whether a
    # narrow screen leaves it out (every second one)
    top_label: str  # the value at the top of the scale
    baseline: float  # y of the axis
    left: float
    right: float


def _years(start: date, interval: str) -> str:
    """``1990–1999`` for the decade starting at ``start`` (the first era of each starts at 1)."""
    n = YEARS[interval]
    return f"{start.year}–{min(9999, start.year - start.year % n + n - 1)}"


def period_label(start: date, interval: str, months: tuple[str, ...], week_word: str) -> str:
    if interval == "year":
        return str(start.year)
    if interval in YEARS:
        return _years(start, interval)
    if interval == "month":
        return f"{months[start.month - 1]} {start.year}"
    text = f"{start.day} {months[start.month - 1]} {start.year}"
    return f"{week_word} {text}" if interval == "week" else text


def tick_label(start: date, interval: str, months: tuple[str, ...]) -> str:
    if interval == "year":
        return str(start.year)
    if interval in YEARS:
        return _years(start, interval)
    if interval == "month":
        return f"{months[start.month - 1]} {start.year}"
    return f"{start.day} {months[start.month - 1]}"


def value_text(value: float, share: bool) -> str:
    return f"{value * 100:.1f}%" if share else str(int(value))


def draw(
    timeline: dict[str, Any],
    share: bool,
    months: tuple[str, ...],
    week_word: str,
    count_label: str,
) -> Chart:
    """Geometry of ``timeline`` (the JSON twin's, with each bucket's ``url``): grouped bars, one
    group per period, one bar per series; heights by count or, with ``share``, by share.
    ``count_label``: "{n} articles" in the page's language."""
    series = timeline["series"]
    interval = timeline["interval"]
    n = len(series[0]["buckets"]) if series else 0
    key = "share" if share else "count"
    top = max((b[key] or 0 for s in series for b in s["buckets"]), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / max(n, 1)
    bar_w = group * 0.8 / max(len(series), 1)
    bars: list[Bar] = []
    for si, s in enumerate(series):
        for i, b in enumerate(s["buckets"]):
            value = b[key] or 0
            if not value:
                continue  # an empty period is a gap, shown as such
            h = max(plot_h * value / top, 1.0)
            start = date.fromisoformat(b["start"])
            label = f"{period_label(start, interval, months, week_word)}: {count_label.format(n=b['count'])}"
            if b["share"] is not None:
                label += f" ({b['share'] * 100:.1f}%)"
            if len(series) > 1:
                label = f"{s['query'] or '*'} · {label}"
            bars.append(
                Bar(
                    x=round(LEFT + i * group + group * 0.1 + si * bar_w, 2),
                    y=round(TOP + plot_h - h, 2),
                    width=round(max(bar_w - 0.5, 0.5), 2),
                    height=round(h, 2),
                    colour=COLOURS[si % len(COLOURS)],
                    url=b["url"],
                    label=label,
                )
            )
    step = max(1, -(-n // TICKS))
    ticks = [
        Tick(
            round(LEFT + i * group + group / 2, 2),
            tick_label(date.fromisoformat(series[0]["buckets"][i]["start"]), interval, months),
        )
        for i in range(0, n, step)
    ]
    cells = [("", False)] * n
    for k, i in enumerate(range(0, n, step)):
        cells[i] = (
            tick_label(date.fromisoformat(series[0]["buckets"][i]["start"]), interval, months),
            k % 2 == 1,
        )
    return Chart(WIDTH, HEIGHT, bars, ticks, cells, value_text(top, share), TOP + plot_h, LEFT, WIDTH - RIGHT)

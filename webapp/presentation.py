"""How values are shown on the page: dates, facet values, links."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from webapp import urls
from webapp.chart import COLOURS
from webapp.i18n import month_name


def _parse(value: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value[:10])
    except ValueError:
        return None


def long_date(value: str) -> str:
    """``2021-04-20`` -> ``20 अप्रैल 2021`` (or ``20 April 2021`` in English)."""
    d = _parse(value)
    return f"{d.day} {month_name(d.month)} {d.year}" if d else ""


def iso_day(value: str) -> str:
    d = _parse(value)
    return d.isoformat() if d else ""


def facet_value_label(facet: str, value: str) -> str:
    if facet == "month" and len(value) == 7:
        year, _, month = value.partition("-")
        if month.isdigit() and 1 <= int(month) <= 12:
            return f"{month_name(int(month))} {year}"
    return value


def is_web_url(url: str) -> bool:
    """Only http(s) links are rendered as links; javascript: and the like never are."""
    return url.lower().startswith(("http://", "https://"))


def register(app: Flask) -> None:
    app.jinja_env.filters.update(long_date=long_date, iso_day=iso_day)
    app.jinja_env.globals.update(
        facet_value_label=facet_value_label, is_web_url=is_web_url, urls=urls, chart_colours=COLOURS
    )

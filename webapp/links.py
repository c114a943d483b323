"""The links of a result page, the same for the HTML page and its JSON twin.

Every state lives in the query string, so every facet value, selection, quick date range and
page is a link to the URL of the state it leads to: bookmarkable, and usable without JavaScript.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from indexer.export import FORMATS as EXPORT_FORMATS
from indexer.export import LIMIT as EXPORT_LIMIT
from indexer.search import SearchResult
from webapp import urls
from webapp.params import FILTER_PARAMS

QUICK_RANGES = (("last7", 7), ("last30", 30), ("last365", 365))
PAGE_WINDOW = 2  # page links shown either side of the current page


def page_numbers(page: int, pages: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20 (None marks a gap)."""
    shown = {1, pages, *range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)}
    out: list[int | None] = []
    for n in sorted(shown):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def describe(result: SearchResult, args: MultiDict, path: str, newest: date | None) -> dict[str, Any]:
    """The result as JSON-ready data, with the URL of every state one click away."""
    data = result.to_json()
    for name, values in data["facets"].items():
        for v in values:
            v["toggle_url"] = urls.toggle(path, args, name, v["value"])
    data["selected"] = [
        {"facet": name, "value": value, "remove_url": urls.toggle(path, args, name, value)}
        for name in FILTER_PARAMS
        for value in dict.fromkeys(args.getlist(name))
        if value
    ]
    data["selected"] += [
        {"facet": key, "value": args[key], "remove_url": urls.without(path, args, (key,))}
        for key in ("from", "to")
        if args.get(key)
    ]
    data["clear_url"] = urls.without(path, args, (*FILTER_PARAMS, "from", "to"))
    data["quick_ranges"] = []
    if newest:
        for key, days in QUICK_RANGES:
            start = (newest - timedelta(days=days - 1)).isoformat()
            data["quick_ranges"].append(
                {
                    "key": key,
                    "from": start,
                    "to": newest.isoformat(),
                    "url": urls.with_params(
                        path, args, **{"from": start, "to": newest.isoformat(), "page": None}
                    ),
                    "selected": args.get("from") == start and args.get("to") == newest.isoformat(),
                }
            )
    data["newest_date"] = newest.isoformat() if newest else None
    page, pages = result.request.page, result.pages
    data["sort_urls"] = {
        s: urls.with_params(path, args, sort=s, page=None) for s in ("relevance", "newest", "oldest")
    }
    data["page_urls"] = {
        "prev": urls.with_params(path, args, page=str(page - 1)) if page > 1 else None,
        "next": urls.with_params(path, args, page=str(page + 1)) if page < pages else None,
        "pages": [
            {"page": n, "url": urls.with_params(path, args, page=str(n)), "current": n == page} if n else None
            for n in page_numbers(page, pages)
        ],
    }
    if result.suggestion:
        data["suggestion_url"] = urls.with_params(path, args, q=result.suggestion, page=None)
    _research(data, result, args, path)
    return data


def _research(data: dict[str, Any], result: SearchResult, args: MultiDict, path: str) -> None:
    """Links of the research desk: each bar narrows the dates to its period, each compared query
    can be removed, the share switch, each characteristic word adds itself to the query, and
    the export and feed of this very search."""
    q = result.request.q.strip()
    timeline = data.get("timeline")
    if timeline:
        for series in timeline["series"]:
            for b in series["buckets"]:
                b["url"] = urls.with_params(path, args, **{"from": b["start"], "to": b["end"], "page": None})
        for series in timeline["series"][1:]:
            rest = [c for c in args.getlist("compare") if c.strip() != series["query"]]
            series["remove_url"] = urls.with_values(path, args, "compare", rest)
        share = args.get("share") == "1"
        timeline["share"] = share
        timeline["share_url"] = urls.with_params(path, args, share=None if share else "1")
    for w in data["characteristic_words"]:
        w["url"] = urls.with_params(path, args, q=f"{q} {w['word']}".strip(), page=None)
    drop = ("page", "per_page", "lang", "share", "compare")
    state = [(k, v) for k, v in args.items(multi=True) if k not in drop]
    data["export_urls"] = {fmt: urls.encode("/export", [*state, ("format", fmt)]) for fmt in EXPORT_FORMATS}
    data["export_limit"] = EXPORT_LIMIT
    data["feed_url"] = urls.encode("/feed", [(k, v) for k, v in state if k != "sort"])

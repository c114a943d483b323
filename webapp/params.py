"""Read the URL state (the same parameters for the page and the API) into a SearchRequest."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from indexer.facets import FACETS
from indexer.ingest.clean import clean
from indexer.search import MAX_COMPARE, MAX_PER_PAGE, PER_PAGE, SORTS, SearchRequest

MAX_PAGE = 1000
FILTER_PARAMS = tuple(f.name for f in FACETS)


def _int(args: MultiDict, name: str, default: int, lo: int, hi: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a whole number, not {raw[:40]!r}") from None
    if not lo <= value <= hi:
        raise BadRequest(f"'{name}' must be between {lo} and {hi}")
    return value


def _date(args: MultiDict, name: str) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a date in YYYY-MM-DD form, not {raw[:40]!r}") from None


def _switch(args: MultiDict, name: str) -> bool:
    raw = args.get(name, "1").strip() or "1"
    if raw not in ("0", "1"):
        raise BadRequest(f"'{name}' must be 0 or 1")
    return raw == "1"


def state(args: MultiDict) -> MultiDict:
    """The URL's parameters as the search reads them: text fit for a page (ingest/clean.py),
    facet values and dates without surrounding spaces, empty and repeated values dropped. Links
    are made from this, so a value given as ``%20खेल`` is selected, and unselected, as ``खेल``."""
    out: MultiDict = MultiDict()
    seen: set[tuple[str, str]] = set()
    for k, v in args.items(multi=True):
        v = clean(v)[0]
        if k in FILTER_PARAMS or k in ("from", "to"):
            v = v.strip()
            if not v or (k, v) in seen:
                continue
            seen.add((k, v))
        out.add(k, v)
    return out


def search_request(args: MultiDict, max_query_chars: int, research: bool = True) -> SearchRequest:
    """The request the URL describes; ``research``: with the timeline and characteristic words
    (each can be turned off with ``timeline=0``, ``words=0``: a client that does not show them
    saves their time)."""
    args = state(args)
    q = args.get("q", "")
    if len(q) > max_query_chars:
        raise BadRequest(f"the query is longer than {max_query_chars} characters")
    compare = [c for c in args.getlist("compare") if c.strip()]
    if len(compare) > MAX_COMPARE:
        raise BadRequest(f"at most {MAX_COMPARE} 'compare' queries")
    if any(len(c) > max_query_chars for c in compare):
        raise BadRequest(f"a 'compare' query is longer than {max_query_chars} characters")
    sort = args.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        raise BadRequest(f"'sort' must be one of {', '.join(SORTS)}")
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise BadRequest("'from' is after 'to'")
    return SearchRequest(
        q=q,
        filters={
            name: [clean(v)[0].strip() for v in args.getlist(name)] for name in FILTER_PARAMS if name in args
        },
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_int(args, "page", 1, 1, MAX_PAGE),
        per_page=_int(args, "per_page", PER_PAGE, 1, MAX_PER_PAGE),
        timeline=research and _switch(args, "timeline"),
        compare=compare,
        words=research and _switch(args, "words"),
    )

"""Where a search's time went, in the ``Server-Timing`` header (browsers' developer tools show
it; ``khabar bench`` reads it to split the web server's CPU between embedding and the rest)."""

from __future__ import annotations

from flask import Response

from indexer.search.result import SearchResult


def server_timing(result: SearchResult, render_ms: float) -> str:
    """``step;dur=ms`` for each step of the search, then the page's or JSON's rendering."""
    steps = {**result.timings, "render": render_ms}
    return ", ".join(f"{name};dur={ms:.1f}" for name, ms in steps.items())


def timed(response: Response, result: SearchResult, render_ms: float) -> Response:
    response.headers["Server-Timing"] = server_timing(result, render_ms)
    return response

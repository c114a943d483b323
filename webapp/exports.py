"""Taking results away: every matching article as CSV or JSON Lines, and an Atom feed per search."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, current_app, request, stream_with_context, url_for
from werkzeug.exceptions import BadRequest

from indexer.export import FORMATS, LIMIT, MEDIA_TYPES, chunks
from webapp import feed as feeds
from webapp import service, urls
from webapp.i18n import t
from webapp.params import search_request, state

bp = Blueprint("exports", __name__)


@bp.get("/export")
def export():  # type: ignore[no-untyped-def]
    fmt = request.args.get("format", "csv")
    if fmt not in FORMATS:
        raise BadRequest(f"'format' must be one of {', '.join(FORMATS)}")
    req = search_request(state(request.args), current_app.config["MAX_QUERY_CHARS"], research=False)
    total, articles = service(current_app).export(req, LIMIT)
    # Streamed: rows leave as they are read, so memory stays flat at any size.
    # content_type, not mimetype: Flask adds "; charset=utf-8" to a text/* mimetype again.
    response = Response(stream_with_context(chunks(fmt, articles)), content_type=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="khabar-export.{fmt}"'
    response.headers["X-Khabar-Total"] = str(total)
    response.headers["X-Khabar-Exported"] = str(min(total, LIMIT))
    return response


@bp.get("/feed")
def feed():  # type: ignore[no-untyped-def]
    args = state(request.args)
    req = search_request(args, current_app.config["MAX_QUERY_CHARS"], research=False)
    _, articles = service(current_app).export(replace(req, sort="newest"), feeds.ENTRIES)
    kept = [(k, v) for k, v in args.items(multi=True) if k not in ("sort", "page", "per_page")]
    title = t("site") + (f": {req.q.strip()}" if req.q.strip() else "")
    root = request.host_url.rstrip("/")
    body = feeds.atom(
        title,
        self_url=root + urls.encode("/feed", kept),  # also the feed's id: one feed per search
        page_url=root + urls.encode("/", [*kept, ("sort", "newest")]),
        articles=articles,
        article_url=lambda i: url_for("pages.article", article_id=i, _external=True),
    )
    return Response(body, mimetype="application/atom+xml")

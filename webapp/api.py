"""JSON API: the twin of every page, and the autocomplete endpoint."""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from webapp import links, service, timing
from webapp.openapi import spec
from webapp.params import search_request, state

bp = Blueprint("api", __name__)

MAX_SUGGEST_CHARS = 100


@bp.get("/api/search")
def search():  # type: ignore[no-untyped-def]
    svc = service(current_app)
    args = state(request.args)
    req = search_request(args, current_app.config["MAX_QUERY_CHARS"])
    result = svc.search(req)
    t0 = time.perf_counter()
    response = jsonify(links.describe(result, args, "/api/search", svc.newest_date()))
    return timing.timed(response, result, (time.perf_counter() - t0) * 1000)


@bp.get("/api/article/<path:article_id>")
def article(article_id: str):  # type: ignore[no-untyped-def]
    svc = service(current_app)
    found = svc.article(article_id)
    if found is None:
        abort(404, description=f"no article with id {article_id!r}")
    data = found.to_json()
    data["similar"] = [
        {"id": h.id, "title": h.title, "date": h.date, "source": h.source} for h in svc.similar(article_id)
    ]
    return jsonify(data)


@bp.get("/api/suggest")
def suggest():  # type: ignore[no-untyped-def]
    q = state(request.args).get("q", "")
    if len(q) > MAX_SUGGEST_CHARS:
        raise BadRequest(f"'q' is longer than {MAX_SUGGEST_CHARS} characters")
    # Autocomplete must answer at once: while the tables are still being built after a start or
    # a reindex, it answers with nothing rather than making the reader wait.
    found = service(current_app).suggest(q, wait=current_app.config["SUGGEST_WAIT"])
    return jsonify(query=q, suggestions=[{"text": s.text, "kind": s.kind, "id": s.id} for s in found])


@bp.get("/api/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(spec())


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    svc = service(current_app)
    return jsonify(status="ok", documents=svc.doc_count(), generation=svc.generation(), ready=svc.ready())

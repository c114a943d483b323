"""JSON API: the twin of every page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from webapp import service
from webapp.params import search_request

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():  # type: ignore[no-untyped-def]
    req = search_request(request.args, current_app.config["MAX_QUERY_CHARS"])
    return jsonify(service(current_app).search(req).to_json())


@bp.get("/api/article/<path:article_id>")
def article(article_id: str):  # type: ignore[no-untyped-def]
    found = service(current_app).article(article_id)
    if found is None:
        abort(404, description=f"no article with id {article_id!r}")
    return jsonify(found.to_json())


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    svc = service(current_app)
    return jsonify(status="ok", documents=svc.doc_count(), generation=svc.generation())

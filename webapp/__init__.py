"""Khabar's web front end: a Flask application factory with two blueprints.

pages - the HTML search page and article pages
api   - the JSON twins of those pages, and /healthz
Both only call ``indexer.search.SearchService``; the web app never touches the index directly.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

from indexer.search import SearchService


def create_app(index_dir: str | Path | None = None, config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        KHABAR_INDEX=Path(index_dir or os.environ.get("KHABAR_INDEX", "index")),
        JSON_AS_ASCII=False,
        MAX_QUERY_CHARS=500,
        SUGGEST_WAIT=True,  # `khabar serve` sets False: it builds the tables in the background
    )
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["khabar"] = SearchService(app.config["KHABAR_INDEX"])

    from webapp import api, errors, i18n, pages, presentation

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    errors.register(app)
    i18n.register(app)
    presentation.register(app)

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    logging.getLogger("waitress").setLevel(logging.INFO)
    return app


def service(app: Flask) -> SearchService:
    return app.extensions["khabar"]

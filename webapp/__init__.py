"""Khabar's web front end: a Flask application factory with two blueprints.

pages - the HTML search page and article pages
api   - the JSON twins of those pages, and /healthz
Both only call ``indexer.search.SearchService``; the web app never touches the index directly.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from indexer.engines.config import EngineConfig, from_options
from indexer.search import SearchService


def create_app(index: str | Path | EngineConfig | None = None, config: dict[str, Any] | None = None) -> Flask:
    """The app over ``index``: a Whoosh index folder, or any engine's configuration; by default
    the one the environment names (KHABAR_ENGINE, KHABAR_INDEX, KHABAR_OPENSEARCH_*)."""
    app = Flask(__name__)
    engine = (
        index if isinstance(index, EngineConfig) else from_options(index_dir=Path(index) if index else None)
    )
    app.config.update(
        KHABAR_ENGINE=engine,
        JSON_AS_ASCII=False,
        MAX_QUERY_CHARS=500,
        SUGGEST_WAIT=True,  # `khabar serve` sets False: it builds the tables in the background
    )
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["khabar"] = SearchService(engine)

    from webapp import api, errors, exports, i18n, pages, presentation

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(exports.bp)
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

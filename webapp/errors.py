"""Errors are pages (HTML) or JSON objects (API), never tracebacks."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from indexer.engines.base import IndexUnavailable
from webapp.i18n import MESSAGES, t


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _respond(e: HTTPException):  # type: ignore[no-untyped-def]
    code = e.code or 500
    if wants_json():
        return jsonify(error={"status": code, "name": e.name, "message": e.description}), code
    title = t(f"error.{code}") if f"error.{code}" in MESSAGES else e.name
    return render_template("error.html", code=code, title=title, message=e.description), code


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):  # type: ignore[no-untyped-def]
        return _respond(e)

    @app.errorhandler(IndexUnavailable)
    def no_index(e: IndexUnavailable):  # type: ignore[no-untyped-def]
        return _respond(ServiceUnavailable(str(e)))

    @app.errorhandler(Exception)
    def unexpected(e: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error on %s", request.path)
        return _respond(InternalServerError("Something went wrong on the server; it has been logged."))

"""Run the web app under a production WSGI server.

One process (Waitress, threads) by default on one core; with ``workers`` > 1, Gunicorn forks that
many processes after the index is loaded, so the loaded arrays are shared copy-on-write and every
core serves searches (Python runs one thread at a time per process).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from flask import Flask
from threadpoolctl import threadpool_limits

from webapp import create_app, service

# Every request line up to this reaches Khabar, which answers an over-long query with its own
# error (JSON on the API, a Hindi page on the site); a server's own limit answers first with a
# page of its own, in English (Gunicorn's default, 4,094 bytes, met a 460-letter Devanagari query).
MAX_REQUEST_BYTES = 1024 * 1024


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def one_blas_thread() -> threadpool_limits:
    """One BLAS thread a process: a search's product of the query vector and the article matrix
    is memory-bound, and BLAS threads spinning beside the web threads of two workers cost more
    than they give (docs/performance.md: 30.8 -> 41.7 requests/s and 59.5 -> 42.0 ms of CPU a
    request at 100,000 articles, the Whoosh engine)."""
    return threadpool_limits(1, user_api="blas")


def run(index: Any, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``index`` (a Whoosh folder or an engine configuration)."""
    one_blas_thread()  # before forking: Gunicorn's workers keep it
    app = create_app(index, config={"SUGGEST_WAIT": False})
    t0 = time.perf_counter()
    # Raises IndexUnavailable when there is no index. Forked workers cannot inherit a thread, so
    # with several of them the autocomplete tables are built before forking.
    service(app).warm(background=workers <= 1)
    print(f"Index loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    where = index.where if hasattr(index, "where") else index
    print(f"Khabar is serving {where} on http://{host}:{port}/ (Ctrl-C stops it)", file=sys.stderr)
    if workers > 1 and _gunicorn_available():
        _gunicorn(app, host, port, workers, threads)
    else:
        from waitress import serve

        serve(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="khabar",
            max_request_header_size=MAX_REQUEST_BYTES,
        )


def _gunicorn_available() -> bool:
    try:
        import gunicorn  # noqa: F401
    except ImportError:  # not on Windows
        return False
    return True


def _bound_request_lines() -> None:
    """With ``limit_request_line`` 0, Gunicorn's pure-Python parser reads a request line of any
    length into memory: bound it at MAX_REQUEST_BYTES as its C parser does."""
    from gunicorn.http import message, parser

    if not hasattr(message.Request, "read_line") or parser.RequestParser.mesg_class is not message.Request:
        return

    class BoundedRequest(message.Request):  # type: ignore[misc]
        def read_line(self, unreader, buf, limit=0):  # type: ignore[no-untyped-def]
            return super().read_line(unreader, buf, limit or MAX_REQUEST_BYTES)

    parser.RequestParser.mesg_class = BoundedRequest


def _gunicorn(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    _bound_request_lines()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 120,
                "graceful_timeout": 10,
                "accesslog": None,
                "loglevel": "warning",
                # Gunicorn's limit is at most 8,190 bytes (a 910-letter Devanagari query) and its
                # 414 page is its own: 0 lets every line of up to MAX_REQUEST_BYTES reach the app
                # (its C parser, when installed, stops there; the Python one: _bound_request_lines).
                "limit_request_line": 0,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Server().run()

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

from webapp import create_app, service


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def run(index: Any, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``index`` (a Whoosh folder or an engine configuration)."""
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

        serve(app, host=host, port=port, threads=threads, ident="khabar")


def _gunicorn_available() -> bool:
    try:
        import gunicorn  # noqa: F401
    except ImportError:  # not on Windows
        return False
    return True


def _gunicorn(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

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
                # A 500-character Devanagari query is 4,500 bytes once percent-encoded; Gunicorn's
                # default request line (4,094 bytes) answered it 414 before the app saw it.
                "limit_request_line": 8190,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Server().run()

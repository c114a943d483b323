"""Worker processes that extract an archive's pages, in order, a bounded number at a time.

Extraction (parsing a page, finding its main text) costs milliseconds a page in Python; an
archive's records are read and decompressed in the reindex's own process and handed to one
worker per core. The workers are started once per process (``spawn``: the reindex holds
threads, of the encoder among others, that a fork would copy in an unknown state) and serve
every archive after; a small archive (under ``POOL_FROM_BYTES``) is extracted in the process
itself, as starting the workers costs a second or two. At most ``IN_FLIGHT`` pages a worker
wait at a time, so memory stays flat however large the archive. If the workers die (killed,
out of memory), the pages left are extracted in the process itself: slower, never lost.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

IN_FLIGHT = 8  # pages waiting a worker
POOL_FROM_BYTES = 16 * 1024 * 1024  # smaller archives are extracted in the reindex's process
_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None


def workers() -> int:
    """One per core this process may use (0: extract in this process)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 0 if cores < 2 else cores


def _get_executor() -> ProcessPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ProcessPoolExecutor(workers(), mp_context=multiprocessing.get_context("spawn"))
            atexit.register(_close)
        return _executor


def _close() -> None:
    global _executor
    with _lock:
        if _executor is not None:
            _executor.shutdown(wait=False, cancel_futures=True)
            _executor = None


def _extract(job: tuple) -> Any:
    from indexer.ingest.web.readers import read_page

    return read_page(*job)


def pages(jobs: Iterable[tuple], size: int = POOL_FROM_BYTES) -> Iterator[Any]:
    """``readers.read_page(*job)`` of each job, in the jobs' order (``size``: the archive's,
    which decides whether workers are worth starting)."""
    if workers() == 0 or size < POOL_FROM_BYTES:
        for job in jobs:
            yield _extract(job)
        return
    executor = _get_executor()
    waiting: deque[tuple[tuple, Future[Any] | None]] = deque()
    limit = IN_FLIGHT * workers()

    def done(job: tuple, future: Future[Any] | None) -> Any:
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                _close()
        return _extract(job)

    broken = False
    for job in jobs:
        future = None
        if not broken:
            try:
                future = executor.submit(_extract, job)
            except (BrokenProcessPool, RuntimeError):
                broken = True
                _close()
        waiting.append((job, future))
        while len(waiting) >= limit:
            yield done(*waiting.popleft())
    while waiting:
        yield done(*waiting.popleft())

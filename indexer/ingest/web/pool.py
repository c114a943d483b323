"""Worker processes that extract an archive's pages, in order, a bounded number at a time.

Extraction (parsing a page, finding its main text) costs milliseconds a page in Python; an
archive's records are read and decompressed in the reindex's own process and handed to one
worker per core. The workers are started once per process (``spawn``: the reindex holds
threads, of the encoder among others, that a fork would copy in an unknown state) and serve
every archive after; a small archive (under ``POOL_FROM_BYTES``) is extracted in the process
itself, as starting the workers costs a second or two. Pages go to a worker in batches of about
``BATCH_BYTES`` (one hand-over a page cost the reindex's process a millisecond of its own, a
third of what a page costs it), and at most ``IN_FLIGHT`` batches a worker wait at a time, so
memory stays flat however large the archive. If the workers die (killed, out of memory), the
pages left are extracted in the process itself: slower, never lost.
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

IN_FLIGHT = 3  # batches waiting a worker
BATCH_BYTES = 512 * 1024  # of pages handed to a worker at once
BATCH_PAGES = 32
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


def _extract_batch(batch: list[tuple]) -> list[Any]:
    return [_extract(job) for job in batch]


def _batches(jobs: Iterable[tuple]) -> Iterator[list[tuple]]:
    """Jobs in lists of about ``BATCH_BYTES`` of pages (a job's bytes are its ``bytes`` items)."""
    batch: list[tuple] = []
    size = 0
    for job in jobs:
        batch.append(job)
        size += sum(len(x) for x in job if isinstance(x, bytes))
        if size >= BATCH_BYTES or len(batch) >= BATCH_PAGES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def pages(jobs: Iterable[tuple], size: int = POOL_FROM_BYTES) -> Iterator[Any]:
    """``readers.read_page(*job)`` of each job, in the jobs' order (``size``: the archive's,
    which decides whether workers are worth starting)."""
    if workers() == 0 or size < POOL_FROM_BYTES:
        for job in jobs:
            yield _extract(job)
        return
    executor = _get_executor()
    waiting: deque[tuple[list[tuple], Future[list[Any]] | None]] = deque()
    limit = IN_FLIGHT * workers()

    def done(batch: list[tuple], future: Future[list[Any]] | None) -> list[Any]:
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                _close()
        return _extract_batch(batch)

    broken = False
    for batch in _batches(jobs):
        future = None
        if not broken:
            try:
                future = executor.submit(_extract_batch, batch)
            except (BrokenProcessPool, RuntimeError):
                broken = True
                _close()
        waiting.append((batch, future))
        while len(waiting) >= limit:
            yield from done(*waiting.popleft())
    while waiting:
        yield from done(*waiting.popleft())

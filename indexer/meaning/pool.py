"""A thread pool that survives a fork: a Gunicorn worker of a preloaded app inherits the pool's
object but not its threads, so the pool is made again in the process that asks for it."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor


class ForkSafePool:
    def __init__(self, workers: int, name: str) -> None:
        self.workers = workers
        self.name = name
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def get(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix=self.name)
                self._pid = os.getpid()
            return self._pool

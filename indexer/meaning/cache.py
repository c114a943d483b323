"""Vectors already computed, kept across reindexes: each passage is embedded once per model.

One append-only file per model (``<checksum>.vectors`` in the cache folder), a record per
passage: its 16-byte key (``passage.key``) and its vector as float32. A reindex appends each
batch as soon as it is embedded, so one killed while embedding loses at most the batch in hand;
a record cut short by the kill is dropped when the file is next opened. An incremental reindex,
a rebuild after a crash and another index of the same articles all find their vectors here.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

KEY_BYTES = 16


class VectorCache:
    def __init__(self, folder: Path, checksum: str, dim: int) -> None:
        self.path = folder / f"{checksum}.vectors"
        self.dim = dim
        self.record = KEY_BYTES + 4 * dim
        self._rows: dict[bytes, int] = {}
        self._matrix: np.ndarray | None = None
        self._extra: dict[bytes, np.ndarray] = {}  # appended since the file was mapped
        folder.mkdir(parents=True, exist_ok=True)
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        size = self.path.stat().st_size
        whole = size - size % self.record
        if whole != size:  # the last record was cut short (a kill while writing): drop it
            with self.path.open("r+b") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                fh.truncate(whole)
        if not whole:
            return
        raw = np.memmap(self.path, dtype=np.uint8, mode="r", shape=(whole // self.record, self.record))
        keys = raw[:, :KEY_BYTES]
        self._rows = {bytes(k): n for n, k in enumerate(keys)}
        self._matrix = raw[:, KEY_BYTES:].view(np.float32)

    def __len__(self) -> int:
        return len(self._rows) + len(self._extra)

    def __contains__(self, key: bytes) -> bool:
        return key in self._rows or key in self._extra

    def get(self, key: bytes) -> np.ndarray | None:
        row = self._rows.get(key)
        if row is not None and self._matrix is not None:
            return np.array(self._matrix[row])
        return self._extra.get(key)

    def add(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        """Append vectors, durably, in one write (the lock keeps two writers' records whole)."""
        items = [(k, np.asarray(v, dtype=np.float32)) for k, v in items if k not in self]
        if not items:
            return
        data = b"".join(k + v.tobytes() for k, v in items)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        for k, v in items:
            self._extra[k] = v

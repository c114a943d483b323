"""Small corrections to Whoosh 2.7.5 internals, applied once on import (the version is pinned).

- W3 per-document readers cache a column reader per field, but not its absence: for every posting of
  a field without a lengths column (IDs, keywords, numbers) the writer asked the filesystem again
  whether the column file exists. Caching the answer cut a 2,000-article reindex by a tenth.
- The per-document field lengths (one byte each) are read once into memory instead of one file
  read per posting: the writer asks for them for every posting it writes, readers for every
  document they score.
- A file inside a memory-mapped compound segment was wrapped in ``BytesIO(memoryview)``, which
  copies it: every new searcher copied the whole posting file (0.3 s and 300 MB at 100,000
  articles, once per server thread). It is now read in place.
- The writing processes a multi-process writer forks outlived a killed reindex, waiting forever
  on their job queue. On Linux they now ask the kernel to kill them when their parent dies.
"""

from __future__ import annotations

import ctypes
import os
import signal

from whoosh import multiproc
from whoosh.codec import whoosh3
from whoosh.filedb import structfile

_MISSING = object()


class _Lengths:
    """A lengths column held in memory: docnum -> length byte."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __getitem__(self, docnum: int) -> int:
        return self._data[docnum] if docnum < len(self._data) else 0


def _cached_reader(self, fieldname, column):  # type: ignore[no-untyped-def]
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        if reader is not None and column is whoosh3.LENGTHS_COLUMN:
            colfile, offset, length = self._colfiles[fieldname]
            reader = _Lengths(bytes(colfile.get(offset, length)))
        self._readers[fieldname] = reader
    return reader


whoosh3.W3PerDocReader._cached_reader = _cached_reader


class _MemoryFile:
    """A read-only file over a memoryview, without copying it (what BufferFile needs)."""

    def __init__(self, buf: memoryview) -> None:
        self._buf = buf
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._buf) if n is None or n < 0 else min(len(self._buf), self._pos + n)
        data = bytes(self._buf[self._pos : end])
        self._pos = end
        return data

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readline(self, limit: int = -1) -> bytes:
        rest = bytes(self._buf[self._pos : self._pos + (limit if limit >= 0 else len(self._buf))])
        nl = rest.find(b"\n")
        line = rest if nl < 0 else rest[: nl + 1]
        self._pos += len(line)
        return line

    def __iter__(self):  # type: ignore[no-untyped-def]
        while self._pos < len(self._buf):
            yield self.readline()

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._buf)}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._buf = memoryview(b"")


def _buffer_file_init(self, buf, name=None, onclose=None):  # type: ignore[no-untyped-def]
    self._buf = buf
    self._name = name
    self.file = _MemoryFile(memoryview(buf))
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


structfile.BufferFile.__init__ = _buffer_file_init


_PR_SET_PDEATHSIG = 1
_subwriter_run = multiproc.SubWriterTask.run


def _die_with_parent() -> None:
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: nothing to ask for
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _run_dying_with_parent(self):  # type: ignore[no-untyped-def]
    _die_with_parent()
    return _subwriter_run(self)


multiproc.SubWriterTask.run = _run_dying_with_parent

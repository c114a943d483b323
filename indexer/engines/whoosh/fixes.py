"""Small corrections to Whoosh 2.7.5 internals, applied once on import; importing them on any
other version of Whoosh stops with an error that says what to install.

- Field lengths are kept in Lucene's one-byte encoding, not Whoosh's (``norms``): both engines
  then weigh a field's length the same.
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
- A writing process that finished its segment had no way to hand anything else back to the
  parent; ``SEGMENT_WRITTEN`` hooks run in it then (writer.py leaves its word counts).
- Nothing marked where one document's analysis ends and the next one's begins;
  ``DOCUMENT_ADDING``/``DOCUMENT_ADDED`` hooks now bracket each document a writer adds, in
  whichever process adds it (writer.py keeps each article's words with them).
- A writing process that failed (a full disk) printed a traceback and its articles silently
  went missing from the commit. It now prints one line and exits; the reindex counts the
  articles of the new generation before publishing it (``build``). When every writing process
  has failed, the parent no longer waits forever to hand them jobs.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable
from queue import Full

import whoosh
from whoosh import columns, multiproc, writing
from whoosh.codec import whoosh3
from whoosh.filedb import structfile

from indexer.engines.whoosh import norms

WRITTEN_FOR = "2.7.5"  # whoosh-reloaded, pinned in setup.cfg

if whoosh.versionstring() != WRITTEN_FOR or not all(
    hasattr(owner, name)
    for owner, name in (
        (whoosh3.W3PerDocReader, "_cached_reader"),
        (structfile.BufferFile, "__init__"),
        (multiproc.SubWriterTask, "run"),
        (columns.NumericColumn, "Reader"),
        (writing.SegmentWriter, "add_document"),
    )
):
    raise ImportError(
        f"Khabar corrects internals of whoosh-reloaded {WRITTEN_FOR}, but Whoosh {whoosh.versionstring()} "
        f"is installed; install the pinned version: pip install 'whoosh-reloaded=={WRITTEN_FOR}'"
    )

_MISSING = object()

# Field lengths in Lucene's byte rather than Whoosh's (see norms.py): the W3 codec reads and
# writes lengths through these two names only.
whoosh3.length_to_byte = norms.length_to_byte
whoosh3.byte_to_length = norms.byte_to_length


class _Lengths(columns.NumericColumn.Reader):
    """The lengths column's own reader with its bytes read once into memory: every public method
    (len, iteration, load, sort_key, ...) is the original's; only the per-document read differs."""

    def __init__(self, reader: columns.NumericColumn.Reader) -> None:
        self.__dict__.update(reader.__dict__)
        self._data = bytes(reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen))

    def __getitem__(self, docnum: int) -> int:
        return self._data[docnum] if docnum < self._count else self._default


def _cached_reader(self, fieldname, column):  # type: ignore[no-untyped-def]
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        if isinstance(reader, columns.NumericColumn.Reader) and reader._typecode == "B":
            reader = _Lengths(reader)  # the lengths columns: one byte per document
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


def _die_with_parent(parent: int) -> None:
    """``parent`` is the pid the process was forked from, as the parent recorded it: read here,
    after the fork, it could already be init's if the parent was killed in between (a writing
    process then outlived a killed reindex, seen under load)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: nothing to ask for
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


_process_file = multiproc.SubWriterTask._process_file


def _process_file_or_crash(self, filename, doc_count):  # type: ignore[no-untyped-def]
    """Test hook (tests/test_live_reindex.py): KHABAR_CRASHPOINT=subwriter makes the first writing
    process fail after its first job, =subwriters every one of them, as a full disk would."""
    _process_file(self, filename, doc_count)
    point = os.environ.get("KHABAR_CRASHPOINT")
    if point == "subwriters" or (point == "subwriter" and self.name.endswith("-1")):
        raise OSError(28, "No space left on device (crash point)")


multiproc.SubWriterTask._process_file = _process_file_or_crash


class _WatchedQueue:
    """The job queue of a multi-process writer, whose ``put`` gives up when no writing process is
    left to take the jobs: the queue is bounded, and the parent blocked on it forever."""

    def __init__(self, queue: object, tasks: list) -> None:
        self._queue = queue
        self._tasks = tasks

    def put(self, item: object) -> None:
        while True:
            try:
                self._queue.put(item, timeout=1)  # type: ignore[attr-defined]
                return
            except Full:
                if self._tasks and not any(t.is_alive() for t in self._tasks):
                    raise OSError("every writing process has stopped (its error is printed above)") from None

    def get(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return self._queue.get(*args, **kwargs)  # type: ignore[attr-defined]


_mpwriter_init = multiproc.MpWriter.__init__


def _mpwriter_init_watched(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    _mpwriter_init(self, *args, **kwargs)
    self.jobqueue = _WatchedQueue(self.jobqueue, self.tasks)


multiproc.MpWriter.__init__ = _mpwriter_init_watched


# Called in a writing process once its segment is written, with the index folder.
SEGMENT_WRITTEN: list[Callable[[str], None]] = []


def _run_dying_with_parent(self):  # type: ignore[no-untyped-def]
    _die_with_parent(self._parent_pid)  # set by multiprocessing in the parent, before the fork
    try:
        result = _subwriter_run(self)
        if self.running:  # not cancelled
            for hook in SEGMENT_WRITTEN:
                hook(self.storage.folder)
        return result
    except BaseException as e:
        # Whoosh's parent then commits without this process's segment; the reindex finds the
        # articles missing before it publishes (build.py) and fails with this reason.
        print(f"error: a writing process failed: {e.__class__.__name__}: {e}", file=sys.stderr, flush=True)
        os._exit(1)


multiproc.SubWriterTask.run = _run_dying_with_parent


# Called around each document a segment writer adds (in the parent with one writing process, in
# each writing process with several: Whoosh's MpWriter only queues documents), with its fields.
DOCUMENT_ADDING: list[Callable[[], None]] = []
DOCUMENT_ADDED: list[Callable[[dict], None]] = []
_add_document = writing.SegmentWriter.add_document


def _add_document_bracketed(self, **fields):  # type: ignore[no-untyped-def]
    for before in DOCUMENT_ADDING:
        before()
    _add_document(self, **fields)
    for after in DOCUMENT_ADDED:
        after(fields)


writing.SegmentWriter.add_document = _add_document_bracketed

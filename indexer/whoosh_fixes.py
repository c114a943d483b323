"""Small corrections to Whoosh 2.7.5 internals, applied once on import (the version is pinned).

- W3 per-document readers cache a column reader per field, but not its absence: for every posting of
  a field without a lengths column (IDs, keywords, numbers) the writer asked the filesystem again
  whether the column file exists. Caching the answer cut a 2,000-article reindex by a tenth.
- The per-document field lengths (one byte each) are read once into memory instead of one file
  read per posting: the writer asks for them for every posting it writes, readers for every
  document they score.
"""

from __future__ import annotations

from whoosh.codec import whoosh3

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

"""The pages of a WARC web archive, streamed a record at a time, with every broken record
reported rather than lost in silence.

A candidate page is a ``response`` record of an HTTP 200 whose content type is HTML (or a
``resource`` record of HTML, as some tools save a page); a feed response (RSS, Atom, XML) is
handed on as a feed. Everything else a crawl holds (redirects, errors, images, scripts,
``request`` and ``metadata`` records) is no article and is passed over. Nothing is fetched: a
record is only bytes.

warcio parses the records and undoes the HTTP transfer and content encodings (chunked, gzip,
deflate, brotli). Two things it lets pass without a word are checked here: a ``.warc.gz`` cut
short (its last gzip member unfinished: warcio stops as if the file had ended there; the
decompression is done here, member by member, so it is seen), and a record whose Content-Length
is wrong (warcio writes a warning to the terminal and reads on from the wrong place, or lets a
record run to the end of the file and swallow those after it).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from indexer.ingest.dates import parse_date

MAX_RECORD_BYTES = 8 * 1024 * 1024  # a page larger than this is reported and not read
_CHUNK = 1 << 16
_HTML = ("text/html", "application/xhtml+xml")
_FEEDS = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")


class BrokenArchive(Exception):
    """The archive cannot be read on from here; the message says why."""


class Misaligned(BrokenArchive):
    """The record just read was not followed by the next one: its length was wrong."""


@dataclass
class Captured:
    """One page (or feed) as the archive holds it."""

    number: int  # the record's place in the archive, from 1 (messages say file:record)
    url: str  # WARC-Target-URI
    captured: datetime | None  # WARC-Date
    content_type: str  # the HTTP Content-Type
    body: bytes
    feed: bool = False


@dataclass
class Broken:
    number: int
    reason: str


class _Gunzipped(io.RawIOBase):
    """The decompressed bytes of a gzip file of any number of members (a WARC has one a record);
    ``cut`` says whether the file ended inside a member; damaged data raises BrokenArchive.
    Output is produced a bounded piece at a time: a member that inflates to gigabytes costs no
    memory."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.inflate: Any = None
        self.tail = b""  # compressed input not yet consumed
        self.cut = False  # the file ended inside a member (seen as the end of the data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self.inflate is not None and self.inflate.eof:
                # What follows the member (the next one). Only this: once a member has ended,
                # zlib also leaves the same bytes in ``unconsumed_tail``.
                self.tail = self.inflate.unused_data
                self.inflate = None
            if not self.tail:
                self.tail = self.raw.read(_CHUNK)
                if not self.tail:
                    # Not raised here: what was inflated before the cut is still to be read.
                    self.cut = self.inflate is not None
                    return 0
            if self.inflate is None:
                self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                out = self.inflate.decompress(self.tail, len(buffer))
            except zlib.error as e:
                raise BrokenArchive(f"damaged gzip data ({e})") from None
            self.tail = self.inflate.unconsumed_tail
            if out:
                buffer[: len(out)] = out
                return len(out)


class _Records(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator, failing where the stock one warns on the terminal and reads on."""

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        empty = 0
        while True:
            line = self.reader.readline()
            if not line:
                return None, empty
            if line.strip():
                if not empty:
                    raise Misaligned("the record does not end where its Content-Length says")
                return line, empty
            empty += len(line)


def _kind(content_type: str) -> str | None:
    ct = content_type.split(";")[0].strip().lower()
    if ct in _HTML:
        return "html"
    if ct in _FEEDS:
        return "feed"
    return None


def _candidate(record: Any) -> tuple[str, str] | None:
    """(content type, kind) of a record that may be an article or a feed; None otherwise."""
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return None
        content_type = http.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    kind = _kind(content_type)
    return (content_type, kind) if kind else None


def read_records(stream: BinaryIO) -> Iterator[Captured | Broken]:
    """Every candidate page and feed of an archive, in order, and what was broken on the way.
    After damage that loses the place of the next record (a cut, a damaged gzip member, a wrong
    Content-Length) the rest of the file cannot be found: it says so and stops."""
    head = stream.read(2)
    gunzipped = _Gunzipped(_Prefixed(head, stream)) if head == b"\x1f\x8b" else None
    data = io.BufferedReader(gunzipped or _Prefixed(head, stream))
    first = data.read(5)
    if first != b"WARC/":
        yield Broken(1, "not a WARC file (it does not start with WARC/)")
        return
    data = io.BufferedReader(_Prefixed(first, data))
    number = 0
    # A record is handed on only once the next one is found where it should start (or the file
    # ends cleanly): a record with a wrong length is damaged, not a page to index.
    held: Captured | None = None
    cut = "the file ends inside a gzip member: it was cut short here"
    try:
        for record in _Records(data, check_digests=False):
            number += 1
            if held is not None:
                yield held
                held = None
            found = _candidate(record)
            if found is None:
                continue
            content_type, kind = found
            body = record.content_stream().read(MAX_RECORD_BYTES + 1)
            _drain(record)
            if record.raw_stream.limit > 0:  # the data ended before the record did
                short = "the record is shorter than its Content-Length (a wrong length, or the file was cut)"
                yield Broken(number, cut if gunzipped is not None and gunzipped.cut else short)
                return
            if len(body) > MAX_RECORD_BYTES:
                yield Broken(number, f"page too large (over {MAX_RECORD_BYTES // (1024 * 1024)} MB)")
                continue
            url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
            when = _warc_date(record.rec_headers.get_header("WARC-Date"))
            held = Captured(number, url, when, content_type, body, feed=kind == "feed")
        if held is not None:
            yield held
        if gunzipped is not None and gunzipped.cut:
            yield Broken(number + 1, cut)
    except (BrokenArchive, ArchiveLoadFailed, EOFError, ValueError) as e:
        at = number + 1
        if gunzipped is not None and gunzipped.cut:
            why = cut
        elif isinstance(e, Misaligned):
            why, at = str(e), number
        elif isinstance(e, BrokenArchive):
            why = str(e)
        elif "Unknown archive format" in str(e) or "Invalid" in str(e):
            why = "not a WARC record"
        else:
            why = " ".join(str(e).split())[:120]
        yield Broken(at, f"{why}: the rest of the file cannot be read")


def _drain(record: Any) -> None:
    """Read what is left of the record's block (the payload is read at most to its cap)."""
    while record.raw_stream.read(_CHUNK):
        pass


class _Prefixed(io.RawIOBase):
    """A stream with the bytes already read from it put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_date(value.strip())
    except ValueError:
        return None

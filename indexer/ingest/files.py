"""Find corpus files under the given paths and read them as text, reporting what cannot be read."""

from __future__ import annotations

import codecs
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from indexer.records import Problem

FORMATS = (".txt", ".jsonl", ".json", ".csv", ".html", ".htm", ".warc", ".warc.gz", ".rss", ".atom", ".xml")


def format_of(name: str) -> str:
    """A file name's format: its suffix, lower-cased (``.warc.gz`` is one)."""
    low = name.lower()
    if low.endswith(".warc.gz"):
        return ".warc.gz"
    return os.path.splitext(low)[1]


# .txt, .json and .csv files are read whole; beyond this they are refused so memory stays bounded.
MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024
_SNIFF_BYTES = 8192


class UnreadableFile(Exception):
    """The file cannot be decoded as text; the message says why."""


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One corpus file. A corpus may hold a million files, so this stays small: a plain string
    rather than a Path (a third of the size), and slots."""

    location: str  # the path as found on disk
    rel: str  # path relative to the corpus root, '/'-separated, NFC

    @property
    def path(self) -> Path:
        return Path(self.location)

    @property
    def suffix(self) -> str:
        return format_of(self.rel)

    @property
    def id_base(self) -> str:
        """The article id for a one-article file: the relative path without extension."""
        suffix = format_of(PurePosixPath(self.rel).name)
        return self.rel[: -len(suffix)] if suffix and self.rel.lower().endswith(suffix) else self.rel

    @property
    def folder_category(self) -> str:
        """The top-level folder under the corpus root, which names the category."""
        parts = PurePosixPath(self.rel).parts
        return parts[0] if len(parts) > 1 else ""


def readable_name(name: str) -> str:
    """A file name as text. Linux names are bytes: those that are not UTF-8 reach Python with
    their bad bytes as lone surrogates, which no JSON, URL or index can hold; each such byte
    becomes %XX (``caf\\xe9.txt`` -> ``caf%E9.txt``)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        out, i = [], 0
        while i < len(raw):  # keep every valid UTF-8 sequence, escape the rest byte by byte
            for size in (4, 3, 2, 1):
                try:
                    out.append(raw[i : i + size].decode("utf-8"))
                    i += size
                    break
                except UnicodeDecodeError:
                    continue
            else:
                out.append(f"%{raw[i]:02X}")
                i += 1
        return "".join(out)
    return name


def _corpus_file(location: str, rel: str) -> Iterator[CorpusFile | Problem]:
    readable = readable_name(rel)
    if readable != rel:
        yield Problem(
            readable, None, "the file name is not UTF-8: each bad byte is %XX in its id", skipped=False
        )
    yield CorpusFile(location, unicodedata.normalize("NFC", readable))


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _roots(paths: list[Path]) -> Iterator[Path | Problem]:
    """The given paths, each once: a path given twice, or inside a folder also given, is read
    with that folder (its articles keep the ids the folder gives them). Missing paths and other
    formats pass through, for ``discover`` to report."""
    kept: list[tuple[Path, Path | None]] = []  # (given, resolved folder or file)
    for given in paths:
        if not given.exists() or (given.is_file() and format_of(given.name) not in FORMATS):
            kept.append((given, None))
            continue
        try:
            real = given.resolve()
        except (OSError, RuntimeError):  # a symlink loop: read it as given
            real = given.absolute()
        outer = next((g for g, r in kept if r is not None and (r == real or r in real.parents)), None)
        if outer is not None:
            why = "given twice" if outer.resolve() == real else f"inside {outer}, which is also given"
            yield Problem(readable_name(str(given)), None, f"{why}: read once", skipped=False)
            continue
        inner = [g for g, r in kept if r is not None and real in r.parents]
        for g in inner:  # a folder given after one of its sub-folders: the folder's ids win
            yield Problem(readable_name(str(g)), None, f"inside {given}, which is also given: read once",
                          skipped=False)  # fmt: skip
        kept = [(g, r) for g, r in kept if g not in inner]
        kept.append((given, real))
    for g, _ in kept:
        yield g


def discover(paths: list[Path]) -> Iterator[CorpusFile | Problem]:
    """Yield every supported file under ``paths`` in a stable order, and problems for bad paths.

    Hidden files and folders are skipped; symlinked folders are not followed (no loops). A path
    given twice, or inside another given folder, is read once.
    """
    for given in _roots(paths):
        if isinstance(given, Problem):
            yield given
        elif not given.exists():
            yield Problem(readable_name(str(given)), None, "no such file or folder")
        elif given.is_file():
            if format_of(given.name) in FORMATS:
                yield from _corpus_file(str(given), _rel(given, given.parent))
            else:
                yield Problem(
                    readable_name(str(given)), None, f"not a supported format (use {', '.join(FORMATS)})"
                )
        else:
            yield from _walk(given)


def _walk(root: Path) -> Iterator[CorpusFile | Problem]:
    def on_error(err: OSError) -> None:
        where = readable_name(str(err.filename or root))
        problems.append(Problem(where, None, f"cannot read folder: {err.strerror}"))

    problems: list[Problem] = []
    top = str(root)
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        yield from problems
        problems.clear()
        folder = os.path.relpath(dirpath, top).replace(os.sep, "/")
        for name in sorted(filenames):
            if name.startswith(".") or format_of(name) not in FORMATS:
                continue
            location = os.path.join(dirpath, name)
            if os.path.isfile(location):
                yield from _corpus_file(location, name if folder == "." else f"{folder}/{name}")
    yield from problems


def looks_binary(head: bytes) -> bool:
    """Whether a file that starts with ``head`` is binary rather than text: a NUL byte in its
    first 8 KB (git's test; no text encoding Khabar reads without a BOM has one)."""
    return b"\x00" in head[:_SNIFF_BYTES]


BINARY = "binary file, not text"


def decode(data: bytes) -> str:
    """Decode file content as UTF-8 (a BOM is allowed; UTF-16 and UTF-32 with a BOM too), or raise
    UnreadableFile."""
    if not data.strip():
        raise UnreadableFile("empty file")
    # UTF-32 first: its little-endian BOM begins with UTF-16's.
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        try:
            return normalize_newlines(data.decode("utf-32"))
        except UnicodeDecodeError as e:
            raise UnreadableFile(f"broken UTF-32 at byte {e.start}") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return normalize_newlines(data.decode("utf-16"))
        except UnicodeDecodeError as e:
            raise UnreadableFile(f"broken UTF-16 at byte {e.start}") from None
    if looks_binary(data):
        raise UnreadableFile(BINARY)
    try:
        return normalize_newlines(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise UnreadableFile(
            f"not UTF-8 text (invalid byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from None


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path) -> str:
    """The whole file as text; too large a file is refused rather than read into memory."""
    try:
        size = path.stat().st_size
        if size > MAX_WHOLE_FILE_BYTES:
            raise UnreadableFile(
                f"too large to read whole ({size / 1e6:.0f} MB > {MAX_WHOLE_FILE_BYTES / 1e6:.0f} MB): "
                "split it, or use JSON Lines, which is read a line at a time"
            )
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableFile(f"cannot read file: {e.strerror}") from None
    return decode(data)

"""Find corpus files under the given paths and read them as text, reporting what cannot be read."""

from __future__ import annotations

import codecs
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from indexer.records import Problem

FORMATS = (".txt", ".jsonl", ".json", ".csv")
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
        return PurePosixPath(self.rel).suffix.lower()

    @property
    def id_base(self) -> str:
        """The article id for a one-article file: the relative path without extension."""
        p = PurePosixPath(self.rel)
        return str(p.with_suffix("")) if p.suffix else str(p)

    @property
    def folder_category(self) -> str:
        """The top-level folder under the corpus root, which names the category."""
        parts = PurePosixPath(self.rel).parts
        return parts[0] if len(parts) > 1 else ""


def _rel(path: Path, root: Path) -> str:
    return unicodedata.normalize("NFC", path.relative_to(root).as_posix())


def discover(paths: list[Path]) -> Iterator[CorpusFile | Problem]:
    """Yield every supported file under ``paths`` in a stable order, and problems for bad paths.

    Hidden files and folders are skipped; symlinked folders are not followed (no loops).
    """
    for given in paths:
        if not given.exists():
            yield Problem(str(given), None, "no such file or folder")
        elif given.is_file():
            if given.suffix.lower() in FORMATS:
                yield CorpusFile(str(given), _rel(given, given.parent))
            else:
                yield Problem(str(given), None, f"not a supported format (use {', '.join(FORMATS)})")
        else:
            yield from _walk(given)


def _walk(root: Path) -> Iterator[CorpusFile | Problem]:
    def on_error(err: OSError) -> None:
        problems.append(Problem(err.filename or str(root), None, f"cannot read folder: {err.strerror}"))

    problems: list[Problem] = []
    top = str(root)
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        yield from problems
        problems.clear()
        folder = os.path.relpath(dirpath, top).replace(os.sep, "/")
        for name in sorted(filenames):
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in FORMATS:
                continue
            location = os.path.join(dirpath, name)
            if os.path.isfile(location):
                rel = name if folder == "." else f"{folder}/{name}"
                yield CorpusFile(location, unicodedata.normalize("NFC", rel))
    yield from problems


def decode(data: bytes) -> str:
    """Decode file content as UTF-8 (a BOM is allowed; UTF-16 with a BOM too), or raise UnreadableFile."""
    if not data.strip():
        raise UnreadableFile("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return normalize_newlines(data.decode("utf-16"))
        except UnicodeDecodeError as e:
            raise UnreadableFile(f"broken UTF-16 at byte {e.start}") from None
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise UnreadableFile("binary file, not text")
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

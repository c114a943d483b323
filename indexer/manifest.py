"""Which files an index generation was built from, so the next reindex reads only what changed.

Each generation keeps ``khabar-files.json``: for every corpus file its size, modification time,
SHA-256 of its bytes and the ids of the articles it gave. A file whose size and time are unchanged
is trusted without reading it; otherwise its hash decides.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from indexer.analysis.pipeline import AnalysisOptions
from indexer.ingest import CorpusFile

NAME = "khabar-files.json"
FORMAT = 4  # bump when the schema or the meaning of an index changes: forces a full rebuild


@dataclass(frozen=True, slots=True)
class FileEntry:
    size: int
    mtime_ns: int
    sha256: str
    ids: tuple[str, ...] = ()

    def with_ids(self, ids: list[str]) -> FileEntry:
        return replace(self, ids=tuple(ids))


@dataclass
class Manifest:
    analysis: str
    files: dict[str, FileEntry]


@dataclass
class Plan:
    unchanged: dict[str, FileEntry] = field(default_factory=dict)
    changed: list[CorpusFile] = field(default_factory=list)  # added or modified: to be read
    replaced: list[str] = field(default_factory=list)  # keys whose old articles must go
    removed: list[str] = field(default_factory=list)  # keys of files no longer there
    fingerprints: dict[str, FileEntry] = field(default_factory=dict)


def key(cf: CorpusFile) -> str:
    """A file's identity: its absolute path and its id prefix (which depends on the corpus root)."""
    return f"{os.path.abspath(cf.location)}|{cf.id_base}"


def describe(analysis: AnalysisOptions) -> str:
    return json.dumps({"format": FORMAT, "analysis": asdict(analysis)}, sort_keys=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fingerprint(cf: CorpusFile, old: FileEntry | None) -> FileEntry:
    try:
        st = cf.path.stat()
    except OSError:
        return FileEntry(-1, -1, "")  # unreadable now: read again, and let the reader report it
    if old is not None and (old.size, old.mtime_ns) == (st.st_size, st.st_mtime_ns):
        return old
    try:
        digest = _sha256(cf.path)
    except OSError:
        digest = ""
    return FileEntry(st.st_size, st.st_mtime_ns, digest)


def plan(files: list[CorpusFile], old: Manifest | None) -> Plan:
    p = Plan()
    previous = old.files if old else {}
    current = set()
    for cf in files:
        k = key(cf)
        current.add(k)
        before = previous.get(k)
        now = fingerprint(cf, before)
        p.fingerprints[k] = now
        if before is not None and now.sha256 and now.sha256 == before.sha256:
            p.unchanged[k] = now if now is before else replace(now, ids=before.ids)
        else:
            p.changed.append(cf)
            if before is not None:
                p.replaced.append(k)
    p.removed = [k for k in previous if k not in current]
    p.replaced += p.removed
    return p


def load(gen_dir: Path) -> Manifest | None:
    def entry(obj: dict[str, Any]) -> Any:
        # Each file's record becomes a FileEntry as soon as it is parsed, so a million of them
        # never sit in memory twice (as JSON dicts and as entries).
        if "sha256" in obj and "ids" in obj:
            return FileEntry(obj["size"], obj["mtime_ns"], obj["sha256"], tuple(obj["ids"]))
        return obj

    try:
        data = json.loads((gen_dir / NAME).read_text(encoding="utf-8"), object_hook=entry)
        files = data["files"]
        if not all(isinstance(v, FileEntry) for v in files.values()):
            return None
        return Manifest(data["analysis"], files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no manifest (an older index) or a damaged one: rebuild in full


def save(gen_dir: Path, m: Manifest) -> None:
    """Write the manifest an entry at a time: for a million files, one JSON string of them all
    (and a dict per entry to make it) would cost hundreds of megabytes at the end of a reindex."""
    tmp = gen_dir / (NAME + ".tmp")
    readable, escaped = json.JSONEncoder(ensure_ascii=False).encode, json.JSONEncoder().encode

    def dump(value: Any) -> str:
        # A path whose name is not UTF-8 holds lone surrogates (see ingest.files.readable_name):
        # JSON can keep them only \u-escaped, and reads them back the same.
        out = readable(value)
        try:
            out.encode("utf-8")
        except UnicodeEncodeError:
            return escaped(value)
        return out

    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(f'{{"analysis": {dump(m.analysis)}, "files": {{')
        for n, (k, v) in enumerate(m.files.items()):
            fh.write(
                f'{", " if n else ""}{dump(k)}: {{"size": {v.size}, "mtime_ns": {v.mtime_ns}, '
                f'"sha256": {dump(v.sha256)}, "ids": {dump(list(v.ids))}}}'
            )
        fh.write("}}")
    os.replace(tmp, gen_dir / NAME)

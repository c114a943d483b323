"""Which files an index generation was built from, so the next reindex reads only what changed.

Each generation keeps, for every corpus file: its size, modification and change times, inode and
SHA-256; the ids of the articles it gave, the ids it also held that an earlier file had taken
(its duplicates: they are its articles again if that file lets them go), and the problems met
reading it (``--strict`` weighs them on every reindex, not only when the file is read).

A file is hashed again when any of size, times or inode differ: an edit always moves the change
time (no system call sets it back, unlike the modification time: ``touch -r``), so every edit
is caught, and its hash decides whether the file is read again. A file hashed within
RACY_NS of its last modification is hashed again next time (an edit in the same clock tick
would keep every time).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from indexer.analysis.pipeline import AnalysisOptions
from indexer.ingest import CorpusFile
from indexer.records import Problem

NAME = "khabar-files.json"
FORMAT = 6  # bump when the schema or the meaning of an index changes: forces a full rebuild
# (6: each article's words kept for the research desk)
RACY_NS = 2_000_000_000  # coarse file systems keep times to the second or two


@dataclass(frozen=True, slots=True)
class FileEntry:
    size: int
    mtime_ns: int
    sha256: str
    ids: tuple[str, ...] = ()
    ctime_ns: int = -1
    inode: int = -1
    dups: tuple[str, ...] = ()  # ids it holds that an earlier file (or a newer capture) had taken
    problems: tuple[tuple[int | None, str, bool], ...] = ()  # (line, reason, skipped)
    captured: tuple[tuple[str, float], ...] = ()  # (id, capture time) of the web pages it holds

    def with_ids(self, ids: list[str]) -> FileEntry:
        return replace(self, ids=tuple(ids))

    def same_stat(self, st: os.stat_result) -> bool:
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode) == (
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
            st.st_ino,
        )

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["ids"], out["dups"] = list(self.ids), list(self.dups)
        out["problems"] = [list(p) for p in self.problems]
        out["captured"] = [list(c) for c in self.captured]
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> FileEntry:
        return cls(
            size=int(obj["size"]),
            mtime_ns=int(obj["mtime_ns"]),
            sha256=str(obj["sha256"]),
            ids=tuple(obj["ids"]),
            ctime_ns=int(obj["ctime_ns"]),
            inode=int(obj["inode"]),
            dups=tuple(obj["dups"]),
            problems=tuple((p[0], str(p[1]), bool(p[2])) for p in obj["problems"]),
            captured=tuple((str(c[0]), float(c[1])) for c in obj.get("captured", ())),
        )


def problems_of(entry: FileEntry, path: str) -> list[Problem]:
    return [Problem(path, line, reason, skipped) for line, reason, skipped in entry.problems]


def recorded(problems: list[Problem]) -> tuple[tuple[int | None, str, bool], ...]:
    return tuple((p.line, p.reason, p.skipped) for p in problems)


@dataclass
class Manifest:
    analysis: str
    files: dict[str, FileEntry]


@dataclass
class Plan:
    unchanged: dict[str, FileEntry] = field(default_factory=dict)
    changed: list[CorpusFile] = field(default_factory=list)  # added, modified or to be read again
    replaced: list[str] = field(default_factory=list)  # keys whose old articles must go
    removed: list[str] = field(default_factory=list)  # keys of files no longer there
    fingerprints: dict[str, FileEntry] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)  # each file's key, in the files' order


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
    if old is not None and old.same_stat(st):
        return old
    try:
        digest = _sha256(cf.path)
    except OSError:
        digest = ""
    # Modified this recently, an edit to come could keep every time: check it again next time.
    racy = time.time_ns() - st.st_mtime_ns < RACY_NS
    return FileEntry(
        st.st_size, -1 if racy else st.st_mtime_ns, digest, ctime_ns=st.st_ctime_ns, inode=st.st_ino
    )


def plan(files: list[CorpusFile], old: Manifest | None) -> Plan:
    """What to read again. An unchanged file is read again too when it holds, as duplicates,
    ids of an article that goes (a file changed or removed): it may be theirs now."""
    p = Plan(keys=[key(cf) for cf in files])
    previous = old.files if old else {}
    changed: set[str] = set()
    for cf, k in zip(files, p.keys, strict=True):
        before = previous.get(k)
        now = fingerprint(cf, before)
        p.fingerprints[k] = now
        if before is not None and now.sha256 and now.sha256 == before.sha256:
            p.unchanged[k] = now if now is before else replace(before, **_stat_of(now))
        else:
            changed.add(k)
            if before is not None:
                p.replaced.append(k)
    current = set(p.keys)
    p.removed = [k for k in previous if k not in current]
    p.replaced += p.removed
    freed = {i for k in p.replaced for i in previous[k].ids}
    again = [k for k, e in p.unchanged.items() if freed.intersection(e.dups)]
    for k in again:
        del p.unchanged[k]
        changed.add(k)
        p.replaced.append(k)
    p.changed = [cf for cf, k in zip(files, p.keys, strict=True) if k in changed]  # reading order
    return p


def _stat_of(e: FileEntry) -> dict[str, Any]:
    return {"size": e.size, "mtime_ns": e.mtime_ns, "ctime_ns": e.ctime_ns, "inode": e.inode}


def load(gen_dir: Path) -> Manifest | None:
    def entry(obj: dict[str, Any]) -> Any:
        # Each file's record becomes a FileEntry as soon as it is parsed, so a million of them
        # never sit in memory twice (as JSON dicts and as entries).
        if "sha256" in obj and "ids" in obj:
            return FileEntry.from_json(obj)
        return obj

    try:
        data = json.loads((gen_dir / NAME).read_text(encoding="utf-8"), object_hook=entry)
        files = data["files"]
        if not all(isinstance(v, FileEntry) for v in files.values()):
            return None
        return Manifest(data["analysis"], files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None  # no manifest (an older index) or a damaged one: rebuild in full


def save(gen_dir: Path, m: Manifest) -> None:
    """Write the manifest an entry at a time: for a million files, one JSON string of them all
    (and a dict per entry to make it) would cost hundreds of megabytes at the end of a reindex."""
    tmp = gen_dir / (NAME + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(f'{{"analysis": {dump(m.analysis)}, "files": {{')
        for n, (k, v) in enumerate(m.files.items()):
            fh.write(f"{', ' if n else ''}{dump(k)}: {dump(v.to_json())}")
        fh.write("}}")
    os.replace(tmp, gen_dir / NAME)


_readable, _escaped = json.JSONEncoder(ensure_ascii=False).encode, json.JSONEncoder().encode


def dump(value: Any) -> str:
    """JSON text of ``value``, as written: a path whose name is not UTF-8 holds lone surrogates
    (see ingest.files.readable_name), which JSON can keep only \\u-escaped (and reads back the
    same)."""
    out = _readable(value)
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:
        return _escaped(value)
    return out

"""Many tiny files: write N small article files (a few of them broken), index them, check the count.

    python -m tools.manyfiles FOLDER [--count 1000000] [--index INDEX_FOLDER]

FOLDER is filled with `--count` .txt articles of two or three sentences taken from this project's
own `seeds/` articles, 1,000 per folder under seven category folders, plus one empty file, one
binary file and one file of invalid UTF-8 in every 100,000. It then runs `khabar reindex` twice
(full build, then nothing changed) and prints time and peak memory of each run, and checks that
the index holds exactly the good articles and that every broken file was reported by name.
Writing a million files takes a few minutes and about 4 GB of disk (one block per file).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from indexer.benchmark.measure import run_sampled
from indexer.search import SearchService

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CATEGORIES = ("desh", "videsh", "khel", "arthvyavastha", "vigyan", "manoranjan", "swasthya")
BROKEN_EVERY = 100_000


def sentences() -> list[str]:
    found: list[str] = []
    for path in sorted(SEEDS.rglob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n", 1)[-1]
        found += [s.strip() + "।" for s in re.split(r"[।?!]", body) if 20 < len(s.strip()) < 200]
    return found


def write_corpus(folder: Path, count: int) -> tuple[int, list[str]]:
    """Write the files; return (good articles, relative paths of the broken files)."""
    rnd = random.Random(7)
    pool = sentences()
    good, broken = 0, []
    for n in range(count):
        sub = folder / CATEGORIES[n % len(CATEGORIES)] / f"{n // 1000:04d}"
        if n % 1000 < len(CATEGORIES):
            sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"a{n:07d}.txt"
        kind = n % BROKEN_EVERY
        if kind == 1:
            path.write_bytes(b"")
        elif kind == 2:
            path.write_bytes(b"\x00\x01\x02binary\x00" * 8)
        elif kind == 3:
            path.write_bytes("शीर्षक\n".encode() + b"\xff\xfe broken \xc3\x28")
        else:
            headline = rnd.choice(pool)[:80].rstrip("।")
            body = " ".join(rnd.sample(pool, 3))
            path.write_text(f"{headline} #{n}\n{body}\n", encoding="utf-8")
            good += 1
            continue
        broken.append(path.relative_to(folder).as_posix())
    return good, broken


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=Path)
    p.add_argument("--count", type=int, default=1_000_000)
    p.add_argument("--index", type=Path, default=None, help="default: FOLDER-index")
    args = p.parse_args(argv)
    if args.folder.exists() and any(args.folder.iterdir()):
        print(f"{args.folder} is not empty: give a new folder", file=sys.stderr)
        return 2
    index = args.index or args.folder.with_name(args.folder.name + "-index")
    good, broken = write_corpus(args.folder, args.count)
    print(f"wrote {args.count} files ({len(broken)} broken) under {args.folder}", flush=True)

    cmd = [sys.executable, "-m", "indexer.cli", "reindex", str(args.folder), "--index", str(index)]
    log = index.with_name(index.name + ".log")
    for label in ("full build", "again, nothing changed"):
        seconds, peak, code = run_sampled(cmd, log=log if label == "full build" else None)
        print(f"{label}: {seconds:.1f} s ({args.count / seconds:.0f} files/s), "
              f"peak RSS {peak / 1e6:.0f} MB, exit status {code}", flush=True)  # fmt: skip
        if code:
            return 1

    warnings = log.read_text(encoding="utf-8", errors="replace")
    reported = [rel for rel in broken if rel in warnings]
    indexed = SearchService(index).doc_count()
    print(f"index holds {indexed} articles of {good} good files; "
          f"{len(reported)} of {len(broken)} broken files reported by name")  # fmt: skip
    return 0 if indexed == good and len(reported) == len(broken) else 1


if __name__ == "__main__":
    sys.exit(main())

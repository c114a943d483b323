"""Time an incremental reindex: build, reindex unchanged, then change, add and delete a file.

    python -m tools.incremental CORPUS_FOLDER INDEX_FOLDER

CORPUS_FOLDER holds JSON Lines files (e.g. a `khabar bench` corpus split with
`split -l 1000 -d -a 3 --additional-suffix=.jsonl articles.jsonl part-`). The folder is restored
afterwards; INDEX_FOLDER is rebuilt from scratch.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from indexer.benchmark.measure import run_sampled


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    corpus, index = Path(args[0]), Path(args[1])
    files = sorted(corpus.glob("*.jsonl"))
    if len(files) < 3:
        print(f"skipped: {corpus} needs at least three .jsonl files", file=sys.stderr)
        return 0
    shutil.rmtree(index, ignore_errors=True)

    def run(label: str) -> None:
        cmd = [sys.executable, "-m", "indexer.cli", "reindex", str(corpus), "--index", str(index)]
        seconds, peak, code = run_sampled(cmd)
        print(f"{label}: {seconds:.1f} s, peak RSS {peak / 1e6:.0f} MB, exit status {code}", flush=True)

    run("full build")
    run("again, nothing changed")
    changed, source, deleted = files[0], files[1], files[2]
    original, removed = changed.read_text(encoding="utf-8"), deleted.read_text(encoding="utf-8")
    added = corpus / "zz-added.jsonl"
    try:
        lines = original.splitlines()
        first = json.loads(lines[0])
        first["title"] = "बदला हुआ शीर्षक " + first["title"]
        changed.write_text(
            "\n".join([json.dumps(first, ensure_ascii=False), *lines[1:]]) + "\n", encoding="utf-8"
        )
        new = [json.loads(x) for x in source.read_text(encoding="utf-8").splitlines()[:50]]
        for n, rec in enumerate(new):
            rec["id"] = f"added-{n}"
        added.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new), encoding="utf-8")
        deleted.unlink()
        run(f"{changed.name} changed, {added.name} added (50 articles), {deleted.name} deleted")
    finally:
        changed.write_text(original, encoding="utf-8")
        deleted.write_text(removed, encoding="utf-8")
        added.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

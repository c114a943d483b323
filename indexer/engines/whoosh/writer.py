"""Writing a Whoosh generation: a new folder beside the live one, published by the CURRENT swap.

An incremental generation starts as a hard-linked copy of the live one (segment files are never
rewritten in place); a full one starts empty. Several processes write when there is enough to
write (each its own segment, no final merge). Before it is published, the generation is checked
to hold exactly the articles written to it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from indexer import manifest as manifests
from indexer.analysis.pipeline import AnalysisOptions
from indexer.crashpoints import crashpoint
from indexer.engines.base import IncompleteIndex
from indexer.engines.whoosh import store
from indexer.engines.whoosh.schema import to_document
from indexer.records import Article

WRITER_LIMIT_MB = 256  # per writing process
MAX_PROCS = 4
BATCH = 200  # articles handed to a writing process at a time


def default_procs() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_PROCS))


class WhooshGeneration:
    def __init__(self, root: Path, base: str | None, analysis: AnalysisOptions, procs: int) -> None:
        self.root = root
        self.path = store.new_generation(root)
        self.name = self.path.name
        try:
            if base is None:
                ix = store.create_index(self.path, analysis)
            else:
                ix = store.copy_generation(root / base, self.path)
            self.writer = _writer(ix, procs)
        except BaseException:
            store.discard(self.path)
            raise
        self._open = True

    def delete(self, article_id: str) -> None:
        self.writer.delete_by_term("id", article_id)

    def add(self, article: Article) -> None:
        self.writer.add_document(**to_document(article))

    def commit(self, manifest: manifests.Manifest) -> None:
        self.writer.commit()
        self._open = False
        crashpoint("committed")
        # Never publish a generation that lacks articles: a writing process that failed leaves
        # its segment out of Whoosh's commit without an error.
        damage = store.check(self.path, articles=sum(len(e.ids) for e in manifest.files.values()))
        if damage:
            raise IncompleteIndex(f"the new index is not whole ({damage})")
        manifests.save(self.path, manifest)

    def publish(self) -> None:
        store.publish(self.root, self.path)

    def discard(self) -> None:
        try:
            if self._open:
                self._open = False
                self.writer.cancel()  # it writes too, and fails again on a full disk
        except OSError:
            pass  # the folder goes anyway
        finally:
            store.discard(self.path)


def _writer(ix: Any, procs: int) -> Any:
    """Whoosh's writer; with several processes each writes a segment of its own (no final merge)."""
    if procs > 1:
        return ix.writer(procs=procs, multisegment=True, limitmb=WRITER_LIMIT_MB, batchsize=BATCH)
    return ix.writer(limitmb=WRITER_LIMIT_MB)

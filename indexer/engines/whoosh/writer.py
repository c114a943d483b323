"""Writing a Whoosh generation: a new folder beside the live one, published by the CURRENT swap.

An incremental generation starts as a hard-linked copy of the live one (segment files are never
rewritten in place); a full one starts empty. Several processes write when there is enough to
write (each its own segment, no final merge). Before it is published, the generation is checked
to hold exactly the articles written to it.

The words the titles and bodies write (``indexer.words``, for patterns) are counted as Whoosh
analyses them, in each writing process; each process leaves its counts in the generation's
folder when its segment is written, and the commit adds them to the live generation's table,
from which the deleted articles' words have been counted out. Each article's own words (for
the research desk, ``articlewords``) are recorded and gathered the same way.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from indexer import manifest as manifests
from indexer import words
from indexer.analysis.pipeline import AnalysisOptions, pipeline
from indexer.crashpoints import crashpoint
from indexer.engines.base import IncompleteIndex, VectorSpec
from indexer.engines.whoosh import analyzer, articlewords, fixes, store, vectors
from indexer.engines.whoosh.schema import to_document
from indexer.records import Article

WRITER_LIMIT_MB = 256  # per writing process
MAX_PROCS = 4
BATCH = 200  # articles handed to a writing process at a time
_PART = "words-{pid}.part"  # a writing process's word counts, until the commit gathers them
_analysis: list[AnalysisOptions] = [AnalysisOptions()]  # of the generation being written (forked)


# The words of each document this process adds, while a generation is written (made before
# the writer forks its writing processes, so each starts with an empty one).
_recorder: list[articlewords.Recorder | None] = [None]


def _leave_words(folder: str) -> None:
    """In a writing process, once its segment is written: its word counts and its articles'
    words for the parent."""
    if analyzer.recording is not None and os.path.isdir(folder):
        counted = words.WordCounts.of_spellings(analyzer.recording, pipeline(_analysis[0]))
        counted.save(Path(folder) / _PART.format(pid=os.getpid()))
    recorder = _recorder[0]
    if recorder is not None and len(recorder) and os.path.isdir(folder):
        recorder.rows().save(Path(folder) / articlewords.PART.format(pid=os.getpid()))


def _adding() -> None:
    if _recorder[0] is not None:
        _recorder[0].adding()


def _added(fields: dict[str, Any]) -> None:
    if _recorder[0] is not None:
        _recorder[0].added(fields)


fixes.SEGMENT_WRITTEN.append(_leave_words)
fixes.DOCUMENT_ADDING.append(_adding)
fixes.DOCUMENT_ADDED.append(_added)


def default_procs() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_PROCS))


class WhooshGeneration:
    def __init__(
        self,
        root: Path,
        base: str | None,
        analysis: AnalysisOptions,
        procs: int,
        spec: VectorSpec | None = None,
    ) -> None:
        self.root = root
        self.path = store.new_generation(root)
        self.name = self.path.name
        self.pipeline = pipeline(analysis)
        self.words = words.WordCounts()  # the base generation's, less the deleted articles'
        self._base = None  # a searcher on the copy of the base, to read what is deleted
        self.spec = spec
        self._vectors: dict[str, np.ndarray] = {}  # of the articles added
        self._base_vectors: Mapping[str, np.ndarray] = {}
        self._deleted: set[str] = set()
        self._base_words: articlewords.Rows | None = None
        try:
            if base is None:
                ix = store.create_index(self.path, analysis)
            else:
                ix = store.copy_generation(root / base, self.path)
                if (self.path / words.FILE).exists():
                    self.words = words.WordCounts.load(self.path / words.FILE)
                self._base = ix.searcher()
                base_ids = _doc_ids(self._base.reader())
                if spec is not None:
                    self._base_vectors = _base_vectors(self.path, spec, base_ids)
                else:
                    vectors.forget(self.path)
                # Memory-mapped before the links go: the commit writes new files.
                self._base_words = articlewords.Rows.of_generation(self.path, base_ids)
                articlewords.forget(self.path)
            # Before the writer: the writing processes it forks start with an empty count.
            analyzer.recording, _analysis[0] = Counter(), analysis
            _recorder[0] = articlewords.Recorder()
            self.writer = _writer(ix, procs)
        except BaseException:
            self._close_base()
            analyzer.recording, _recorder[0] = None, None
            store.discard(self.path)
            raise
        self._open = True

    def delete(self, article_id: str) -> None:
        if self._base is not None:
            old = self._base.document(id=article_id)
            if old:
                self.words.remove(words.stored_words(old, self.pipeline))
        self.writer.delete_by_term("id", article_id)
        self._deleted.add(article_id)
        self._vectors.pop(article_id, None)

    def _close_base(self) -> None:
        if self._base is not None:
            self._base.close()
            self._base = None

    def _gather_words(self) -> None:
        """The base's counts, the articles this process analysed and each writing process's."""
        recorded, analyzer.recording = analyzer.recording, None
        if recorded is not None:
            self.words.merge(words.WordCounts.of_spellings(recorded, self.pipeline))
        for part in sorted(self.path.glob(_PART.format(pid="*"))):
            self.words.merge(words.WordCounts.load(part))
            part.unlink()
        self.words.save(self.path / words.FILE)

    def add(self, article: Article, vector: np.ndarray | None = None) -> None:
        self.writer.add_document(**to_document(article))
        if self.spec is not None and vector is not None:
            self._vectors[article.id] = vector
            self._deleted.discard(article.id)

    def _gather_article_words(self, doc_ids: list[str | None]) -> None:
        """Each document's words, from the base generation and from every process that added
        articles; none at all when the base had none (an index written before they were kept:
        the desk then analyses its sample, until a full reindex)."""
        recorder, _recorder[0] = _recorder[0], None
        parts = sorted(self.path.glob(articlewords.PART.format(pid="*")))
        sources = [articlewords.Rows.load_part(p) for p in parts]
        if recorder is not None and len(recorder):
            sources.append(recorder.rows())
        if self._base is None or self._base_words is not None:
            base = [self._base_words] if self._base_words is not None else []
            articlewords.write(self.path, doc_ids, base + sources)
        self._base_words = None
        for p in parts:
            shutil.rmtree(p)

    def commit(self, manifest: manifests.Manifest) -> None:
        self.writer.commit()
        self._open = False
        self._close_base()
        self._gather_words()
        crashpoint("committed")
        # Never publish a generation that lacks articles: a writing process that failed leaves
        # its segment out of Whoosh's commit without an error.
        damage = store.check(self.path, articles=sum(len(e.ids) for e in manifest.files.values()))
        if damage:
            raise IncompleteIndex(f"the new index is not whole ({damage})")
        # Once every document has its number: the rows kept by document number.
        ix = store.open_generation(self.path)
        with ix.reader() as reader:
            ids = _doc_ids(reader)
        self._gather_article_words(ids)
        if self.spec is not None:
            self._write_vectors(self.spec, ids)
        manifests.save(self.path, manifest)

    def _write_vectors(self, spec: VectorSpec, ids: list[str | None]) -> None:
        """The matrix in document order."""
        added, base, gone = self._vectors, self._base_vectors, self._deleted

        def vector_of(article_id: str) -> np.ndarray | None:
            found = added.get(article_id)
            if found is None and article_id not in gone:
                found = base.get(article_id)
            return found

        vectors.write(self.path, spec, ids, vector_of)
        self._vectors, self._base_vectors = {}, {}

    def publish(self) -> None:
        store.publish(self.root, self.path)

    def discard(self) -> None:
        analyzer.recording, _recorder[0] = None, None
        self._close_base()
        try:
            if self._open:
                self._open = False
                self.writer.cancel()  # it writes too, and fails again on a full disk
        except OSError:
            pass  # the folder goes anyway
        finally:
            store.discard(self.path)


def _doc_ids(reader: Any) -> list[str | None]:
    """Each document number's article id; None for deleted documents."""
    ids: list[str | None] = [None] * reader.doc_count_all()
    for leaf, offset in reader.leaf_readers():
        column = leaf.column_reader("id") if leaf.has_column("id") else None
        for d in range(leaf.doc_count_all()):
            if leaf.is_deleted(d):
                continue
            v = column[d] if column is not None else leaf.stored_fields(d).get("id")
            ids[offset + d] = v.decode("utf-8") if isinstance(v, bytes) else v
    return ids


def _base_vectors(path: Path, spec: VectorSpec, doc_ids: list[str | None]) -> Mapping[str, np.ndarray]:
    """The copied base generation's vectors by article id, when they are of the same model."""
    found = vectors.spec_of(path)
    if found is None or found.checksum != spec.checksum:
        return {}
    return vectors.rows_by_id(path, doc_ids)


def _writer(ix: Any, procs: int) -> Any:
    """Whoosh's writer; with several processes each writes a segment of its own (no final merge)."""
    if procs > 1:
        return ix.writer(procs=procs, multisegment=True, limitmb=WRITER_LIMIT_MB, batchsize=BATCH)
    return ix.writer(limitmb=WRITER_LIMIT_MB)

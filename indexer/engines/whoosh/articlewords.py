"""Each article's words, kept with a Whoosh generation for the research desk.

For every document number, the distinct spellings its title and body write (stopwords left out,
as ``indexer.characteristic.article_words`` defines them), as ids into the generation's
lexicon of spellings and their terms. The characteristic words of a search then count the ids
of its thirty best hits instead of analysing their bodies again.

They are recorded as Whoosh analyses each document, in whichever process adds it (the analyzer
fills ``analyzer.document``; ``fixes`` brackets each document), so nothing is analysed twice.
Each writing process leaves its rows in a part folder when its segment is written; the commit
puts every row at its document number, the base generation's rows standing for the articles
this reindex did not read again. The lexicon holds the spellings the rows use, sorted, so a
generation's files are the same whether it was built in full or incrementally.

    article-words.tsv           spelling<TAB>term, a line per id
    article-words.npy           int32 ids: every document's row, one after another
    article-words-offsets.npy   int64: document d's row is words[offsets[d]:offsets[d + 1]]
"""

from __future__ import annotations

import json
import os
import shutil
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.characteristic import Lexicon
from indexer.engines.whoosh import analyzer
from indexer.words import MAX_WORD_CHARS

LEXICON = "article-words.tsv"
WORDS = "article-words.npy"
OFFSETS = "article-words-offsets.npy"
FILES = (LEXICON, WORDS, OFFSETS)
PART = "article-words-{pid}.part"


@dataclass
class Rows:
    """Rows of article words with their own lexicon: a writing process's, or a generation's."""

    spellings: list[str]
    terms: list[str]
    ids: Sequence[str | None]  # the article of each row (None: a deleted document)
    values: np.ndarray  # int32 ids into spellings
    offsets: np.ndarray  # int64, len(ids) + 1

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        _write_lexicon(tmp / LEXICON, self.spellings, self.terms)
        np.save(tmp / WORDS, self.values)
        np.save(tmp / OFFSETS, self.offsets)
        (tmp / "ids.json").write_text(json.dumps(list(self.ids), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder)

    @classmethod
    def load_part(cls, folder: Path) -> Rows:
        spellings, terms = _read_lexicon(folder / LEXICON)
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        return cls(spellings, terms, ids, np.load(folder / WORDS), np.load(folder / OFFSETS))

    @classmethod
    def of_generation(cls, gen_dir: Path, doc_ids: Sequence[str | None]) -> Rows | None:
        """A generation's rows (memory-mapped), labelled with its documents' article ids; None
        when it has none or they do not fit its documents."""
        if not has_words(gen_dir):
            return None
        offsets = np.load(gen_dir / OFFSETS)
        if len(offsets) != len(doc_ids) + 1:
            return None
        spellings, terms = _read_lexicon(gen_dir / LEXICON)
        return cls(spellings, terms, doc_ids, np.load(gen_dir / WORDS, mmap_mode="r"), offsets)

    def row(self, n: int) -> np.ndarray:
        return self.values[self.offsets[n] : self.offsets[n + 1]]


class Recorder:
    """In one process: the words of each document it adds, until the segment is written."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.terms: list[str] = []
        self.ids: list[str] = []
        self.values = array("i")
        self.offsets = array("q", [0])

    def adding(self) -> None:
        analyzer.document = {}

    def added(self, fields: dict[str, Any]) -> None:
        spelt, analyzer.document = analyzer.document, None
        if spelt is None:
            return
        index, terms, row = self.index, self.terms, []
        for w, term in spelt.items():
            if len(w) > MAX_WORD_CHARS:
                continue
            i = index.get(w)
            if i is None:
                i = index[w] = len(terms)
                terms.append(term)
            row.append(i)
        row.sort()
        self.values.extend(row)
        self.offsets.append(len(self.values))
        self.ids.append(str(fields.get("id", "")))

    def rows(self) -> Rows:
        return Rows(
            list(self.index),
            self.terms,
            self.ids,
            np.frombuffer(self.values, dtype=np.int32).copy(),
            np.frombuffer(self.offsets, dtype=np.int64).copy(),
        )

    def __len__(self) -> int:
        return len(self.ids)


def has_words(gen_dir: Path) -> bool:
    return all((gen_dir / name).exists() for name in FILES)


def forget(gen_dir: Path) -> None:
    """Drop the rows a copy of the base generation brought (links only)."""
    for name in FILES:
        (gen_dir / name).unlink(missing_ok=True)


def write(gen_dir: Path, doc_ids: Sequence[str | None], sources: Iterable[Rows]) -> None:
    """Row ``d`` for document ``d`` (article ``doc_ids[d]``; None: deleted), from the last of
    ``sources`` that holds the article (the base generation first, then what this reindex
    added). Raises ValueError when a live article has no row."""
    sources = list(sources)
    where: dict[str, tuple[int, int]] = {}
    for s, rows in enumerate(sources):
        for n, article_id in enumerate(rows.ids):
            if article_id is not None:
                where[article_id] = (s, n)
    chosen: list[tuple[int, int] | None] = [None if i is None else where.get(i) for i in doc_ids]
    missing = sum(1 for i, c in zip(doc_ids, chosen, strict=True) if i is not None and c is None)
    if missing:
        raise ValueError(f"{missing} article(s) have no recorded words")

    # The lexicon: the spellings the chosen rows use, sorted.
    picked = [np.zeros(len(rows.ids), dtype=bool) for rows in sources]
    for c in chosen:
        if c is not None:
            picked[c[0]][c[1]] = True
    term_of: dict[str, str] = {}
    for rows, keep in zip(sources, picked, strict=True):
        if not keep.any():
            continue
        entries = (
            np.asarray(rows.values)
            if keep.all()
            else np.asarray(rows.values)[np.repeat(keep, np.diff(rows.offsets))]
        )
        for i in np.flatnonzero(np.bincount(entries, minlength=len(rows.spellings))).tolist():
            term_of.setdefault(rows.spellings[i], rows.terms[i])
    spellings = sorted(term_of)
    gid = {w: n for n, w in enumerate(spellings)}
    remap = [
        np.fromiter((gid.get(w, -1) for w in rows.spellings), dtype=np.int32, count=len(rows.spellings))
        for rows in sources
    ]

    offsets = np.zeros(len(doc_ids) + 1, dtype=np.int64)
    for d, c in enumerate(chosen):
        offsets[d + 1] = offsets[d] + (0 if c is None else len(sources[c[0]].row(c[1])))
    tmp = gen_dir / (WORDS + ".tmp")
    values = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.int32, shape=(int(offsets[-1]),))
    for d, c in enumerate(chosen):
        if c is not None:
            values[offsets[d] : offsets[d + 1]] = np.sort(remap[c[0]][sources[c[0]].row(c[1])])
    values.flush()
    del values
    # Through new files: the copy of a base generation holds hard links to the base's.
    _write_lexicon(gen_dir / (LEXICON + ".tmp"), spellings, [term_of[w] for w in spellings])
    np.save(gen_dir / (OFFSETS + ".tmp.npy"), offsets)
    os.replace(tmp, gen_dir / WORDS)
    os.replace(gen_dir / (OFFSETS + ".tmp.npy"), gen_dir / OFFSETS)
    os.replace(gen_dir / (LEXICON + ".tmp"), gen_dir / LEXICON)


class ArticleWords:
    """The read side, shared by every thread serving a generation."""

    def __init__(self, gen_dir: Path, doc_count_all: int) -> None:
        self.offsets = np.load(gen_dir / OFFSETS)
        if len(self.offsets) != doc_count_all + 1:
            raise ValueError(f"{gen_dir / OFFSETS} has {len(self.offsets) - 1} rows, not {doc_count_all}")
        self.values = np.load(gen_dir / WORDS, mmap_mode="r")
        self.lexicon = Lexicon(*_read_lexicon(gen_dir / LEXICON))

    def rows(self, docs: Iterable[int]) -> list[np.ndarray]:
        return [np.asarray(self.values[self.offsets[d] : self.offsets[d + 1]]) for d in docs]

    def spellings(self, docs: list[int], terms: frozenset[str]) -> list[dict[str, list[str]]]:
        """For each document, each of ``terms`` its words have as their term, with those words."""
        lex = self.lexicon
        wanted = np.fromiter((i for t in terms if (i := lex.term_id.get(t)) is not None), dtype=np.int32)
        out: list[dict[str, list[str]]] = []
        for row in self.rows(docs):
            found: dict[str, list[str]] = {}
            if len(wanted):
                for w in row[np.isin(lex.term_of[row], wanted)].tolist():
                    found.setdefault(lex.terms[lex.term_of[w]], []).append(lex.words[w])
            out.append(found)
        return out


def _write_lexicon(path: Path, spellings: Sequence[str], terms: Sequence[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for w, t in zip(spellings, terms, strict=True):
            fh.write(f"{w}\t{t}\n")


def _read_lexicon(path: Path) -> tuple[list[str], list[str]]:
    spellings: list[str] = []
    terms: list[str] = []
    with path.open(encoding="utf-8", newline="\n") as fh:
        for line in fh:
            w, t = line.rstrip("\n").split("\t")
            spellings.append(w)
            terms.append(t)
    return spellings, terms

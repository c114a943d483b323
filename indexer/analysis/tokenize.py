"""Split text into words with ICU's word BreakIterator.

ICU keeps a Devanagari word whole (matras, viramas, conjuncts, ZWJ/ZWNJ inside it) and tells
words from punctuation by the rule status of each segment. Its offsets are UTF-16 code units;
they are mapped back to Python string indices here so highlighting lands on the right characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from indexer.analysis.icu_local import word_breaker

# ICU rule status ranges: 0-99 none (spaces, punctuation, danda), 100-199 number,
# 200-299 letter, 300-399 kana, 400-499 ideographic.
_WORD_STATUS_MIN = 100
_WORD_STATUS_MAX = 500

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Word(NamedTuple):
    text: str
    start: int  # Python string index
    end: int


def utf16_to_index_map(text: str) -> list[int] | None:
    """Map UTF-16 offsets to string indices; None when they are equal (no astral characters)."""
    if not _ASTRAL.search(text):
        return None
    mapping = []
    for i, ch in enumerate(text):
        mapping.append(i)
        if ord(ch) > 0xFFFF:
            mapping.append(i)  # the low surrogate maps to the same character
    mapping.append(len(text))
    return mapping


def words(text: str) -> Iterator[Word]:
    """Yield the words of ``text`` (letters and numbers, any script) with their offsets."""
    if not text:
        return
    bi = word_breaker()
    bi.setText(text)
    mapping = utf16_to_index_map(text)
    start = bi.first()
    for end in bi:
        status = bi.getRuleStatus()
        if _WORD_STATUS_MIN <= status < _WORD_STATUS_MAX:
            if mapping is None:
                s, e = start, end
            else:
                s, e = mapping[start], mapping[end]
            if "_" in text[s:e]:
                yield from _split_underscores(text, s, e)
            else:
                yield Word(text[s:e], s, e)
        start = end


class Term(NamedTuple):
    text: str  # the index term
    start: int  # offsets of the surface word in the analysed text
    end: int
    stop: bool


def terms(text: str, analyze: Callable[[str], tuple[str, bool]], offset: int = 0) -> list[Term]:
    """``words`` of ``text`` with their index terms (``analyze``: a word's term and whether it is
    a stopword; words without a term left out), offsets moved by ``offset``. One loop, no
    tuple per word but the Term: snippets analyse every result's body with it."""
    out: list[Term] = []
    if not text:
        return out
    bi = word_breaker()
    bi.setText(text)
    mapping = utf16_to_index_map(text)
    status = bi.getRuleStatus
    start = bi.first()
    for end in bi:
        if _WORD_STATUS_MIN <= status() < _WORD_STATUS_MAX:
            s, e = (start, end) if mapping is None else (mapping[start], mapping[end])
            w = text[s:e]
            if "_" in w:
                for part in _split_underscores(text, s, e):
                    term, stop = analyze(part.text)
                    if term:
                        out.append(Term(term, part.start + offset, part.end + offset, stop))
            else:
                term, stop = analyze(w)
                if term:
                    out.append(Term(term, s + offset, e + offset, stop))
        start = end
    return out


def _split_underscores(text: str, s: int, e: int) -> Iterator[Word]:
    """ICU joins words with "_" (Super_Bowl_50, #किसान_आंदोलन); a reader means separate words."""
    pos = s
    for part in text[s:e].split("_"):
        if part:
            yield Word(part, pos, pos + len(part))
        pos += len(part) + 1


def word_texts(text: str) -> list[str]:
    """The words of ``text`` without their offsets: ``words`` for indexing, where no offset is
    needed, without a tuple per word (a third of the cost of analysing a body)."""
    out: list[str] = []
    if not text:
        return out
    bi = word_breaker()
    bi.setText(text)
    mapping = utf16_to_index_map(text)
    start = bi.first()
    for end in bi:
        if _WORD_STATUS_MIN <= bi.getRuleStatus() < _WORD_STATUS_MAX:
            w = text[start:end] if mapping is None else text[mapping[start] : mapping[end]]
            if "_" in w:
                out.extend(part for part in w.split("_") if part)
            else:
                out.append(w)
        start = end
    return out

"""Grapheme-cluster boundaries (what a reader sees as one letter: क्ष, त्रि, हुँ, ज़िं).

Snippets are cut only at these boundaries so a consonant is never separated from its matra.
"""

from __future__ import annotations

from indexer.analysis.icu_local import grapheme_breaker
from indexer.analysis.tokenize import utf16_to_index_map


def boundaries(text: str) -> list[int]:
    """All grapheme-cluster boundaries of ``text`` as string indices, 0 and len(text) included."""
    bi = grapheme_breaker()
    bi.setText(text)
    mapping = utf16_to_index_map(text)
    out = [bi.first(), *bi]
    if mapping is not None:
        out = [mapping[i] for i in out]
    return out


# Clusters are short, so looking 64 characters around an index is enough to find its boundary
# without breaking the whole (possibly very long) text.
_WINDOW = 64


def _local_boundaries(text: str, index: int) -> list[int]:
    lo = max(0, index - _WINDOW)
    hi = min(len(text), index + _WINDOW)
    local = [lo + b for b in boundaries(text[lo:hi])]
    # The slice edges are not real boundaries unless they are the text's own edges.
    return [b for b in local if (b != lo or lo == 0) and (b != hi or hi == len(text))]


def floor_boundary(text: str, index: int) -> int:
    """The last grapheme boundary at or before ``index``."""
    if index <= 0:
        return 0
    if index >= len(text):
        return len(text)
    before = [b for b in _local_boundaries(text, index) if b <= index]
    return before[-1] if before else 0


def ceil_boundary(text: str, index: int) -> int:
    """The first grapheme boundary at or after ``index``."""
    if index <= 0:
        return 0
    if index >= len(text):
        return len(text)
    after = [b for b in _local_boundaries(text, index) if b >= index]
    return after[0] if after else len(text)

"""Other inflections of a query word, for matching them at query time (issue 13).

The index keeps the light stemmer's terms (``stem.py``): पहला and पहले meet as पहल, but पहली,
खेलते / खेलने and सकती / सकता stay apart. Lucene's stronger stemmer merges those, and with them
किमी (kilometre) and किम (Kim). Here the stronger stemmer's classes are used at query time
instead: a word also matches the index terms of its other forms, at a lower weight, so the form
typed weighs more and a stray merge only adds a few weaker matches.

Index terms are light stems, so the other forms are found by going back to surface words: the
forms a term can stand for (पहल: पहला, पहले, पहल…), their stronger stems (the class keys), every
ending the stronger stemmer knows put back on each key, and those words through the index's own
analysis. A candidate counts only if the stronger stemmer leads it back to the same key.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from indexer.analysis.stem import LUCENE_SUFFIXES, SUFFIXES, lucene_letters_stem

# The endings the light stemmer removes outright that are common enough to stand for a word:
# the rarer ones (ाएं, ाओं, ओं) put back on an arbitrary stem make non-words whose stronger stems
# reach other words (किसान + ाएं = किसानाएं, which Lucene cuts to किसा).
_COMMON_ENDINGS = ("ा", "े", "ों", "ें")


def _mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc")


def surface_forms(term: str) -> set[str]:
    """Words the light stemmer turns into ``term``, and ``term`` itself: पहल stands for पहला,
    पहले, पहलों; नीती for नीति, नीतियों, नीतियां."""
    forms = {term}
    for suffix, replacement, _ in SUFFIXES:
        if not replacement:
            if suffix in _COMMON_ENDINGS:
                forms.add(term + suffix)
        elif term.endswith(replacement):
            forms.add(term[: len(term) - len(replacement)] + suffix)
    return forms


def other_forms(
    term: str,
    analyze: Callable[[str], tuple[str, bool]],
    strong: Callable[[str], str] = lucene_letters_stem,
) -> set[str]:
    """Index terms of the words that share a stronger stem with a form of ``term``, ``term`` and
    stopwords left out. ``analyze`` is the index's chain for one (normalised) word: (term, is_stop)."""
    if not term or not "\u0900" <= term[-1] <= "\u097f" or term[-1].isdigit():
        return set()  # Latin words and numbers are not stemmed
    # A surface form the stronger stemmer leaves whole is no class key: endings put on it make
    # only non-words (किसान + ा = किसाना, kept whole as a protected short stem, + कर...).
    keys = {k for w in surface_forms(term) if (k := strong(w)) != w or w == term}
    found: set[str] = set()
    for k in keys:
        for suffix in ("", *LUCENE_SUFFIXES):
            if suffix and _mark(k[-1]) and _mark(suffix[0]):
                continue  # two signs in a row (कहानी + ा) spell no Hindi word
            word = k + suffix
            if strong(word) != k:
                continue
            t, stop = analyze(word)
            if t and not stop and t != term:
                found.add(t)
    return found

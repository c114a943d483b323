"""Per-thread ICU objects.

ICU break iterators are neither thread-safe nor picklable, so they are created lazily,
one per thread, and never stored on objects that Whoosh pickles into the index.
"""

from __future__ import annotations

import threading

import icu

_local = threading.local()


def word_breaker() -> icu.BreakIterator:
    bi = getattr(_local, "word", None)
    if bi is None:
        bi = _local.word = icu.BreakIterator.createWordInstance(icu.Locale("hi_IN"))
    return bi


def grapheme_breaker() -> icu.BreakIterator:
    bi = getattr(_local, "grapheme", None)
    if bi is None:
        bi = _local.grapheme = icu.BreakIterator.createCharacterInstance(icu.Locale("hi_IN"))
    return bi

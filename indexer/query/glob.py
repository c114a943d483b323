"""Khabar's patterns: ``*`` stands for any run of characters (none included); nothing else is
special, so ``?``, ``.`` and brackets are themselves.

Matched without a regular expression: a backtracking engine takes exponential time on a
pattern of many stars that fails (``अ*****…x``); here each literal piece between stars is found
once, left to right, so a match costs at most a scan of the text per piece.
"""

from __future__ import annotations

import re

_STARS = re.compile(r"\*{2,}")


def collapse(pattern: str) -> str:
    """Runs of ``*`` as one: they mean the same."""
    return _STARS.sub("*", pattern)


def glob_match(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` whole."""
    parts = pattern.split("*")
    if len(parts) == 1:
        return text == pattern
    head, *middle, tail = parts
    end = len(text) - len(tail)
    if end < len(head) or not text.startswith(head) or not text.endswith(tail):
        return False
    pos = len(head)
    for piece in middle:
        if piece:
            # The leftmost place is always right: any later one leaves less room for the rest.
            found = text.find(piece, pos, end)
            if found < 0:
                return False
            pos = found + len(piece)
    return True


def literal_head(pattern: str) -> str:
    """The text before the first ``*``: every match starts with it."""
    return pattern.split("*", 1)[0]

"""Text as Khabar keeps it: Unicode that every output it writes (HTML, XML, JSON, CSV, a terminal)
can carry, whatever the input held.

JSON can spell a lone surrogate (``"\\ud800"``), which is no character: no UTF-8 page, feed or
file can hold it. XML 1.0 forbids most control characters (a form feed in a headline made the
Atom feed unreadable) and the noncharacters U+FFFE and U+FFFF; HTML calls them parse errors. A
control character that separates words (form feed, vertical tab, the information separators,
NEL) becomes a space; every other one, and each lone surrogate and noncharacter, becomes
U+FFFD, so the reader sees that something was there. Tabs and line ends are kept.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_SPACES = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_BAD = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
    "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_NONCHARACTERS = "".join(chr(p + d) for p in range(0x1_0000, 0x11_0000, 0x1_0000) for d in (0xFFFE, 0xFFFF))
# Everything either pattern replaces (and a carriage return), as one class: one fast scan.
_ANY = re.compile(
    "[\r\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + _NONCHARACTERS + "]"
)


def _printable(text: str) -> bool:
    """Letters, marks, digits, punctuation and spaces only (a C loop, ten times the regex's
    speed), ignoring what Hindi text is full of and is fine: line ends, tabs, joiners, NBSP."""
    for ok in ("\n", "\t", "\u200d", "\u200c", "\u200b", "\xa0"):
        if ok in text:
            text = text.replace(ok, "")
    return text.isprintable()


def clean(text: str) -> tuple[str, int, int]:
    """``text`` fit to keep, with the number of lone surrogates and of other characters replaced."""
    if _printable(text) or not _ANY.search(text):
        return text, 0, 0  # nearly every text
    surrogates = len(_SURROGATE.findall(text))
    text, spaced = _SPACES.subn(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text, replaced = _BAD.subn(REPLACEMENT, text)
    return text, surrogates, spaced + replaced - surrogates


def without_surrogates(text: str) -> str:
    """Command-line text: Python reads bytes that are not UTF-8 as lone surrogates."""
    return _SURROGATE.sub(REPLACEMENT, text)

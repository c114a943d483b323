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
_NONCHARACTERS = "".join(chr(p + d) for p in range(0x1_0000, 0x11_0000, 0x1_0000) for d in (0xFFFE, 0xFFFF))
# Controls that separate words become a space; the rest of what no output can carry, U+FFFD.
_SPACE_CHARS = "\x0b\x0c\x1c-\x1f\x85"
_BAD_CHARS = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + _NONCHARACTERS
_SPACES = re.compile(f"[{_SPACE_CHARS}]")
_BAD = re.compile(f"[{_BAD_CHARS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Everything either pattern replaces (and a carriage return), as one class: one fast scan.
_ANY = re.compile(f"[\r{_SPACE_CHARS}{_BAD_CHARS}]")


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

"""A news page's byline, read: who wrote it and when, as Hindi and English sites print them.

    रिपोर्ट: रीना शर्मा, नई दिल्ली | अपडेटेड: 28 जून 2024, 09:15 AM IST
    By Neha Gupta | Updated: May 15, 2020 10:30 AM IST
    लेखक: अजय मिश्रा  |  प्रकाशित: 15 मई 2020
    दिनांक: 15/05/2020   संवाददाता: कविता जोशी
    विकास त्रिपाठी | शनिवार, १५ मई २०२०
    द्वारा दीपक पांडे

A line is cut at its separators and at the labels it carries; a part after an author label is
the author (a city after a comma is left out), a part that ``indexer.ingest.dates`` reads is the
date, and with no author label the first part that is a name (one to five words, no digit, no
date) is the author. Khabar's own date reader is the judge of dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from indexer.ingest.dates import parse_date

AUTHOR_LABELS = ("रिपोर्ट", "रिपोर्टर", "लेखक", "लेखिका", "संवाददाता", "द्वारा", "written by", "reported by",
                 "by", "author", "edited by", "संपादन", "एडिटेड बाय")  # fmt: skip
DATE_LABELS = ("अपडेटेड", "अपडेट", "प्रकाशित", "प्रकाशन", "दिनांक", "तारीख", "updated", "published", "posted",
               "last updated", "first published", "पब्लिश्ड", "पोस्टेड")  # fmt: skip
_LABELS = sorted(AUTHOR_LABELS + DATE_LABELS, key=len, reverse=True)
# A label is a word on its own, followed by a colon, or (for "by", "द्वारा") just a space.
_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[\s|·•,(]))(" + "|".join(re.escape(w) for w in _LABELS) + r")(?:\s*[:：-]\s*|\s+(?=\S))",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*[|·•\n]\s*|\s{3,}|\s+-\s+|\s+–\s+")
_DIGIT = re.compile(r"[0-9०-९]")
_NOT_NAMES = {"ब्यूरो", "डेस्क", "staff", "desk", "bureau", "agency", "एजेंसी", "न्यूज़", "news", "ऑनलाइन", "online"}
MAX_NAME_WORDS = 5


@dataclass(frozen=True)
class Byline:
    author: str = ""
    date: datetime | None = None
    labelled: bool = False  # the author followed a label ("रिपोर्ट:", "By")


def _name(part: str) -> str:
    """A part of a byline as a person's name ('' when it is not one): the words before a comma
    (a city follows), no digits, one to five words."""
    part = part.split(",")[0].strip(" :;-–—.")
    words = part.split()
    if not words or len(words) > MAX_NAME_WORDS or _DIGIT.search(part):
        return ""
    if not any(ch.isalpha() for ch in part):
        return ""
    return " ".join(words)


def _date(part: str) -> datetime | None:
    try:
        return parse_date(part)
    except ValueError:
        return None


def read_byline(text: str) -> Byline:
    """Who and when, from one byline's text (either may be missing)."""
    text = " ".join(text.replace("\xa0", " ").split(" ")).strip()
    if not text or len(text) > 300:
        return Byline()
    # Cut at the labels: each piece is (label, what follows it up to the next label).
    pieces: list[tuple[str, str]] = []
    last, label = 0, ""
    for m in _LABEL.finditer(text):
        pieces.append((label, text[last : m.start()]))
        label, last = m.group(1).lower(), m.end()
    pieces.append((label, text[last:]))
    author, when, labelled = "", None, False
    unlabelled: list[str] = []
    for label, chunk in pieces:
        parts = [p for p in _SEPARATORS.split(chunk) if p.strip()]
        if not parts:
            continue
        if label in AUTHOR_LABELS and not author:
            author = _name(parts[0])
            labelled = bool(author)
            rest = parts[1:]
        elif label in DATE_LABELS and when is None:
            when = _date(" ".join(parts)) or _date(parts[0])
            rest = [] if when else parts
        else:
            rest = parts
        unlabelled.extend(rest)
    for part in unlabelled:
        if when is None and (found := _date(part)) is not None:
            when = found
            continue
        if not author and _date(part) is None:
            name = _name(part)
            if name and name.lower() not in _NOT_NAMES:
                author = name
    if when is None and unlabelled:
        when = _date(" ".join(unlabelled))
    return Byline(author, when, labelled)

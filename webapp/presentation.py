"""How values are shown on the Hindi page: dates, facet names, notes."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

HINDI_MONTHS = (
    "जनवरी",
    "फ़रवरी",
    "मार्च",
    "अप्रैल",
    "मई",
    "जून",
    "जुलाई",
    "अगस्त",
    "सितंबर",
    "अक्टूबर",
    "नवंबर",
    "दिसंबर",
)

FACET_LABELS = {
    "category": "श्रेणी",
    "source": "स्रोत",
    "author": "लेखक",
    "year": "वर्ष",
    "month": "महीना",
    "tags": "टैग",
}

SORT_LABELS = {"relevance": "प्रासंगिकता", "newest": "नवीनतम पहले", "oldest": "पुराने पहले"}

NOTE_TEXT = {
    "any_word": "सभी शब्दों वाला कोई लेख नहीं मिला, इसलिए किसी भी शब्द वाले लेख दिखाए जा रहे हैं।",
    "plain_words": "खोज की वाक्य-रचना समझ नहीं आई, इसलिए केवल उसके शब्द खोजे गए।",
    "nothing_searchable": "इस खोज में खोजने लायक कोई शब्द नहीं है (केवल बहुत आम शब्द या चिह्न)।",
    "page_out_of_range": "यह पृष्ठ परिणामों के अंतिम पृष्ठ के बाद का है।",
}


def _parse(value: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value[:10])
    except ValueError:
        return None


def hindi_date(value: str) -> str:
    """``2021-04-20`` -> ``20 अप्रैल 2021``."""
    d = _parse(value)
    return f"{d.day} {HINDI_MONTHS[d.month - 1]} {d.year}" if d else ""


def iso_day(value: str) -> str:
    d = _parse(value)
    return d.isoformat() if d else ""


def facet_value_label(facet: str, value: str) -> str:
    if facet == "month" and len(value) == 7:
        year, _, month = value.partition("-")
        if month.isdigit() and 1 <= int(month) <= 12:
            return f"{HINDI_MONTHS[int(month) - 1]} {year}"
    return value


def is_web_url(url: str) -> bool:
    """Only http(s) links are rendered as links; javascript: and the like never are."""
    return url.lower().startswith(("http://", "https://"))


def register(app: Flask) -> None:
    app.jinja_env.filters.update(hindi_date=hindi_date, iso_day=iso_day)
    app.jinja_env.globals.update(
        FACET_LABELS=FACET_LABELS,
        SORT_LABELS=SORT_LABELS,
        NOTE_TEXT=NOTE_TEXT,
        facet_value_label=facet_value_label,
        is_web_url=is_web_url,
    )

"""A light Hindi stemmer: folds the plural and oblique endings of nouns and adjectives.

Deliberately lighter than Lucene's HindiStemmer (Ramanathan & Rao), which strips every final
vowel sign and so merges किमी (kilometre) with किम (Kim). Only inflectional endings are removed,
and only when enough of the word is left. Input is a normalised word.
"""

from __future__ import annotations

import unicodedata

# (suffix, replacement, shortest stem that may remain), longest suffixes first.
SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("ियों", "ी", 2),  # नीतियों, लड़कियों -> नीती, लड़की
    ("ियां", "ी", 2),  # नीतियां (chandrabindu already folded to anusvara)
    ("ाओं", "", 2),  # महिलाओं, सभाओं -> महिल, सभ (as महिला, सभा below)
    ("ाएं", "", 2),  # सभाएं
    ("ुओं", "ु", 2),  # वस्तुओं -> वस्तु
    ("ुएं", "ु", 2),  # वस्तुएं
    ("ओं", "", 2),  # रुपयों is ों; this catches vowel-letter stems: गऊओं
    ("ों", "", 2),  # किसानों, लड़कों -> किसान, लड़क
    ("ें", "", 2),  # बातें -> बात
    ("ा", "", 3),  # लड़का, मामला -> लड़क, मामल
    ("े", "", 3),  # लड़के, मामले -> लड़क, मामल
    ("ि", "ी", 2),  # नीति -> नीती, so it meets नीतियों
)


def _is_devanagari(ch: str) -> bool:
    return "\u0900" <= ch <= "\u097f"


def stem(word: str) -> str:
    if not word or not _is_devanagari(word[-1]):
        return word  # Latin words and numbers are not stemmed
    for suffix, replacement, min_stem in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            return word[: len(word) - len(suffix)] + replacement
    return word


# The suffix classes of Lucene's HindiStemmer (Ramanathan & Rao, "A Lightweight Stemmer for
# Hindi"), which ``lucene_letters_stem`` uses to find a word's other forms at query time:
# (suffixes, word length it needs to exceed), longest first.
_LUCENE: tuple[tuple[tuple[str, ...], int], ...] = (
    (("ाएंगी", "ाएंगे", "ाऊंगी", "ाऊंगा", "ाइयाँ", "ाइयों", "ाइयां"), 6),
    (
        (
            "ाएगी",
            "ाएगा",
            "ाओगी",
            "ाओगे",
            "एंगी",
            "ेंगी",
            "एंगे",
            "ेंगे",
            "ूंगी",
            "ूंगा",
            "ातीं",
            "नाओं",
            "नाएं",
            "ताओं",
            "ताएं",
            "ियाँ",
            "ियों",
            "ियां",
        ),
        5,
    ),
    (
        (
            "ाकर",
            "ाइए",
            "ाईं",
            "ाया",
            "ेगी",
            "ेगा",
            "ोगी",
            "ोगे",
            "ाने",
            "ाना",
            "ाते",
            "ाती",
            "ाता",
            "तीं",
            "ाओं",
            "ाएं",
            "ुओं",
            "ुएं",
            "ुआं",
        ),
        4,
    ),
    (("कर", "ाओ", "िए", "ाई", "ाए", "ने", "नी", "ना", "ते", "ीं", "ती", "ता", "ाँ", "ां", "ों", "ें"), 3),
    (("ो", "े", "ू", "ु", "ी", "ि", "ा"), 2),
)


LUCENE_SUFFIXES: tuple[str, ...] = tuple(s for suffixes, _ in _LUCENE for s in suffixes)


def _letters(text: str) -> int:
    """Letters (consonants, independent vowels), not signs, virama or nukta: किम 2, पहल 3, पत्न 3."""
    return sum(1 for ch in text if unicodedata.category(ch) == "Lo")


def lucene_letters_stem(word: str) -> str:
    """Lucene's stemmer, except that an ending that begins with a vowel sign is stripped only
    when three letters remain: किमी (kilometre), किमियों and कमी (shortage) stay apart from किम
    (Kim) and कम (less), while पहली meets पहला and पहले (पहल), सरकारी meets सरकार, and the
    consonant endings of verbs still reach short roots (खेलते, खेलने: खेल; सकती, सकता: सक)."""
    for suffixes, longer_than in _LUCENE:
        if len(word) > longer_than:
            for suffix in suffixes:
                if word.endswith(suffix):
                    stem = word[: -len(suffix)]
                    if _letters(stem) < 3 and unicodedata.category(suffix[0]) in ("Mn", "Mc"):
                        return word
                    return stem
    return word

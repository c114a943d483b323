"""Normalisation rules, one small pure function each, applied to a single word.

Every rule maps spellings that Hindi writers use interchangeably to one form, so that a
query in one spelling finds documents in the other. The order is fixed in ``RULES``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import icu

VIRAMA = "\u094d"
NUKTA = "\u093c"
ANUSVARA = "\u0902"
CHANDRABINDU = "\u0901"
ZWJ = "\u200d"
ZWNJ = "\u200c"

_nfkc_cf = icu.Normalizer2.getInstance(None, "nfkc_cf", icu.UNormalizationMode2.COMPOSE)

# Letters that NFC keeps precomposed although they are base + nukta (ऩ ऱ ऴ); the other nukta
# letters (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) are composition exclusions and already arrive decomposed.
_PRECOMPOSED_NUKTA = str.maketrans({"\u0929": "\u0928", "\u0931": "\u0930", "\u0934": "\u0933"})

# The nasal consonants ङ ञ ण न म followed by a virama and then a consonant (क..ह).
_HALF_NASAL = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939])")

_DIGITS = re.compile(r"\d")


def casefold(word: str) -> str:
    """NFKC with case folding: compatibility forms, Latin case, and ZWJ/ZWNJ removed."""
    return _nfkc_cf.normalize(word)


def ascii_digits(word: str) -> str:
    """Any decimal digit (२०२१, Arabic-Indic, full-width) becomes ASCII (2021)."""
    if word.isascii():
        return word
    return _DIGITS.sub(lambda m: str(unicodedata.decimal(m.group(), m.group())), word)


def remove_nukta(word: str) -> str:
    """ज़ = ज, फ़ = फ: writers drop the nukta freely, so it cannot separate words."""
    return word.replace(NUKTA, "").translate(_PRECOMPOSED_NUKTA)


def chandrabindu_to_anusvara(word: str) -> str:
    """पहुँचे = पहुंचे: chandrabindu is often typed as anusvara."""
    return word.replace(CHANDRABINDU, ANUSVARA)


def half_nasal_to_anusvara(word: str) -> str:
    """हिन्दी = हिंदी, सम्बन्ध = संबंध: a nasal with virama before a consonant is an anusvara."""
    if VIRAMA not in word:
        return word
    return _HALF_NASAL.sub(ANUSVARA, word)


def remove_joiners(word: str) -> str:
    """ZWJ/ZWNJ only change how a conjunct is drawn, never the word."""
    return word.replace(ZWJ, "").replace(ZWNJ, "")


Rule = Callable[[str], str]

# Order matters: case folding first (it also decomposes nukta letters), joiners before the
# nasal rule (a ZWJ between virama and consonant would hide the conjunct).
RULES: tuple[Rule, ...] = (
    casefold,
    remove_joiners,
    ascii_digits,
    remove_nukta,
    chandrabindu_to_anusvara,
    half_nasal_to_anusvara,
)


def normalize(word: str, rules: tuple[Rule, ...] = RULES) -> str:
    for rule in rules:
        word = rule(word)
    return word

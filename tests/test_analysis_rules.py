"""Each normalisation rule, the stopwords and the stemmer, on tables of real Hindi words."""

from __future__ import annotations

import pytest

from indexer.analysis import normalize as n
from indexer.analysis.stem import lucene_letters_stem, stem
from indexer.analysis.stopwords import STOPWORDS, is_stopword


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("ज़िंदगी", "जिंदगी"),  # precomposed ज़ (U+095B)
        ("ज\u093cिंदगी", "जिंदगी"),  # ज + nukta
        ("फ़िल्म", "फिल्म"),
        ("बाज़ार", "बाजार"),
        ("मज़दूर", "मजदूर"),
        ("ख़बर", "खबर"),
        ("पढ़ाई", "पढाई"),  # ड़ and ढ़ fold too: writers mix them with ड, ढ
        ("\u0929", "न"),  # ऩ stays precomposed under NFC; folded all the same
        ("किसान", "किसान"),
    ],
)
def test_remove_nukta(word: str, expected: str) -> None:
    assert n.remove_nukta(n.casefold(word)) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("पहुँचे", "पहुंचे"), ("यहाँ", "यहां"), ("गाँव", "गांव"), ("माँग", "मांग"), ("हुँ", "हुं"), ("पहुंचे", "पहुंचे")],
)
def test_chandrabindu_to_anusvara(word: str, expected: str) -> None:
    assert n.chandrabindu_to_anusvara(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("हिन्दी", "हिंदी"),
        ("सम्बन्ध", "संबंध"),  # म् and न् both fold, unlike Lucene's HindiNormalizer
        ("अन्दर", "अंदर"),
        ("ठण्ड", "ठंड"),
        ("गङ्गा", "गंगा"),
        ("चञ्चल", "चंचल"),
        ("अन्य", "अंय"),  # न् before य: still a consonant, folded the same way on both sides
        ("जन्म", "जंम"),
        ("राजन्", "राजन्"),  # final virama: no consonant follows
        ("क्षमा", "क्षमा"),  # क् is not a nasal
    ],
)
def test_half_nasal_to_anusvara(word: str, expected: str) -> None:
    assert n.half_nasal_to_anusvara(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("२०२१", "2021"), ("१२", "12"), ("2021", "2021"), ("٣", "3"), ("३.५", "3.5"), ("अ१", "अ1")],
)
def test_ascii_digits(word: str, expected: str) -> None:
    assert n.ascii_digits(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("क्\u200dष", "क्ष"), ("र्\u200dय", "र्य"), ("क्\u200cष", "क्ष"), ("किसान", "किसान")],
)
def test_remove_joiners(word: str, expected: str) -> None:
    assert n.remove_joiners(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("COVID", "covid"), ("iPhone", "iphone"), ("ＡＢＣ", "abc"), ("Straße", "strasse"), ("क्\u200dष", "क्ष")],
)
def test_casefold(word: str, expected: str) -> None:
    assert n.casefold(word) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("पहुँचे", "पहुंचे"),
        ("हिन्दी", "हिंदी"),
        ("सम्बन्ध", "संबंध"),
        ("मज़दूर", "मजदूर"),
        ("ज़िला", "जिला"),
        ("२०२१", "2021"),
        ("डिफ़ेन्स", "डिफेंस"),
        ("क्\u200dषेत्र", "क्षेत्र"),
        ("Sensex", "SENSEX"),
    ],
)
def test_normalize_joins_spellings(a: str, b: str) -> None:
    assert n.normalize(a) == n.normalize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("किम", "किमी"), ("कोरोना", "करोना"), ("सिर", "सीर"), ("कम", "काम")],
)
def test_normalize_keeps_different_words_apart(a: str, b: str) -> None:
    assert n.normalize(a) != n.normalize(b)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("किसानों", "किसान"),
        ("किसान", "किसान"),
        ("बातें", "बात"),
        ("लड़कों", "लड़क"),
        ("लड़के", "लड़क"),
        ("लड़का", "लड़क"),
        ("लड़कियों", "लड़की"),
        ("लड़की", "लड़की"),  # different word from लड़का: kept apart
        ("नीतियों", "नीती"),
        ("नीतियां", "नीती"),
        ("नीति", "नीती"),
        ("महिलाओं", "महिल"),
        ("महिला", "महिल"),
        ("सभाएं", "सभ"),
        ("वस्तुओं", "वस्तु"),
        ("वस्तुएं", "वस्तु"),
        ("किमी", "किमी"),  # kilometre must not become किम (Kim)
        ("किम", "किम"),
        ("पता", "पता"),  # too short to strip
        ("covid", "covid"),  # Latin is not stemmed
        ("2021", "2021"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize("word", ["का", "की", "के", "में", "है", "और", "से", "को", "ने", "पर", "यह", "क्या"])
def test_function_words_are_stopwords(word: str) -> None:
    assert is_stopword(n.normalize(word))


@pytest.mark.parametrize("word", ["घर", "वर्ग", "यहाँ", "अंदर", "भारत", "रूस", "किसान", "साथ"])
def test_content_words_are_not_stopwords(word: str) -> None:
    """Savoy's list (Lucene's) drops these; a query of only यहाँ or अंदर must still find something."""
    assert not is_stopword(n.normalize(word))


def test_stopwords_are_stored_normalised() -> None:
    assert all(n.normalize(w) == w for w in STOPWORDS)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("किमी", "किमी"),  # kilometre: a vowel ending on a two-letter stem stays
        ("किमियों", "किमियों"),
        ("कमी", "कमी"),  # shortage, apart from कम (less)
        ("मोदी", "मोदी"),
        ("पहली", "पहल"),  # three letters remain: first (f.) meets पहला, पहले
        ("पहला", "पहल"),
        ("सरकारी", "सरकार"),
        ("खेलते", "खेल"),  # a consonant ending reaches a two-letter root
        ("खेलने", "खेल"),
        ("सकती", "सक"),
        ("सकता", "सक"),
        ("लिखी", "लिखी"),  # the price: a two-letter root keeps its vowel endings apart
        ("covid", "covid"),
    ],
)
def test_lucene_stemmer_with_vowel_endings_kept_on_short_stems(word: str, expected: str) -> None:
    """The classes that other inflections are matched by at query time (``analysis/forms.py``)."""
    assert lucene_letters_stem(word) == expected

"""The variants measured in docs/relevance.md and not shipped (tools/variants.py): each still
does exactly its job, and the product does not know them until they are registered."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tools.variants as v
from indexer.analysis.pipeline import DEFAULT, AnalysisOptions
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("word", "expected"), [("लॉकडाउन", "लाकडाउन"), ("डॉक्टर", "डाक्टर"), ("कॅम्प", "केम्प"), ("ऑनलाइन", "आनलाइन")]
)
def test_candra_vowels(word: str, expected: str) -> None:
    assert v.candra_vowels(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"), [("गये", "गए"), ("नयी", "नई"), ("लिये", "लिए"), ("ये", "ये"), ("समय", "समय")]
)
def test_final_ya_to_vowel(word: str, expected: str) -> None:
    assert v.final_ya_to_vowel(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"), [("हिंदी", "हिंदि"), ("पूरा", "पुरा"), ("ईद", "इद"), ("किसान", "किसान")]
)
def test_long_to_short(word: str, expected: str) -> None:
    assert v.long_to_short(word) == expected


@pytest.mark.parametrize(("word", "expected"), [("क्या", "कया"), ("राष्ट्र", "राषटर"), ("किसान", "किसान")])
def test_drop_virama(word: str, expected: str) -> None:
    assert v.drop_virama(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("किसानों", "किसान"), ("किमी", "किम"), ("लड़कियां", "लड़क"), ("खेलेंगे", "खेल"), ("जाएगा", "जाएग"), ("घर", "घर")],
)
def test_lucene_stemmer_for_comparison(word: str, expected: str) -> None:
    """Lucene's HindiStemmer, kept to measure against: note किमी = किम, the collision we avoid."""
    assert v.lucene_stem(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("किमी", "किमी"),  # kilometre stays apart from किम (Kim), which Lucene's merges
        ("नदी", "नदी"),
        ("मोदी", "मोदी"),
        ("सरकारी", "सरकार"),  # longer words as Lucene stems them
        ("किसानों", "किसान"),
        ("लड़कियों", "लड़क"),
        ("दिल्ली", "दिल्ल"),
    ],
)
def test_lucene_stemmer_with_short_words_protected(word: str, expected: str) -> None:
    """Measured, not shipped (docs/relevance.md, issue 13): it loses on XQuAD fold B and the
    known-item set."""
    assert v.lucene_protected_stem(word) == expected


def test_the_product_ships_none_of_them() -> None:
    """A fresh interpreter that imports the product only: the variants are not nameable."""
    code = (
        "from indexer.analysis.pipeline import AnalysisOptions, RULES, STEMMERS, STOPWORD_LISTS\n"
        "import indexer.search, webapp\n"
        "assert list(STEMMERS) == ['light'], STEMMERS\n"
        "assert list(STOPWORD_LISTS) == ['khabar'], STOPWORD_LISTS\n"
        "assert 'long_to_short' not in RULES\n"
        "try:\n"
        "    AnalysisOptions(stemmer='lucene')\n"
        "except ValueError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('lucene is known without tools.variants')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_registered_variants_run_in_the_canonical_order() -> None:
    options = AnalysisOptions(rules=(*DEFAULT.rules, "long_to_short", "candra_vowels"), stemmer="none")
    from indexer.analysis.pipeline import pipeline

    # candra_vowels runs before long_to_short whatever order the options name them in.
    assert pipeline(options).analyze_word("डॉक्टरी") == ("डाक्टरि", False)

"""Other inflections of a query word (issue 13): the classes of Lucene's stemmer, with short
words protected, used at query time over the light stemmer's index terms."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from indexer.analysis.forms import other_forms, surface_forms
from indexer.analysis.pipeline import pipeline
from indexer.analysis.stem import lucene_letters_stem


def forms_of(word: str) -> set[str]:
    analyze = pipeline().analyze_word
    return other_forms(analyze(word)[0], analyze, lucene_letters_stem)


def term(word: str) -> str:
    return pipeline().analyze_word(word)[0]


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("खेलते", "खेलने"),  # verb forms: playing / to play
        ("खेलते", "खेल"),  # and the root (a game)
        ("सकती", "सकता"),  # can, feminine / masculine
        ("सकता", "सकती"),
        ("पहली", "पहला"),  # first, feminine / masculine (the light stemmer merges पहला, पहले)
        ("पहला", "पहली"),
        ("सरकारी", "सरकार"),  # governmental / government
        ("उत्तरी", "उत्तर"),  # northern / north
        ("अमेरिकी", "अमेरिका"),  # American / America
    ],
)
def test_inflections_meet(word: str, other: str) -> None:
    assert term(other) in forms_of(word)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("किमी", "किम"),  # kilometre / Kim: the merge Lucene's stemmer makes
        ("किम", "किमी"),
        ("कमी", "कम"),  # shortage / less
        ("नदी", "नद"),
        ("किसान", "किस"),  # farmer / which (no ending of किसान is an inflection)
        ("सरकार", "सर"),
        # The price of the protection: a two-letter root keeps its vowel endings apart.
        ("लिखी", "लिखा"),
    ],
)
def test_short_and_unrelated_words_stay_apart(word: str, other: str) -> None:
    assert term(other) not in forms_of(word)


def test_a_word_is_not_its_own_other_form() -> None:
    assert term("खेलते") not in forms_of("खेलते")


@pytest.mark.parametrize("word", ["covid", "2020", "१२", ""])
def test_latin_words_and_numbers_have_none(word: str) -> None:
    analyze = pipeline().analyze_word
    assert other_forms(word, analyze, lucene_letters_stem) == set()


def test_stopwords_are_never_other_forms() -> None:
    analyze = pipeline().analyze_word
    assert not any(analyze(t)[1] for t in forms_of("सकती"))
    assert "है" not in forms_of("हैं")


def test_surface_forms_undo_the_light_stemmer() -> None:
    # पहल is what पहला, पहले and पहलों are indexed as; नीती what नीति and नीतियों are.
    assert {"पहल", "पहला", "पहले", "पहलों"} <= surface_forms("पहल")
    assert {"नीति", "नीतियों", "नीतियां"} <= surface_forms("नीती")
    assert all(term(w) == "पहल" for w in ("पहला", "पहले", "पहलों"))


def test_no_candidate_spells_two_signs_in_a_row() -> None:
    """कहानी + ा is no Hindi word: such candidates are not even looked up."""
    analyze = pipeline().analyze_word
    for word in ("कहानी", "पहली", "सरकारी", "खेलते"):
        for form in other_forms(term(word), analyze, lucene_letters_stem):
            assert not any(
                unicodedata.category(a) in ("Mn", "Mc") and "\u093e" <= b <= "\u094c"
                for a, b in itertools.pairwise(form)
            ), form

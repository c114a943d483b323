"""Analysis and matching variants measured in docs/relevance.md and not shipped.

Importing this module registers them, so that ``AnalysisOptions`` can name them (the
relevance tools build indexes with them); the product itself never imports it.

- normalisation rules: ``candra_vowels``, ``final_ya_to_vowel``, ``long_to_short``, ``drop_virama``
- stemmers: ``lucene`` (Lucene's HindiStemmer), ``lucene-protected``, ``lucene-letters``, ``none``
- stopword lists: ``function-words`` (question words kept), ``none``
- matching: ``AnyWordRanked`` (any of the words, one ranked list), ``AnyWordWhenNone`` (every
  word, or any word only when no article has them all)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from indexer.analysis import pipeline
from indexer.analysis.normalize import VIRAMA
from indexer.analysis.stem import _LUCENE, lucene_letters_stem
from indexer.analysis.stopwords import FUNCTION_WORDS
from indexer.query import some_words
from indexer.query.parser import Parsed
from indexer.query.tree import Node
from indexer.ranking import RankingOptions
from indexer.search.expansion import Expansion, OtherForms, parts_for
from indexer.search.matching import AllWordsFirst

# -- normalisation rules ----------------------------------------------------------------------

_CANDRA = str.maketrans(
    {
        "\u0945": "\u0947",
        "\u0946": "\u0947",
        "\u0949": "\u093e",
        "\u094a": "\u094b",
        "\u090d": "\u090f",
        "\u090e": "\u090f",
        "\u0911": "\u0906",
        "\u0912": "\u0913",
    }
)
_LONG_TO_SHORT = str.maketrans(
    {"\u0940": "\u093f", "\u0942": "\u0941", "\u0908": "\u0907", "\u090a": "\u0909"}
)
_FINAL_YA = re.compile("(?<=[\u0900-\u097f])\u092f([\u0947\u0940])$")


def candra_vowels(word: str) -> str:
    """लॉकडाउन = लाकडाउन, डॉक्टर = डाक्टर: the English "o" and "e" of loanwords (ॉ ॅ) are often
    written as ा and े."""
    return word.translate(_CANDRA)


def final_ya_to_vowel(word: str) -> str:
    """गये = गए, लिये = लिए, नयी = नई: two spellings of the same ending."""
    return _FINAL_YA.sub(lambda m: "\u090f" if m.group(1) == "\u0947" else "\u0908", word)


def long_to_short(word: str) -> str:
    """ी = ि, ू = ु (Lucene's folding of long vowels): bridges misspellings, merges दिन and दीन."""
    return word.translate(_LONG_TO_SHORT)


def drop_virama(word: str) -> str:
    """Every remaining virama deleted (as Lucene does): क्या = कया."""
    return word.replace(VIRAMA, "")


# -- stemmers ---------------------------------------------------------------------------------


def lucene_stem(word: str) -> str:
    """Lucene's HindiStemmer: the longest known suffix, for words long enough (किमी = किम)."""
    for suffixes, longer_than in _LUCENE:
        if len(word) > longer_than:
            for suffix in suffixes:
                if word.endswith(suffix):
                    return word[: -len(suffix)]
    return word


def lucene_protected_stem(word: str) -> str:
    """Lucene's stemmer, except that a lone final vowel sign stays on words of four code points
    or fewer: किमी (kilometre) keeps its ी and stays apart from किम (Kim), while longer words
    (सरकारी, किसानो) are stemmed as Lucene stems them."""
    for suffixes, longer_than in _LUCENE:
        if len(word) > max(longer_than, 4 if longer_than == 2 else longer_than):
            for suffix in suffixes:
                if word.endswith(suffix):
                    return word[: -len(suffix)]
    return word


def no_stem(word: str) -> str:
    return word


# -- matching ---------------------------------------------------------------------------------


class AnyWordRanked(AllWordsFirst):
    """Any of the words, ranked as one list (no all-words part first)."""

    def query(self, parsed: Parsed) -> Node:
        assert parsed.node is not None
        return (some_words(parsed.node) or parsed.node) if parsed.side_by_side else parsed.node

    def relax(self, total: int) -> bool:
        return False


class AnyWordWhenNone(AllWordsFirst):
    """Every word; any of them only when no article has them all."""

    def relax(self, total: int) -> bool:
        return total == 0


Matching = Callable[[RankingOptions], AllWordsFirst]


def any_word_ranked(ranking: RankingOptions) -> AllWordsFirst:
    return AnyWordRanked(Expansion(parts_for(ranking)))


def any_word_when_none(ranking: RankingOptions) -> AllWordsFirst:
    return AnyWordWhenNone(Expansion(parts_for(ranking)))


def forms_by(stemmer: Callable[[str], str]) -> Matching:
    """The shipped matching, with the other forms of a word found by ``stemmer``'s classes."""

    def matching(ranking: RankingOptions) -> AllWordsFirst:
        parts = [
            OtherForms(p.weight, p.ratio, p.max_share, stemmer) if isinstance(p, OtherForms) else p
            for p in parts_for(ranking)
        ]
        return AllWordsFirst(Expansion(parts))

    return matching


pipeline.register(
    rules=(candra_vowels, final_ya_to_vowel, long_to_short, drop_virama),
    stemmers={
        "lucene": lucene_stem,
        "lucene-protected": lucene_protected_stem,
        "lucene-letters": lucene_letters_stem,
        "none": no_stem,
    },
    stopwords={"function-words": FUNCTION_WORDS, "none": frozenset()},
)

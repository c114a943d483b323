"""The analysis chain for one word and for a whole text.

word -> normalize (each rule) -> stopword? -> stem. Which rules, stopwords and stemmer are used
is an ``AnalysisOptions`` value: the shipped default, or a variant measured in docs/relevance.md.
Results are cached per word type: news text repeats its words, and the chain is pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from indexer.analysis import normalize as norm
from indexer.analysis.stem import stem as light_stem
from indexer.analysis.stopwords import STOPWORDS
from indexer.analysis.tokenize import Term, word_texts
from indexer.analysis.tokenize import terms as tokenize_terms

# The parts an ``AnalysisOptions`` names, by name. Only what the product ships is here; the
# variants measured in docs/relevance.md and not shipped are in tools/variants.py, which adds
# them with ``register`` (an index built with one can only be read where it is registered).
RULES: dict[str, norm.Rule] = {rule.__name__: rule for rule in norm.RULES}  # in the order they run
STEMMERS: dict[str, Callable[[str], str]] = {"light": light_stem}
STOPWORD_LISTS: dict[str, frozenset[str]] = {"khabar": STOPWORDS}


def register(
    *,
    rules: tuple[norm.Rule, ...] = (),
    stemmers: dict[str, Callable[[str], str]] | None = None,
    stopwords: dict[str, frozenset[str]] | None = None,
) -> None:
    """Make more analysis parts nameable in ``AnalysisOptions``: rules run after the shipped
    ones, in the order given."""
    for rule in rules:
        RULES.setdefault(rule.__name__, rule)
    STEMMERS.update(stemmers or {})
    STOPWORD_LISTS.update(stopwords or {})


@dataclass(frozen=True)
class AnalysisOptions:
    rules: tuple[str, ...] = tuple(r.__name__ for r in norm.RULES)
    stopwords: str = "khabar"
    stemmer: str = "light"

    def __post_init__(self) -> None:
        unknown = [r for r in self.rules if r not in RULES]
        if unknown or self.stemmer not in STEMMERS or self.stopwords not in STOPWORD_LISTS:
            raise ValueError(f"unknown analysis option in {self}")


DEFAULT = AnalysisOptions()


class Pipeline:
    """The chain for one set of options, with its own per-word cache."""

    def __init__(self, options: AnalysisOptions) -> None:
        self.options = options
        rules = tuple(r for name, r in RULES.items() if name in options.rules)  # always in canonical order
        stop = STOPWORD_LISTS[options.stopwords]
        stem = STEMMERS[options.stemmer]

        def analyze(word: str) -> tuple[str, bool]:
            w = norm.normalize(word, rules)
            if w in stop:
                return w, True
            return stem(w), False

        self.analyze_word: Callable[[str], tuple[str, bool]] = lru_cache(maxsize=262_144)(analyze)
        self.normalize: Callable[[str], str] = lru_cache(maxsize=262_144)(lambda w: norm.normalize(w, rules))
        # A word as written (normalised) and its term: what patterns are matched against.
        self.written_pair: Callable[[str], tuple[str, str]] = lru_cache(maxsize=262_144)(
            lambda w: (self.normalize(w), self.analyze_word(w)[0])
        )

    def index_terms(self, text: str) -> list[str]:
        """The index terms of ``text`` in order, stopwords left out (what an engine indexes)."""
        analyze = self.analyze_word
        out = []
        for w in word_texts(text):
            term, stop = analyze(w)
            if term and not stop:
                out.append(term)
        return out

    def written(self, text: str) -> list[tuple[str, str]]:
        """Each distinct spelling in ``text`` of a word that is not a stopword: the word as
        written (normalised) and its index term. Two spellings of one word (बाज़ार, बाजार) give
        it twice: what patterns are matched against (``indexer.words``) counts them so."""
        return self.index_terms_and_words(text)[1]

    def index_terms_and_words(self, text: str) -> tuple[list[str], list[tuple[str, str]]]:
        """``index_terms`` and ``written`` in one pass over the words."""
        terms, seen = self.index_terms_and_spellings(text)
        pair = self.written_pair
        return terms, [pair(w) for w in seen]

    def index_terms_and_spellings(self, text: str) -> tuple[list[str], set[str]]:
        """``index_terms``, and the distinct spellings (as written, not normalised) of the
        words that are not stopwords."""
        analyze = self.analyze_word
        terms: list[str] = []
        seen: set[str] = set()
        for w in word_texts(text):
            term, stop = analyze(w)
            if term and not stop:
                terms.append(term)
                seen.add(w)
        return terms, seen

    def terms(self, text: str, offset: int = 0) -> list[Term]:
        """Every word of ``text`` with its term; stopwords are included and flagged. Offsets
        are moved by ``offset`` (for a part of a longer text)."""
        return tokenize_terms(text, self.analyze_word, offset)


_pipelines: dict[AnalysisOptions, Pipeline] = {}


def pipeline(options: AnalysisOptions = DEFAULT) -> Pipeline:
    p = _pipelines.get(options)
    if p is None:
        p = _pipelines[options] = Pipeline(options)
    return p


def analyze_word(word: str) -> tuple[str, bool]:
    """The default chain's index term for one surface word, and whether it is a stopword."""
    return pipeline().analyze_word(word)


def terms(text: str, offset: int = 0) -> list[Term]:
    return pipeline().terms(text, offset)

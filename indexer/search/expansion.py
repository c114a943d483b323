"""Which words a query word also matches: the expansion policy, as a chain of small parts.

Each part looks at one index term of the query and proposes other terms, each with a weight
below 1, so that the word as typed ranks first; like Lucene's analysis filters, each part does
one thing and the chain runs them in order:

    SoundAlikes       a Latin word that matches little: Devanagari words that sound alike
                      (``corona``: कोरोना; ``mobile``: मोबाइल)
    LatinAlikes       a Devanagari word: Latin words that sound alike (सुपर: Super)
    CandraVariants    a rare spelling: its far more common candra variant (डाक्टर: डॉक्टर)
    SpellingNeighbours  a word no article holds, when nothing else helped: its nearest spellings
    OtherForms        a Devanagari word: its other inflections that are at least as common
                      (खेलते: खेलने, खेल)

``Expansion`` runs the chain over every plain word of a query tree (quoted words, phrases and
excluded words are left alone) and records what each part added, for the page to say so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from indexer.analysis.stem import lucene_letters_stem
from indexer.query import expand_terms
from indexer.query.rewrite import plain_words
from indexer.query.tree import Node
from indexer.ranking import DEFAULT_RANKING, RankingOptions
from indexer.romanize import has_devanagari, is_latin_word
from indexer.vocabulary import Vocabulary

Weighted = list[tuple[str, float]]  # (index term, weight)

MAX_HELPED_WORDS = 16  # words of one query that get alternatives (a long query's later words get none)
ROMANIZED_BELOW_DF = 3  # a Latin word in fewer articles than this "matches little"
ROMANIZED_RATIO = 5  # ... as does one whose Devanagari sound-alike is this many times more common


class Part(Protocol):
    name: str  # the key its additions are recorded under (``Alternatives.added``)

    def prefetch(self, terms: list[str], words: Vocabulary) -> None:
        """Look up at once what ``alternatives`` will need for these terms (one round trip on
        a cluster rather than one per word)."""
        ...

    def alternatives(self, term: str, so_far: Weighted, words: Vocabulary) -> Weighted:
        """Terms ``term`` should also match, given what the parts before proposed."""
        ...


@dataclass
class Alternatives:
    """What a search added to the reader's words: each part's additions by term, and every
    term's alternatives (shared by the all-words and some-words passes of one search)."""

    added: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # part -> term -> terms
    cache: dict[tuple[str, tuple[str, ...]], Weighted] = field(default_factory=dict)  # (term, fields)

    def of(self, part: str) -> dict[str, list[str]]:
        return self.added.get(part, {})


def sound_weights(alikes: list[tuple[str, int]], weight: float) -> Weighted:
    """The most common sound-alike gets ``weight``; rarer ones less, as they are more often a
    different word that happens to sound the same."""
    if not alikes:
        return []
    top = alikes[0][1]
    return [(t, weight * (df / top) ** 0.5) for t, df in alikes]


@dataclass(frozen=True)
class SoundAlikes:
    weight: float
    most: int  # spellings added per word
    name: str = "transliterations"

    def prefetch(self, terms: list[str], words: Vocabulary) -> None: ...

    def alternatives(self, term: str, so_far: Weighted, words: Vocabulary) -> Weighted:
        if not (is_latin_word(term) and len(term) >= 3):
            return []
        df = words.doc_frequency(term)
        alikes = words.sound_alikes(term, devanagari=True)[: self.most]
        if alikes and (df < ROMANIZED_BELOW_DF or df * ROMANIZED_RATIO < alikes[0][1]):
            return sound_weights(alikes, self.weight)
        return []


@dataclass(frozen=True)
class LatinAlikes:
    weight: float
    most: int
    name: str = "latin"

    def prefetch(self, terms: list[str], words: Vocabulary) -> None: ...

    def alternatives(self, term: str, so_far: Weighted, words: Vocabulary) -> Weighted:
        if not has_devanagari(term):
            return []
        return sound_weights(words.sound_alikes(term, devanagari=False)[: self.most], self.weight)


@dataclass(frozen=True)
class CandraVariants:
    weight: float
    name: str = "variants"

    def prefetch(self, terms: list[str], words: Vocabulary) -> None: ...

    def alternatives(self, term: str, so_far: Weighted, words: Vocabulary) -> Weighted:
        if not has_devanagari(term):
            return []
        return [(t, self.weight) for t, _ in words.common_variants(term)]


@dataclass(frozen=True)
class SpellingNeighbours:
    """Only for a word no article holds, and only when no part before helped it; the nearest
    spelling first (the page offers it as "did you mean")."""

    weight: float
    name: str = "spellings"

    def prefetch(self, terms: list[str], words: Vocabulary) -> None: ...

    def alternatives(self, term: str, so_far: Weighted, words: Vocabulary) -> Weighted:
        if so_far:
            return []
        return [(n.term, self.weight) for n in words.misspelt(term)]


@dataclass(frozen=True)
class OtherForms:
    """Forms at least ``ratio`` times as common as the word typed (its rarer forms are mostly
    noise) and in at most ``max_share`` of the articles (कहानी, story, is not cut to कहा, said)."""

    weight: float
    ratio: float
    max_share: float
    stemmer: Callable[[str], str] = lucene_letters_stem  # whose classes are the word's forms
    name: str = "forms"

    def prefetch(self, terms: list[str], words: Vocabulary) -> None:
        words.prefetch_forms([t for t in terms if has_devanagari(t)][:MAX_HELPED_WORDS], self.stemmer)

    def alternatives(self, term: str, so_far: Weighted, words: Vocabulary) -> Weighted:
        if not has_devanagari(term):
            return []
        least = self.ratio * words.doc_frequency(term)
        most = self.max_share * words.doc_count()
        return [(t, self.weight) for t, df in words.other_forms(term, self.stemmer) if least <= df <= most]


def parts_for(ranking: RankingOptions) -> list[Part]:
    """The shipped chain, each part at the weight ``ranking`` gives it (none at weight 0)."""
    r = ranking
    parts: list[tuple[float, Part]] = [
        (r.romanized_weight, SoundAlikes(r.romanized_weight, r.romanized_max)),
        (r.cross_script_weight, LatinAlikes(r.cross_script_weight, r.romanized_max)),
        (r.variant_weight, CandraVariants(r.variant_weight)),
        (r.spelling_weight, SpellingNeighbours(r.spelling_weight)),
        (r.form_weight, OtherForms(r.form_weight, r.form_ratio, r.form_max_share)),
    ]
    return [p for weight, p in parts if weight > 0]


class Expansion:
    def __init__(self, parts: Sequence[Part] | None = None, most_words: int = MAX_HELPED_WORDS) -> None:
        self.parts = list(parts_for(DEFAULT_RANKING) if parts is None else parts)
        self.most_words = most_words

    def expand(self, q: Node, words: Vocabulary, found: Alternatives) -> Node:
        """``q`` with each plain word an Or of itself and its weighted alternatives, found among
        the words of the fields it is searched in."""
        by_fields: dict[tuple[str, ...], list[str]] = {}
        for leaf in plain_words(q):
            by_fields.setdefault(leaf.fields, []).append(leaf.text)
        for fields, terms in by_fields.items():
            view = words.within(fields)
            view.prefetch(terms)  # every word's frequency in one look-up
            for part in self.parts:
                part.prefetch(terms, view)

        def alternatives(term: str, fields: tuple[str, ...]) -> Weighted:
            key = (term, fields)
            if key in found.cache:
                return found.cache[key]
            if len(found.cache) >= self.most_words:
                return []
            view = words.within(fields)
            alts: Weighted = []
            for part in self.parts:
                got = part.alternatives(term, alts, view)
                if got:
                    found.added.setdefault(part.name, {})[term] = [t for t, _ in got]
                    alts = alts + got
            found.cache[key] = alts
            return alts

        return expand_terms(q, alternatives)

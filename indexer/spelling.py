"""Spelling neighbours from the index vocabulary, measured in grapheme clusters.

A reader who writes ि for ी, drops an anusvara or spells a foreign name another way
(ह्यूगनॉट्स / ह्यूगेनॉट्स) is one or two *letters* away, where a letter is a grapheme cluster
(क्ष, त्रि, हुँ): a wrong matra is one edit, not a code-point accident.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from indexer.analysis.graphemes import boundaries


@lru_cache(maxsize=65_536)
def graphemes(word: str) -> tuple[str, ...]:
    b = boundaries(word)
    return tuple(word[i:j] for i, j in itertools.pairwise(b))


def grapheme_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count one, each substring edited
    once: "optimal string alignment") over grapheme clusters."""
    return OSA.distance(graphemes(a), graphemes(b))


def within(word: str, terms: Sequence[str], maxdist: int) -> list[str]:
    """The ``terms`` within ``maxdist`` code-point edits of ``word`` (the same distance), in
    their order. rapidfuzz's C loop: Whoosh's own ``terms_within`` measures each term of the
    prefix in Python, 10-90 ms a word at 100,000 articles (docs/performance.md)."""
    found = process.extract(word, terms, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
    return [t for t, _, _ in sorted(found, key=lambda hit: hit[2])]  # nearest first: back in order


def max_edits(word: str) -> int:
    """How far a neighbour may be: short words have too many neighbours to allow two edits.

    Index terms are stems, so a two-letter term can stand for a longer word (सीमाओं -> सीम).
    """
    n = len(graphemes(word))
    return 0 if n < 2 else 1 if n < 6 else 2


# Differences a hurried writer makes without meaning another word: vowel length (ि/ी, ु/ू),
# ए/ऐ and ओ/औ signs, the candra, nukta, anusvara and candrabindu, visarga, a dropped halant
# (त्र / तर), the sibilants (श ष स) and ण/न. Two spellings with the same typo key are one word
# misspelt.
_TYPO_FOLD = str.maketrans(
    {
        "ी": "ि", "ू": "ु", "ै": "े", "ौ": "ो", "ॉ": "ा", "ॅ": "े", "श": "स", "ष": "स", "ण": "न",
        "ई": "इ", "ऊ": "उ", "ऐ": "ए", "औ": "ओ", "ऑ": "आ", "ॲ": "अ",
        "\u093c": "", "ं": "", "ँ": "", "ः": "", "\u094d": "",
    }
)  # fmt: skip
# A vowel dropped, added or changed (कोरना for कोरोना, किसन for किसान, पेंगुन for पेंगुइन) is
# a misspelling too, but in a two-letter word it makes another word (बाढ़ / बढ़, flood / grow).
_MATRAS = str.maketrans(dict.fromkeys("ािीुूृॄेैोौॉॅअआइईउऊऋएऐओऔऑ", ""))
VOWEL_CHANGE_MIN = 3  # grapheme clusters
# A different consonant (बाढ़ / बाद) is taken for words at least this long: among short words
# one letter makes another common word ...
OTHER_LETTER_MIN = 5
# ... and only if it is not in more than this share of the articles (a function-like word).
OTHER_LETTER_MAX_SHARE = 0.2
_PLURAL = "\u094dस"  # ्स


def typo_key(word: str) -> str:
    """``word`` with the differences of a hurried spelling folded away (see _TYPO_FOLD)."""
    return word.translate(_TYPO_FOLD)


def plausible(word: str, term: str, doc_frequency: int, doc_count: int) -> bool:
    """Whether an unknown ``word`` may be read as ``term``, a spelling neighbour of it: always
    when they differ only as hurried spellings do; by a vowel sign, from three letters on;
    by a consonant, only for a long word and a neighbour not among the archive's most common."""
    a, b = typo_key(word), typo_key(term)
    if a == b:
        return True
    letters = len(graphemes(word))
    # An English plural, as Hindi prints loanwords and names (हुगोनॉट / हुगोनॉट्स).
    if {word, term} == {word.removesuffix(_PLURAL), word.removesuffix(_PLURAL) + _PLURAL}:
        return letters >= VOWEL_CHANGE_MIN
    if a.translate(_MATRAS) == b.translate(_MATRAS):
        return letters >= VOWEL_CHANGE_MIN
    if letters < OTHER_LETTER_MIN:
        return False
    return doc_count <= 0 or doc_frequency <= OTHER_LETTER_MAX_SHARE * doc_count


_CANDRA_SWAPS = (("ॉ", "ा"), ("ा", "ॉ"), ("ऑ", "आ"), ("आ", "ऑ"), ("ॅ", "े"))


def written_variants(term: str) -> list[str]:
    """Spellings of ``term`` that differ by one candra (डाक्टर / डॉक्टर, कालेज / कॉलेज): the
    variation Hindi print has that the index keeps apart (folding it costs relevance)."""
    out: list[str] = []
    for a, b in _CANDRA_SWAPS:
        start = term.find(a)
        while start >= 0:
            v = term[:start] + b + term[start + 1 :]
            if v != term and v not in out:
                out.append(v)
            start = term.find(a, start + 1)
    return out


@dataclass(frozen=True)
class Neighbour:
    term: str
    edits: int
    doc_frequency: int


def neighbours(
    word: str,
    candidates: Callable[[str, int], Iterable[str]],
    doc_frequency: Callable[[str], int],
    limit: int = 3,
    doc_count: int = 0,
) -> list[Neighbour]:
    """The vocabulary terms closest to ``word``: fewest grapheme edits first, then most frequent;
    only plausible ones (``plausible``; ``doc_count``: articles in the archive, 0 if unknown).

    ``candidates(word, maxdist)`` proposes terms within a code-point distance (a cheap
    automaton over the term list); they are then measured in graphemes.
    """
    most = max_edits(word)
    if most == 0:
        return []
    # One grapheme can hold up to three code points (क्ष), so cast the net wider, then measure.
    found = []
    for term in candidates(word, most + 1):
        if term == word:
            continue
        d = grapheme_distance(word, term)
        # (a term of deleted articles only has no df: not a neighbour)
        if 0 < d <= most and (df := doc_frequency(term)) > 0 and plausible(word, term, df, doc_count):
            found.append(Neighbour(term, d, df))
    found.sort(key=lambda n: (n.edits, -n.doc_frequency, n.term))
    return found[:limit]

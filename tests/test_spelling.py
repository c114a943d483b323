"""Spelling distance in grapheme clusters, and neighbours from a vocabulary."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from whoosh.support.levenshtein import damerau_levenshtein

from indexer.spelling import (
    grapheme_distance,
    graphemes,
    max_edits,
    neighbours,
    plausible,
    typo_key,
    within,
    written_variants,
)


def osa(x: Sequence[str], y: Sequence[str]) -> int:
    """The oracle: optimal-string-alignment distance by the textbook table, in Python."""
    prev2: list[int] = []
    prev = list(range(len(y) + 1))
    for i in range(1, len(x) + 1):
        cur = [i] + [0] * len(y)
        for j in range(1, len(y) + 1):
            cost = 0 if x[i - 1] == y[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and x[i - 1] == y[j - 2] and x[i - 2] == y[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


# letters, matras, virama, nukta, anusvara, chandrabindu, ZWJ/ZWNJ, a digit, Latin
_PIECES = [*"कखगचजटडतदनपबमयरलवसहािीुूेैोौ्ंँ़", "\u200d", "\u200c", "५", "a", "b"]


def _word(rnd: random.Random) -> str:
    return "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 9)))


def test_distances_against_the_textbook_table() -> None:
    """grapheme_distance over clusters, and ``within`` over code points (as Whoosh's own
    ``terms_within`` measures, its function the second oracle), on dirty random words."""
    rnd = random.Random(11)
    for _ in range(3000):
        a, b = _word(rnd), _word(rnd)
        if rnd.random() < 0.5:  # near words too, not only far ones
            b = a[: rnd.randint(0, len(a))] + rnd.choice(_PIECES) + a[rnd.randint(0, len(a)) :]
        assert grapheme_distance(a, b) == osa(graphemes(a), graphemes(b)), (a, b)
        assert osa(a, b) == damerau_levenshtein(a, b), (a, b)
    for _ in range(200):
        word = _word(rnd)
        terms = [_word(rnd) for _ in range(30)] + [word[:-1], word + "ा", word[::-1]]
        for maxdist in (1, 2, 3):
            assert within(word, terms, maxdist) == [t for t in terms if osa(word, t) <= maxdist]


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [
        ("किसान", "किसान", 0),
        ("हिंदी", "हिंदि", 1),  # ी / ि swapped: one letter, though one code point too
        ("मजदूर", "मजदुर", 1),  # ू / ु swapped
        ("संबंध", "सबंध", 1),  # missing anusvara
        ("क्षेत्र", "छेत्र", 1),  # a three-code-point conjunct replaced: one edit
        ("राष्ट्रपति", "राष्टपति", 1),  # ष्ट्र typed as ष्ट: one cluster differs
        ("दिल्ली", "दिल्‍ली", 1),  # an extra joiner changes one cluster
        ("रूस", "सूर", 2),
        ("ab", "ba", 1),  # transposition
    ],
)
def test_grapheme_distance(a: str, b: str, d: int) -> None:
    assert grapheme_distance(a, b) == d


def test_graphemes() -> None:
    assert graphemes("क्षत्रिय") == ("क्ष", "त्रि", "य")


def test_max_edits_grows_with_length() -> None:
    assert (
        max_edits("क") == 0
        and max_edits("रूस") == 1
        and max_edits("भारत") == 1
        and max_edits("प्रधानमंत्री") == 1
        and max_edits("विश्वविद्यालय") == 2
    )


def test_neighbours_prefer_fewer_edits_then_more_common() -> None:
    vocab = {"किसान": 50, "किशन": 3, "किसानी": 8, "केसर": 20}

    def candidates(word: str, maxdist: int) -> list[str]:
        return list(vocab)

    found = neighbours("किसन", candidates, vocab.__getitem__)
    assert [n.term for n in found] == ["किसान", "किशन"]  # किसानी and केसर are two letters away
    assert found[0].edits == 1 and found[0].doc_frequency == 50


def test_spelling_work_is_done_once_per_word_and_never_for_huge_words(service) -> None:  # type: ignore[no-untyped-def]
    """Whoosh's Levenshtein automaton is pure Python: a 500-letter word cost 2 to 4 s, looked up
    twice (is it misspelt? is there a more common spelling?). Count the look-ups, not seconds."""
    from indexer.search import SearchRequest

    snap = service.engine.snapshot()
    calls: list[str] = []
    real = snap.terms_near

    def counting(term: str, maxdist: int):  # type: ignore[no-untyped-def]
        calls.append(term)
        return real(term, maxdist)

    snap.terms_near = counting
    try:
        service.search(SearchRequest(q="क" * 500))
        service.search(SearchRequest(q="कि" * 100))
        assert calls == []
        # Unknown and without neighbours: asked once, though both questions are asked of it.
        service.search(SearchRequest(q="झझझझझझ"))
        assert calls == ["झझझझझझ"]
        calls.clear()
        service.search(SearchRequest(q="किसनों"))  # misspelt: one look-up gives its neighbours
        assert calls == ["किसन"]
    finally:
        del snap.terms_near


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("हिदी", "हिंदी"),  # a dropped anusvara
        ("कीसान", "किसान"),  # ि / ी swapped
        ("मजदुर", "मजदूर"),  # ु / ू swapped
        ("प्रधानमंतरी", "प्रधानमंत्री"),  # a dropped halant
        ("डाक्टर", "डॉक्टर"),  # no candra
        ("किसन", "किसान"),  # a dropped आ-matra, in a three-letter word
        ("कोरना", "कोरोना"),  # a dropped ओ-matra
        ("पेंगुन", "पेंगुइन"),  # a dropped vowel letter
        ("हुगोनॉट", "हुगोनॉट्स"),  # an English plural
        ("इंस्ट्रूमेंट्स", "इंस्ट्रूमेंट"),
        ("किशन", "किसान"),  # श for स, and the आ
        ("परिक्सा", "परीक्षा"),  # two hurried differences
        ("बिमारी", "बीमारी"),
        ("राजधनी", "राजधानी"),
        ("स्वासथ्य", "स्वास्थ्य"),
        ("अस्पतल", "अस्पताल"),
        ("मुखयमंत्री", "मुख्यमंत्री"),
    ],
)
def test_real_misspellings_are_plausible(typed: str, meant: str) -> None:
    assert plausible(typed, meant, doc_frequency=900, doc_count=1000)


@pytest.mark.parametrize(
    ("typed", "other", "df", "why"),
    [
        ("बाढ़", "बाद", 300, "flood is not after: another consonant in a short word"),
        ("बाढ़", "बढ़", 300, "flood is not grow: a vowel sign in a two-letter word"),
        ("कल", "काल", 5, "tomorrow is not era"),
        ("मत", "मात", 5, "two letters"),
        ("दाम", "नाम", 5, "price is not name: another consonant"),
        ("सरकारें", "सरकारों", 900, None),  # stems differ by a vowel sign: fine (not rejected)
        ("विद्यालय", "विद्यालया", 5, None),
        ("अंतरराष्ट्रीय", "अंतर्राष्ट्रीय", 5, None),
        ("प्रदर्शनकारी", "प्रदर्शनकारियो", 5, None),  # a long word: a letter more is a typo
        ("कार्यक्रमो", "कार्यकर्मो", 950, None),  # र and the halant swapped: a hurried spelling
        ("उत्तरप्रदेश", "उत्तरप्रवेश", 5, None),  # a long word, another consonant, a rare neighbour
        ("उत्तरप्रदेश", "उत्तरप्रवेश", 950, "another consonant, and a neighbour in 95% of articles"),
    ],
)
def test_unrelated_words_are_not_taken_for_misspellings(
    typed: str, other: str, df: int, why: str | None
) -> None:
    assert plausible(typed, other, df, 1000) is (why is None), why


@pytest.mark.parametrize(
    ("term", "variants"),
    [
        ("डाक्टर", ["डॉक्टर"]),
        ("डॉक्टर", ["डाक्टर"]),
        ("कालेज", ["कॉलेज"]),
        ("आफिस", ["ऑफिस"]),
        ("ऑफिस", ["आफिस"]),
        ("बॅंक", ["बेंक"]),
        ("किसान", ["किसॉन"]),  # proposed, and kept only if the index holds it far more often
        ("रूस", []),
    ],
)
def test_written_variants(term: str, variants: list[str]) -> None:
    assert written_variants(term) == variants


def test_typo_key() -> None:
    assert typo_key("परीक्षा") == typo_key("परिक्सा") and typo_key("बाढ़") != typo_key("बाद")

"""Spelling distance in grapheme clusters, and neighbours from a vocabulary."""

from __future__ import annotations

import pytest

from indexer.spelling import grapheme_distance, graphemes, max_edits, neighbours


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

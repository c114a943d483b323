"""ICU word breaking, offsets, graphemes, and the whole chain as Whoosh sees it."""

from __future__ import annotations

import itertools
import pickle
import threading

import pytest

from indexer.analysis import terms
from indexer.analysis.graphemes import boundaries, ceil_boundary, floor_boundary
from indexer.analysis.tokenize import utf16_to_index_map, words
from indexer.engines.whoosh.analyzer import HindiAnalyzer


def texts(s: str) -> list[str]:
    return [w.text for w in words(s)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("किम जोंग उन रूस में।", ["किम", "जोंग", "उन", "रूस", "में"]),  # danda dropped
        ("राष्ट्रपति क्षेत्र त्रिपुरा", ["राष्ट्रपति", "क्षेत्र", "त्रिपुरा"]),  # conjuncts stay whole
        ("पहुँचे, ज़िंदगी!", ["पहुँचे", "ज़िंदगी"]),  # chandrabindu, nukta inside the word
        ("क्\u200dष और", ["क्\u200dष", "और"]),  # ZWJ inside the word
        ("२०२१ में 3.5 और 1,20,000", ["२०२१", "में", "3.5", "और", "1,20,000"]),
        ("COVID-19 का iPhone", ["COVID", "19", "का", "iPhone"]),
        ("॥ श्लोक ॥", ["श्लोक"]),
        ("", []),
        ("   ।।  ", []),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_offsets_are_python_indices_after_astral_characters() -> None:
    text = "😀मीटिंग 𝐀 रूस"  # the emoji and the math letter take two UTF-16 units each
    found = list(words(text))
    assert [text[w.start : w.end] for w in found] == [w.text for w in found]
    assert [w.text for w in found] == ["मीटिंग", "𝐀", "रूस"]
    assert found[0].start == 1


def test_utf16_map() -> None:
    assert utf16_to_index_map("रूस") is None
    assert utf16_to_index_map("a😀b") == [0, 1, 1, 2, 3]


def test_grapheme_boundaries_keep_clusters_whole() -> None:
    text = "क्षत्रिय हुँ ज़िं"
    b = boundaries(text)
    clusters = [text[i:j] for i, j in itertools.pairwise(b)]
    assert "क्ष" in clusters and "त्रि" in clusters and "हुँ" in clusters
    assert "ज़िं" in clusters  # decomposed or not, nukta and matra stay with the consonant


def test_floor_and_ceil_boundary_never_split_a_cluster() -> None:
    text = "किसानों ने दिल्ली"
    b = set(boundaries(text))
    for i in range(len(text) + 1):
        assert floor_boundary(text, i) in b and floor_boundary(text, i) <= i
        assert ceil_boundary(text, i) in b and ceil_boundary(text, i) >= i


def test_terms_run_the_whole_chain() -> None:
    got = [(t.text, t.stop) for t in terms("किसानों ने हिन्दी में पहुँचे २०२१")]
    assert got == [
        ("किसान", False),
        ("ने", True),
        ("हिंदी", False),
        ("में", True),
        ("पहुंच", False),
        ("2021", False),
    ]


def analyze(text: str, **kw) -> list:
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in HindiAnalyzer()(text, positions=True, chars=True, **kw)
    ]


def test_analyzer_tokens_positions_and_chars() -> None:
    text = "😀किसानों ने सम्बन्ध"
    toks = analyze(text)
    assert toks == [("किसान", 0, 1, 8), ("संबंध", 1, 12, 19)]
    assert text[12:19] == "सम्बन्ध"


def test_positions_skip_stopwords_so_phrases_match() -> None:
    """ "रूस में किम" as a query phrase is रूस किम: the indexed text must number them 0, 1."""
    assert [t[1] for t in analyze("रूस में किम")] == [0, 1]


def test_analyzer_keeps_stopwords_when_asked() -> None:
    toks = [(t.text, t.stopped) for t in HindiAnalyzer()("रूस में किम", removestops=False)]
    assert toks == [("रूस", False), ("में", True), ("किम", False)]


def test_unsplit_text_is_normalised_but_patterns_are_not_stemmed() -> None:
    a = HindiAnalyzer()
    assert [t.text for t in a("किसानों", tokenize=False)] == ["किसान"]
    assert [t.text for t in a("किसा*", tokenize=False)] == ["किसा*"]
    assert [t.text for t in a("ज़िला*", tokenize=False)] == ["जिला*"]


def test_analyzer_pickles_and_equals() -> None:
    a = HindiAnalyzer()
    b = pickle.loads(pickle.dumps(a))
    assert a == b
    assert [t.text for t in b("किसानों")] == ["किसान"]


def test_analyzer_is_safe_across_threads() -> None:
    text = "किसानों ने दिल्ली की सीमाओं पर डेरा डाला। " * 50
    expected = [t.text for t in HindiAnalyzer()(text)]
    errors: list[str] = []

    def work() -> None:
        for _ in range(30):
            if [t.text for t in HindiAnalyzer()(text)] != expected:
                errors.append("mismatch")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


@pytest.mark.parametrize(
    "text",
    [
        "किसानों ने दिल्ली कूच किया, सरकार से बातचीत।",
        "😀मीटिंग #किसान_आंदोलन COVID-19 5.3 फ़ीसदी २०२१ don't U.S. क्षत्रिय",
        "",
        "   ।॥ ",
    ],
)
def test_index_terms_are_the_terms_without_stopwords(text: str) -> None:
    """The lean path used for indexing gives the same terms as the one with offsets."""
    from indexer.analysis.pipeline import pipeline

    p = pipeline()
    assert p.index_terms(text) == [t.text for t in p.terms(text) if not t.stop]


@pytest.mark.parametrize(
    "text",
    [
        "ज़मीन क़ानून चाँद",
        "क्‍या क्‌ष संसद",
        "#किसान_आंदोलन COVID-19 पर",
        "१२३ 7,877 ३.५",
        "𝕏 के 😀 बाद किसान",
        "",
        "  ।  ",
    ],
)
def test_terms_are_words_with_their_terms_at_any_offset(text: str) -> None:
    """One loop gives what the words and the chain give one by one, offsets moved for a part of
    a longer text (astral letters count once, as Python counts)."""
    from indexer.analysis.pipeline import pipeline
    from indexer.analysis.tokenize import Term, terms, words

    p = pipeline()
    for offset in (0, 1500):
        want = [
            Term(t, w.start + offset, w.end + offset, stop)
            for w in words(text)
            for t, stop in [p.analyze_word(w.text)]
            if t
        ]
        assert terms(text, p.analyze_word, offset) == want == p.terms(text, offset)

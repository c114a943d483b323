"""Snippets: the right window, every match marked, HTML escaped, never a cut grapheme cluster."""

from __future__ import annotations

import unicodedata

import pytest

from indexer.analysis import analyze_word, terms
from indexer.analysis.graphemes import boundaries
from indexer.query import Highlight
from indexer.snippets import ELLIPSIS, SNIPPET_CHARS, highlight, make_snippet


def marks(*words: str) -> Highlight:
    """What a query of these words highlights: their index terms (each word a group)."""
    found = [analyze_word(w)[0] for w in words]
    return Highlight(frozenset(found), groups=tuple(frozenset({t}) for t in found))


FILLER = "सरकार ने आज एक नई योजना की घोषणा की जिसमें कई राज्यों को शामिल किया गया है। "
# Pieces of the random articles the tests below build: real sentences with nukta words, Devanagari
# digits, Latin and a joiner (ZWJ) inside दिल्‍ली.
ARTICLE_PIECES = [
    FILLER,
    "दिल्ली में किसानों का धरना जारी है। ",
    "क़ानून पर बहस, ज़मीन के मामले में। ",
    "कोविड-19 के ३५ नए मामले, covid cases in Delhi. ",
    "दिल्‍ली सरकार ने ",
]


def test_window_lands_on_the_matches() -> None:
    text = FILLER * 10 + "दिल्ली में किसानों का धरना जारी है। " + FILLER * 10
    s = make_snippet(text, marks("किसान", "धरना"))
    html = s.html()
    assert "<mark>किसानों</mark>" in html and "<mark>धरना</mark>" in html
    assert html.startswith(ELLIPSIS) and html.endswith(ELLIPSIS)
    assert len(s.text()) <= SNIPPET_CHARS + 4


def test_window_prefers_more_distinct_terms() -> None:
    text = "किसान " + FILLER * 6 + "किसान और दिल्ली साथ साथ। " + FILLER * 3
    s = make_snippet(text, marks("किसान", "दिल्ली"))
    assert "<mark>दिल्ली</mark>" in s.html()


def test_every_match_in_the_window_is_marked() -> None:
    s = make_snippet("रूस से रूस तक रूस की बात।", marks("रूस"))
    assert s.html().count("<mark>रूस</mark>") == 3


def test_no_match_gives_the_opening() -> None:
    s = make_snippet(FILLER * 5, marks("अनुपस्थित"))
    assert s.text().startswith("सरकार ने आज") and not s.has_match


def test_html_is_escaped() -> None:
    s = make_snippet('<script>alert("x")</script> रूस & <b>', marks("रूस"))
    assert s.html() == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>रूस</mark> &amp; &lt;b&gt;"


def test_whitespace_is_collapsed_but_words_keep_their_spaces() -> None:
    s = make_snippet("पहला   अनुच्छेद\n\nदूसरा रूस अनुच्छेद", marks("रूस"))
    assert s.text() == "पहला अनुच्छेद दूसरा रूस अनुच्छेद"


def _assert_cut_on_clusters(text: str, snippet_text: str) -> None:
    core = snippet_text.removeprefix(ELLIPSIS + " ").removesuffix(" " + ELLIPSIS)
    collapsed = " ".join(text.split())
    start = collapsed.find(core)
    assert start >= 0, (core, collapsed)
    b = set(boundaries(collapsed))
    assert start in b and start + len(core) in b
    assert not unicodedata.category(core[0]).startswith("M")  # never starts with a matra or virama


@pytest.mark.parametrize("offset", range(0, 60, 7))
def test_long_single_word_is_cut_between_clusters(offset: int) -> None:
    # One "word" far longer than a snippet: the cut must fall inside it, between clusters.
    word = "क्षत्रियहुँज़िंदगीराष्ट्रपति" * 20
    text = "अ" * offset + word
    s = make_snippet(text, marks("अनुपस्थित"))
    _assert_cut_on_clusters(text, s.text())


@pytest.mark.parametrize("lead", [0, 13, 57, 101, 250])
def test_cuts_fall_between_words(lead: int) -> None:
    text = ("क्षेत्रीय त्रिपुरा हुँकार ज़िंदगी " * 30)[lead:] + " रूस " + "क्षेत्रीय त्रिपुरा " * 30
    s = make_snippet(text, marks("रूस"))
    assert "<mark>रूस</mark>" in s.html()
    _assert_cut_on_clusters(text, s.text())


def test_emoji_text_offsets() -> None:
    s = make_snippet("😀😀 रूस की ख़बर 👍", marks("रूस"))
    assert s.html() == "😀😀 <mark>रूस</mark> की ख़बर 👍"


def test_highlight_whole_text() -> None:
    assert highlight("मुंबई ने जीता क्रिकेट फ़ाइनल", marks("क्रिकेट")).html() == (
        "मुंबई ने जीता <mark>क्रिकेट</mark> फ़ाइनल"
    )


def test_the_body_is_read_only_until_a_window_with_every_word() -> None:
    """Bodies run to thousands of words: once a window holds every query term, the rest is not
    analysed (it cannot hold a better window)."""
    read: list[int] = []

    def counting(text: str, offset: int):  # type: ignore[no-untyped-def]
        read.append(len(text))
        return terms(text, offset)

    body = "किसान दिल्ली पहुंचे। " + FILLER * 400  # ~30,000 characters
    s = make_snippet(body, marks("किसान", "दिल्ली"), analyze=counting)
    assert "<mark>किसान</mark>" in s.html() and "<mark>दिल्ली</mark>" in s.html()
    assert sum(read) < 4000 < len(body)
    # One of the two words only at the end: everything is read, and the window has both.
    read.clear()
    late = "किसान " + FILLER * 200 + "किसान और दिल्ली साथ।"
    s = make_snippet(late, marks("किसान", "दिल्ली"), analyze=counting)
    assert sum(read) >= len(late) - 10 and "<mark>दिल्ली</mark>" in s.html()


def test_the_window_does_not_depend_on_how_the_text_is_chunked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The body is analysed a chunk at a time, and only ``size`` characters past the point where
    every word was seen; the snippet is the one of analysing it whole and stopping there. Random
    bodies of real sentences, with joiners, nukta words, digits, Latin, no-space runs."""
    import random

    import indexer.snippets as sn

    pieces = [*ARTICLE_PIECES, "किसान" * 30 + " ", "\n\n"]  # a long run without a space
    queries = [("किसान", "धरना"), ("दिल्ली",), ("क़ानून", "ज़मीन", "covid"), ("किसान", "नहींमिलताशब्द")]
    rnd = random.Random(5)
    for _ in range(60):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 60)))
        m = marks(*rnd.choice(queries))
        monkeypatch.setattr(sn, "FIRST_CHUNK", 10**9)
        whole = make_snippet(text, m)
        for first, last in ((7, 13), (50, 400), (400, 6400)):
            monkeypatch.setattr(sn, "FIRST_CHUNK", first)
            monkeypatch.setattr(sn, "LAST_CHUNK", last)
            assert make_snippet(text, m) == whole, (first, last, text)


def _written(title: str, body: str, asked: frozenset[str]) -> dict[str, list[str]]:
    """What an engine keeps of an article, asked for ``asked`` (the oracle of
    ``Snapshot.spellings``): the spellings of its title and body, by term."""
    from indexer.analysis.pipeline import pipeline

    p = pipeline()
    out: dict[str, list[str]] = {}
    for w in sorted(p.index_terms_and_spellings(f"{title}\n{body}")[1]):
        if (t := analyze_word(w)[0]) in asked:
            out.setdefault(t, []).append(w)
    return out


@pytest.mark.parametrize(
    ("title", "body", "query", "marked", "read_below"),
    [
        # धरना is in the headline only: the body is read until किसानों, not to its end.
        ("किसानों का धरना", "दिल्ली पहुंचे किसानों ने कहा। " + FILLER * 300, ("किसान", "धरना"), ["किसानों"], 2000),
        # Found by meaning: none of the words in the body, whose lead is shown, read no further.
        ("मौसम का हाल", FILLER * 300, ("किसान", "धरना"), [], 1000),
        # The body writes क़ानून with a nukta, the headline without: the body's own spelling is
        # looked for, found at the end, and only the words around it and the window analysed.
        ("कानून पर बहस", FILLER * 100 + "नया क़ानून लागू।", ("कानून",), ["क़ानून"], 600),
        # A joiner inside दिल्‍ली (ZWJ): the body's spelling, not the term, is what it holds.
        ("", FILLER * 100 + "दिल्\u200dली में ठंड", ("दिल्ली", "ठंड"), ["दिल्\u200dली", "ठंड"], 600),
    ],
)  # fmt: skip
def test_a_word_the_body_does_not_write_is_not_waited_for(
    title: str, body: str, query: tuple[str, ...], marked: list[str], read_below: int
) -> None:
    import re

    read: list[int] = []

    def counting(text: str, offset: int):  # type: ignore[no-untyped-def]
        read.append(len(text))
        return terms(text, offset)

    m = marks(*query)
    s = make_snippet(body, m, analyze=counting, written=_written(title, body, m.terms))
    assert re.findall("<mark>(.*?)</mark>", s.html()) == marked
    assert sum(read) < read_below < len(body)
    # Without what the engine keeps, the same words are marked (the body read to its end).
    assert re.findall("<mark>(.*?)</mark>", make_snippet(body, m).html()) == marked


def test_what_the_engine_keeps_changes_only_where_the_scan_stops() -> None:
    """Random articles of real sentences (nukta, joiners, digits, Latin, a word only in the
    headline): told how the article writes the query's words, the scan never gives up a word
    the body holds, and the snippet is the one of a scan told, by analysing the body whole,
    which of the query's words it holds."""
    import random
    from dataclasses import replace

    from indexer.snippets import _wanted

    # किसान inside a longer word: the spelling is there, the word is not.
    pieces = [*ARTICLE_PIECES, "किसानआंदोलन", "\n\n"]
    titles = ["किसान धरना", "कानून ज़मीन", "दिल्ली covid", "मौसम", ""]
    queries = [
        ("किसान", "धरना"),
        ("दिल्ली",),
        ("क़ानून", "ज़मीन", "covid"),
        ("किसान", "नहींमिलताशब्द"),
        ("मौसम", "धरना"),
    ]
    rnd = random.Random(11)
    compared = 0
    for _ in range(300):
        body = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40)))
        title = rnd.choice(titles)
        m = marks(*rnd.choice(queries))
        w = _written(title, body, m.terms)
        holds = {t.text for t in terms(body) if not t.stop}
        kept = _wanted(m.groups, w, body)
        assert kept is not None
        present = tuple(g for g in m.groups if g & holds)
        assert set(present) <= set(kept)  # never a word the body holds
        if set(kept) == set(present):  # (a spelling inside a longer word keeps its group waiting)
            oracle = replace(m, groups=present) if present else m
            assert make_snippet(body, m, written=w) == make_snippet(body, oracle), (title, body)
            compared += 1
    assert compared > 200


def test_reading_only_where_the_spellings_stand_gives_the_whole_scans_snippet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Told every spelling of the marked terms, a snippet analyses only the words where they
    stand and its window: the snippet is the one of scanning the body chunk by chunk with the
    same knowledge. Random articles of dirty pieces: nukta and joiners, Devanagari digits,
    capitals, words inside longer words, punctuation without spaces, doubled spaces, newlines,
    underscores, a run longer than any kept word; queries of one to four words, alternatives in
    a group, stopwords, a term no article has."""
    import random

    import indexer.snippets as sn

    pieces = [
        *ARTICLE_PIECES,
        "क़ानून पर बहस,ज़मीन के मामले में।  ",  # no space after the comma, two at the end
        "कोविड-19 के ३५ नए मामले, Covid cases in DELHI. ",
        "किसानआंदोलन ",  # किसान inside a longer word
        "#किसान_आंदोलन और Super_Bowl_50 ",
        "\n\nधरना\n",
        "(किसान)",
    ]
    too_long = "किसान" * 50 + " "  # longer than any kept word: the whole scan
    vocabulary = ["किसान", "धरना", "दिल्ली", "क़ानून", "ज़मीन", "covid", "35", "आंदोलन", "है", "मामले",
                  "bowl", "नहींमिलताशब्द"]  # fmt: skip
    rnd = random.Random(23)
    fast = 0
    for _ in range(400):
        body = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30)))
        if rnd.random() < 0.15:
            body += too_long + body
        title = rnd.choice(["किसान धरना", "कानून covid", ""])
        words = rnd.sample(vocabulary, rnd.randint(1, 4))
        found = [analyze_word(w)[0] for w in words]
        groups = [frozenset({t}) for t in found]
        if len(groups) > 1 and rnd.random() < 0.3:  # a word and its alternative
            groups = [groups[0] | groups[1], *groups[2:]]
        m = Highlight(frozenset(found), groups=tuple(groups))
        w = _written(title, body, m.terms)
        w = {t: w.get(t, []) for t in m.terms}
        size = rnd.choice([SNIPPET_CHARS, 60, 400])
        got = make_snippet(body, m, size, written=w)
        fast += sn._by_spellings(body, m, size, terms, w) is not None
        with monkeypatch.context() as patched:
            patched.setattr(sn, "_by_spellings", lambda *a: None)
            assert got == make_snippet(body, m, size, written=w), (words, body)
    assert fast > 250

"""Patterns (issue 18, cases 1 and 8): matched against words as the articles write them, in
bounded work, the same on both engines."""

from __future__ import annotations

import json
import re
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import patterns
from indexer.analysis.pipeline import pipeline
from indexer.analysis.tokenize import words
from indexer.build import reindex
from indexer.ingest import Article, read_corpus
from indexer.query.glob import glob_match
from indexer.query.tree import Pattern
from indexer.search import SearchRequest, SearchService
from indexer.words import WordCounts, WordTable, article_words
from tests.conftest import Indexes

# -- matching a pattern against one word -------------------------------------------------------


def _oracle(pattern: str, text: str) -> bool:
    """A regular expression (backtracking is fine on these short strings)."""
    return re.fullmatch(".*".join(re.escape(p) for p in pattern.split("*")), text, re.DOTALL) is not None


@settings(max_examples=3000, deadline=None)
@given(
    pattern=st.text(alphabet="ab*कि?.", max_size=10),
    text=st.text(alphabet="abकि?.", max_size=12),
)
def test_glob_match_agrees_with_a_regular_expression(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) == _oracle(pattern, text), (pattern, text)


@contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    """Fails the test instead of hanging: a backtracking matcher never finishes these."""

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"still running after {seconds} s: the matcher backtracks")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_many_stars_cost_a_scan_not_an_explosion() -> None:
    with watchdog(20):
        assert not glob_match("अ" + "*" * 40 + "x", "अ" * 5000)
        assert not Pattern("a" + "*a" * 60 + "b").matches("a" * 400)
        assert Pattern("a" + "*a" * 60 + "b").matches("a" * 400 + "b")
    assert Pattern("अ" + "*" * 25 + "x").pattern == "अ*x"  # runs of stars are one star


# -- the words articles write --------------------------------------------------------------------


def test_the_analyzer_and_the_pipeline_see_the_same_words() -> None:
    """The Whoosh engine counts words as its analyzer meets them; the cluster's writer with
    ``Pipeline.written``: both must see the same ones."""
    p = pipeline()
    text = "किसानों ने कहा: बच्चे, बच्चों और 'COVID-19' के बाद २०२१ में मज़दूर पहुँचे। बच्चे"
    spellings = {w.text for w in words(text)}  # what the Whoosh analyzer meets
    by_spans = [(p.normalize(w), p.analyze_word(w)[0]) for w in spellings if not p.analyze_word(w)[1]]
    assert sorted(p.written(text)) == sorted(by_spans)
    assert ("बच्चे", "बच्च") in p.written(text) and ("मजदूर", "मजदूर") in p.written(text)
    assert not any(w == "ने" for w, _ in p.written(text))  # stopwords are not searchable


def test_two_spellings_of_a_word_are_counted_in_and_out_alike() -> None:
    p = pipeline()
    fields = [p.written("बाज़ार और बाजार"), p.written("बाजार")]
    counts = WordCounts()
    counts.add(fields)
    assert list(counts.items()) == [("बाजार", "बाजार", 3)]
    counts.remove(fields[:1])
    assert list(counts.items()) == [("बाजार", "बाजार", 1)]
    counts.remove(fields[1:])
    assert list(counts.items()) == [] and [n for *_, n in counts.changes()] == [0]
    recorded = WordCounts.of_spellings(Counter(["बाज़ार", "बाजार", "बाजार"]), p)
    assert list(recorded.items()) == [("बाजार", "बाजार", 3)]


def test_word_table_spans() -> None:
    table = WordTable([("बच्चे", "बच्च"), ("बच्चों", "बच्च"), ("बस", "बस"), ("ab", "ab")])
    assert [table.words[i] for i in table.span("बच्च")] == ["बच्चे", "बच्चों"]
    assert list(table.span("")) == [0, 1, 2, 3] and list(table.span("zz")) == []


# -- on both engines ------------------------------------------------------------------------------

ARTICLES = {
    "a": ("स्कूल की ख़बर", "बच्चे स्कूल गए।"),
    "b": ("मेला", "बच्चों का मेला लगा।"),
    "c": ("रोना", "एक बच्चा रोया।"),
    "d": ("बहस", "नीतियों पर बहस हुई।"),
    "e": ("घोषणा", "नई नीति आई।"),
    "f": ("सभा", "महिलाओं की सभा।"),
    "g": ("दिवस", "महिला दिवस मनाया गया।"),
    "h": ("जांच", "मामले की जांच।"),
    "k": ("कोहली का शतक", "विराट कोहली ने शतक लगाया।"),
}
CATEGORIES = {
    "a": "शिक्षा",
    "b": "शिक्षा",
    "c": "समाज",
    "d": "राजनीति",
    "e": "राजनीति",
    "h": "अंतरराष्ट्रीय",
    "k": "खेल",
}


@pytest.fixture(scope="module")
def service(indexes: Indexes, tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    root = tmp_path_factory.mktemp("patterns")
    with (root / "p.jsonl").open("w", encoding="utf-8") as fh:
        for i, (title, body) in ARTICLES.items():
            rec = {"id": i, "title": title, "body": body, "category": CATEGORIES.get(i, "")}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return SearchService(indexes.build([root / "p.jsonl"], "patterns"))


def ids(svc: SearchService, q: str) -> set[str]:
    res = svc.search(SearchRequest(q=q, per_page=100))
    assert "some_words" not in res.notes and "any_word" not in res.notes
    return {h.id for h in res.hits}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # A whole inflected word and more: the words written so, and their other forms (a
        # search for बच्चे finds बच्चा and बच्चों too). This found nothing before issue 18.
        ("बच्चे*", {"a", "b", "c"}),
        ("बच्चों*", {"a", "b", "c"}),
        ("बच्चा*", {"a", "b", "c"}),
        ("मामले*", {"h"}),
        ("नीति*", {"d", "e"}),  # नीति's stem is नीती: no stem starts with नीति
        ("नीतियों*", {"d", "e"}),
        ("*ाओं", {"f", "g"}),  # a written ending: महिलाओं (and so महिला)
        ("*ों", {"a", "b", "c", "d", "e"}),  # बच्चों, नीतियों (महिलाओं ends in ओं, a vowel letter)
        ("बच्चाओ*", set()),  # no article writes a word so (the stemmer would take it to बच्च)
        ("को*ली", {"k"}),
        ("title:को*", {"k"}),
        ("title:बच्च*", set()),  # titles write no such word
        ("category:शि*", {"a", "b"}),
        ("category:*ति", {"d", "e"}),
        ("category:अ*", {"h"}),
        ("category:अ" + "*" * 40 + "x", set()),  # never ended before issue 18 (अंतरराष्ट्रीय starts so)
        ("-बच्चे*", {"d", "e", "f", "g", "h", "k"}),
    ],
)
def test_patterns_match_words_as_written(service: SearchService, q: str, expected: set[str]) -> None:
    assert ids(service, q) == expected


def test_a_pattern_marks_the_words_it_found(service: SearchService) -> None:
    res = service.search(SearchRequest(q="बच्चे*", per_page=10))
    snippets = {h.id: h.snippet for h in res.hits}
    assert "<mark>बच्चे</mark>" in snippets["a"] and "<mark>बच्चों</mark>" in snippets["b"]
    paragraphs = service.highlighted_paragraphs("एक बच्चा रोया। बच्चे हंसे।", "बच्चे*")
    assert paragraphs == ["एक <mark>बच्चा</mark> रोया। <mark>बच्चे</mark> हंसे।"]


def test_a_query_of_patterns_is_bounded(service: SearchService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every search's patterns look at a bounded number of words, and say when they were cut."""
    q = " OR ".join(f"*{c}*" for c in "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह")  # 30 patterns
    assert len(q) < 500 and not service.search(SearchRequest(q=q)).notes

    def fresh() -> SearchService:  # what a generation's patterns stand for is kept: start anew
        return SearchService(service.engine)

    monkeypatch.setattr(patterns, "MAX_EXAMINED", 40)
    assert "pattern_truncated" in fresh().search(SearchRequest(q=q)).notes
    monkeypatch.setattr(patterns, "MAX_PATTERN_WORDS", 1)
    monkeypatch.setattr(patterns, "MAX_EXAMINED", 10**6)
    assert "pattern_truncated" in fresh().search(SearchRequest(q="*ों")).notes
    assert "pattern_truncated" not in fresh().search(SearchRequest(q="को*")).notes


def test_the_written_words_of_a_real_index(tmp_path: Path) -> None:
    """The table the engine keeps equals the words counted straight from the articles."""
    corpus = Path(__file__).parent / "fixtures" / "corpus"
    reindex([corpus], tmp_path / "ix")
    p, counted = pipeline(), WordCounts()
    for item in read_corpus([corpus]):
        if isinstance(item, Article):
            counted.add(article_words(item, p))
    gen = next((tmp_path / "ix").glob("g*"))
    kept = WordCounts.load(gen / "khabar-words.tsv")
    assert list(kept.items()) == list(counted.items()) and len(kept) > 100


def test_an_index_built_before_the_table_still_answers_patterns(tmp_path: Path) -> None:
    """Without its words file (an index of an earlier version), a pattern meets the stems, as it
    did; the next reindex rebuilds it in full (the manifest's format changed with the table)."""
    corpus = Path(__file__).parent / "fixtures" / "corpus"
    reindex([corpus], tmp_path / "ix")
    gen = next((tmp_path / "ix").glob("g*"))
    (gen / "khabar-words.tsv").unlink()
    found = SearchService(tmp_path / "ix").search(SearchRequest(q="किसा*"))
    assert found.total >= 1 and "pattern_truncated" not in found.notes

"""Characteristic words: the counting itself on tables of Hindi articles, and the words each
article keeps at index time (what the desk counts) against the words its text writes, on both
engines, through full and incremental reindexes and from every writing process."""

from __future__ import annotations

import random
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from indexer.analysis.pipeline import pipeline
from indexer.build import reindex
from indexer.characteristic import (
    GrowingLexicon,
    Lexicon,
    SampleWords,
    article_words,
    characteristic,
    characteristic_words,
)
from indexer.engines import open_engine
from indexer.engines.base import Filters
from indexer.engines.config import EngineConfig
from indexer.query.tree import All
from indexer.search import SearchRequest, SearchService
from tests.conftest import SEEDS, Indexes, write

P = pipeline()


def _df(texts: list[str]):  # type: ignore[no-untyped-def]
    """Document frequencies over ``texts`` as the archive (an independent count)."""
    held = [set(P.index_terms(t)) for t in texts]
    return lambda terms: {t: sum(t in h for h in held) for t in terms}


# -- the counting, on tables ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("किसानों ने दिल्ली में प्रदर्शन किया", {"किसानों", "दिल्ली", "प्रदर्शन"}),  # ने, में, किया: stopwords
        ("पहुँचे पहुंचे पहुँचे", {"पहुँचे", "पहुंचे"}),  # both spellings as written, each once
        ("बाज़ार और बाजार", {"बाज़ार", "बाजार"}),  # nukta kept as written
        ("कोविड-19 का टीका २०२१ में", {"कोविड", "19", "टीका", "२०२१"}),
        ("क्\u200dष और क्\u200cष", {"क्\u200dष", "क्\u200cष"}),  # ZWJ / ZWNJ kept in the spelling
        ("का की के", set()),
        ("COVID vaccine का असर", {"COVID", "vaccine", "असर"}),
    ],
)
def test_article_words_are_its_distinct_spellings(text: str, want: set[str]) -> None:
    assert article_words(text, P) == want


def test_two_spellings_of_a_word_hold_it_once_and_the_commonest_is_shown() -> None:
    """Three articles write पहुँचे or पहुंचे (one term); one writes both: it holds the term once.
    The form most articles write is shown (पहुंचे: two against one)."""
    texts = ["किसान पहुँचे पहुंचे", "किसान पहुंचे", "किसान पहुँचे", "सरकार बोली", "सरकार चुप", "मौसम साफ़"]
    words, n = characteristic_words(texts[:3], P, _df(texts), len(texts))
    assert n == 3
    by_term = {w.term: w for w in words}
    term = P.analyze_word("पहुँचे")[0]
    assert by_term[term].count == 3
    assert by_term[term].word == "पहुँचे"  # two articles write पहुँचे, two पहुंचे: a tie, by code point
    assert by_term[P.analyze_word("किसान")[0]].count == 3


def test_jlh_scores_and_order() -> None:
    archive = ["लावा राख", "लावा राख", "लावा", "सरकार", "सरकार", "सरकार", "सरकार", "सरकार", "सरकार", "सरकार"]
    words, n = characteristic_words(archive[:3], P, _df(archive), len(archive))
    assert n == 3
    # लावा: fg 3/3, bg 3/10: (1 - 0.3) / 0.3; राख: fg 2/3, bg 2/10.
    assert [(w.word, w.count) for w in words] == [("लावा", 3), ("राख", 2)]
    assert words[0].score == pytest.approx(round((1 - 0.3) * (1 / 0.3), 4))
    assert words[1].score == pytest.approx(round((2 / 3 - 0.2) * ((2 / 3) / 0.2), 4))


def test_excluded_terms_and_words_without_letters_are_left_out() -> None:
    archive = ["लावा राख 2023", "लावा राख 2023", "सरकार", "सरकार", "सरकार"]
    words, _ = characteristic_words(
        archive[:2], P, _df(archive), len(archive), exclude=[P.analyze_word("लावा")[0]]
    )
    assert [w.word for w in words] == ["राख"]


def test_a_word_needs_a_tenth_of_the_sample_and_two_articles() -> None:
    sample = ["ज्वालामुखी"] + [f"विषय{n} सामान्य" for n in range(19)]
    archive = sample + ["सरकार"] * 20
    words, n = characteristic_words(sample, P, _df(archive), len(archive))
    assert n == 20 and [w.word for w in words] == ["सामान्य"]  # ज्वालामुखी: one article of 20


def test_empty_samples() -> None:
    empty = SampleWords([], Lexicon([], []))
    assert characteristic(empty, lambda t: {}, 10) == ([], 0)
    blank = SampleWords([np.zeros(0, np.int32)] * 3, Lexicon([], []))
    assert characteristic(blank, lambda t: {}, 10) == ([], 3)
    assert characteristic_words(["का की"], P, lambda t: {}, 10) == ([], 1)


# Written forms: spellings of one term (nukta, chandrabindu / anusvara), numbers, Latin, stopwords.
_FORMS = [
    "किसान",
    "किसानों",
    "पहुँचे",
    "पहुंचे",
    "बाज़ार",
    "बाजार",
    "सरकार",
    "सरकारें",
    "दिल्ली",
    "कोविड",
    "19",
    "२०२१",
    "COVID",
    "vaccine",
    "मौसम",
    "ज्वालामुखी",
    "लावा",
    "राख",
    "चुनाव",
    "आंदोलन",
    "आन्दोलन",
    "क्\u200dष",
    "क्\u200cष",
    "का",
    "की",
    "के",
]


def _samples(seed: int) -> list[list[list[str]]]:
    """Searches' samples: each a few articles, each its distinct words."""
    rnd = random.Random(seed)
    return [[rnd.sample(_FORMS, rnd.randint(0, 12)) for _ in range(rnd.randint(0, 8))] for _ in range(12)]


@pytest.mark.parametrize("seed", range(5))
def test_a_growing_lexicon_counts_as_a_fresh_one_for_every_search(seed: int) -> None:
    """One generation's lexicon, met by search after search from four threads at once, gives
    each search the characteristic words of a lexicon of just its own sample."""
    archive = [" ".join(a) for sample in _samples(seed + 100) for a in sample]
    df, n = _df(archive), len(archive)
    grown = GrowingLexicon(P)

    def both(sample: list[list[str]]) -> tuple[object, object]:
        fresh = characteristic(SampleWords.of_words(sample, P), df, n, shown=50)
        kept = characteristic(SampleWords([grown.ids(row) for row in sample], grown), df, n, shown=50)
        return fresh, kept

    with ThreadPoolExecutor(4) as pool:
        for fresh, kept in pool.map(both, _samples(seed)):
            assert kept == fresh
    assert sorted(grown.words) == sorted(set(grown.words))  # each word once
    assert [grown.terms[t] for t in grown.term_of] == [P.written_pair(w)[1] for w in grown.words]
    assert all(grown.words[i] == w for w, i in grown.word_id.items())


# -- the words each article keeps, on both engines ---------------------------------------------------


def kept(config: EngineConfig) -> dict[str, list[str]]:
    """Every article's kept words, read through ``Snapshot.sample_words`` (light hits)."""
    snap = open_engine(config).snapshot()
    refs = [r for r, _ in snap.search(All(), Filters(), "newest", 0, 10_000, [], light=True).hits]
    sample = snap.sample_words(refs)
    assert sample is not None
    words = sample.lexicon.words
    return {
        snap.stored(r)["id"]: sorted(words[i] for i in row) for r, row in zip(refs, sample.rows, strict=True)
    }


def written(config: EngineConfig) -> dict[str, list[str]]:
    """The oracle: each stored article's title and body analysed here."""
    _, found = SearchService(config).export(SearchRequest(q=""), 10**6)
    return {a.id: sorted(article_words(f"{a.title}\n{a.body}", P)) for a in found}


def test_each_article_keeps_the_words_it_writes(indexes: Indexes) -> None:
    config = indexes.build([SEEDS], "kept-seeds")
    got, want = kept(config), written(config)
    assert got == want and len(got) > 30
    # What a snippet is told of each shown hit (``Snapshot.spellings``): how its title and body
    # write each asked term, here some terms every article has, some a few have, one none has.
    snap = open_engine(config).snapshot()
    refs = snap.fetched(
        [r for r, _ in snap.search(All(), Filters(), "newest", 0, 10_000, [], light=True).hits]
    )
    term = P.analyze_word
    counts: dict[str, int] = {}
    for words in want.values():
        for t in {term(w)[0] for w in words}:
            counts[t] = counts.get(t, 0) + 1
    ordered = sorted(counts, key=lambda t: (-counts[t], t))
    asked = frozenset([*ordered[:5], *ordered[200:230], "नहींमिलताशब्द"])
    told = snap.spellings(refs, asked)
    assert told is not None and len(told) == len(refs)
    seen = 0
    for ref, found in zip(refs, told, strict=True):
        expected: dict[str, list[str]] = {}
        for w in want[snap.stored(ref)["id"]]:
            if term(w)[0] in asked:
                expected.setdefault(term(w)[0], []).append(w)
        assert {t: sorted(ws) for t, ws in found.items()} == expected
        seen += sum(len(ws) for ws in expected.values())
    assert seen > 100
    # The desk's sample is the page's hits, its first ones fetched: their words are read from
    # what they brought, the others' from the index, and all alike.
    light = [r for r, _ in snap.search(All(), Filters(), "newest", 0, 10_000, [], light=True).hits]
    for mixed in (refs, refs[:7] + light[7:], light[:5] + refs[5:9] + light[9:]):
        sample = snap.sample_words(mixed)
        assert sample is not None
        got = {
            snap.stored(r)["id"]: sorted(sample.lexicon.words[i] for i in row)
            for r, row in zip(mixed, sample.rows, strict=True)
        }
        assert got == want
    if config.engine == "opensearch":
        asked: list[str] = []
        call = snap._call  # type: ignore[attr-defined]

        def counted(what):  # type: ignore[no-untyped-def]
            asked.append("call")
            return call(what)

        snap._call = counted  # type: ignore[attr-defined]
        assert snap.sample_words(refs[:30]) is not None
        assert asked == []  # every hit fetched: nothing more to ask the cluster
        assert snap.sample_words(refs[:10] + light[10:30]) is not None
        assert asked == ["call"]  # one multi-get, for the light ones


def test_kept_words_follow_incremental_reindexes(indexes: Indexes, tmp_path: Path) -> None:
    """Files added, changed and deleted: the incremental generation keeps what a full one does,
    and what the texts write (written by one process: a small change is not parallel)."""
    corpus = tmp_path / "c"
    shutil.copytree(SEEDS, corpus)
    config = indexes.config("kept-inc")
    reindex([corpus], config)
    victims = sorted(p for p in corpus.rglob("*.txt"))[:3]
    victims[0].unlink()
    victims[1].write_text("नई ख़बर\nपहुँचे किसानों ने बाज़ार में ज्वालामुखी देखा।\n", encoding="utf-8")
    write(corpus, "new/extra.jsonl", '{"id": "extra", "title": "लावा", "body": "राख और लावा बहा।"}\n')
    report = reindex([corpus], config)
    assert report.incremental
    full = indexes.build([corpus], "kept-inc-full")
    assert kept(config) == kept(full) == written(config)
    assert kept(config)["extra"] == ["राख", "लावा", "बहा"] or kept(config)["extra"] == sorted(
        ["राख", "लावा", "बहा"]
    )


def test_characteristic_words_of_kept_words_are_those_of_the_texts(indexes: Indexes) -> None:
    """What the desk shows for a search: the same as analysing its sample's texts."""
    config = indexes.build([SEEDS], "kept-desk")
    svc = SearchService(config)
    snap = open_engine(config).snapshot()
    texts_of = {
        a.id: f"{a.title}\n{a.body}" for a in SearchService(config).export(SearchRequest(q=""), 10**6)[1]
    }
    checked = 0
    for q in ["सरकार", "किसान", "कोरोना", "भारत", "मौसम", "चुनाव"]:
        result = svc.search(SearchRequest(q=q, words=True, per_page=10))
        if not result.characteristic_sample:
            continue
        # The sample: the best-ranked 30, as the page ranked them.
        sample = svc.search(SearchRequest(q=q, per_page=30, words=False, snippets=False)).hits
        texts = [texts_of[h.id] for h in sample][: result.characteristic_sample]
        want, n = characteristic_words(
            texts,
            P,
            snap.doc_frequencies,
            snap.doc_count(),
            exclude=result.highlight.terms,
        )
        assert n == result.characteristic_sample
        assert [(w.term, w.word, w.count, w.score) for w in result.characteristic] == [
            (w.term, w.word, w.count, w.score) for w in want
        ], q
        checked += 1
    assert checked >= 3


def test_a_generation_without_kept_words_has_its_sample_analysed(tmp_path: Path) -> None:
    """An index written before the words were kept (the files removed here): the same words."""
    ix = tmp_path / "ix"
    reindex([SEEDS], ix)
    before = SearchService(ix).search(SearchRequest(q="सरकार", words=True))
    assert before.characteristic
    from indexer.engines.whoosh import articlewords

    gen = next(p for p in ix.iterdir() if (p / articlewords.WORDS).exists())
    articlewords.forget(gen)
    svc = SearchService(ix)
    assert open_engine(ix).snapshot().sample_words([0]) is None
    after = svc.search(SearchRequest(q="सरकार", words=True))
    assert after.characteristic == before.characteristic

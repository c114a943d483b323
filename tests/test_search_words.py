"""Words that match little: romanised Hindi, the other script, and misspellings (did you mean)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.analysis.normalize import normalize
from indexer.build import reindex
from indexer.search import SearchRequest, SearchService
from tests.conftest import write


def search(svc: SearchService, q: str, **kw):  # type: ignore[no-untyped-def]
    return svc.search(SearchRequest(q=q, **kw))


@pytest.mark.parametrize(
    ("q", "expected", "spelling"),
    [
        ("kisan", "राजनीति/kisan-andolan", "किसान"),
        ("mazdoor", "राजनीति/kisan-andolan", "मज़दूर"),
        ("chunav", "राजनीति/chunav-natije", "चुनाव"),
        ("olympic", "खेल/hockey-bronze", "ओलंपिक"),
        ("bazaar", "व्यापार/sensex-girawat", "बाज़ार"),
    ],
)
def test_romanised_words_find_devanagari(
    service: SearchService, q: str, expected: str, spelling: str
) -> None:
    res = search(service, q)
    assert expected in [h.id for h in res.hits]
    assert normalize(spelling) in {normalize(f) for f in res.transliterations[q]}
    top = res.hits[0]
    assert "<mark>" in top.title_html + top.snippet  # the Devanagari matches are highlighted
    assert res.to_json()["transliterations"] == res.transliterations


def test_mixed_script_query(service: SearchService) -> None:
    res = search(service, "kisan दिल्ली")
    assert res.hits[0].id == "राजनीति/kisan-andolan" and res.all_words == 1  # the only one with both


def test_a_latin_word_that_is_common_as_written_is_not_expanded(service: SearchService) -> None:
    res = search(service, "sensex")  # "Sensex" is in the text itself
    assert res.transliterations == {} and res.hits[0].id == "व्यापार/sensex-girawat"


def test_devanagari_finds_the_latin_spelling(service: SearchService) -> None:
    assert [h.id for h in search(service, "सेंसेक्स").hits] == ["व्यापार/sensex-girawat"]


def test_exact_latin_matches_rank_first(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(corpus, "a.txt", "क्रेडिट कार्ड योजना\nसरकार ने Kisan क्रेडिट कार्ड की सीमा बढ़ाई। बैंक आवेदन लेंगे।\n")
    for n in range(3):
        write(corpus, f"b{n}.txt", f"किसान ख़बर {n}\nकिसान मंडी पहुंचे। किसानों ने कहा कि किसान परेशान हैं।\n")
    reindex([corpus], tmp_path / "ix")
    res = search(SearchService(tmp_path / "ix"), "kisan")
    assert res.total == 4 and res.hits[0].id == "a"


@pytest.mark.parametrize(
    ("typed", "suggested", "why"),
    [
        ("सिमाओं", "सीमाओं", "ि for ी"),
        ("बूज़ुर्ग", "बुज़ुर्ग", "ू for ु"),
        ("आदोलन", "आंदोलन", "missing anusvara"),
        ("किसानो", "किसान", "missing anusvara on a plural"),
        ("गोलकिपर", "गोलकीपर", "ि for ी in a loanword"),
    ],
)
def test_did_you_mean(service: SearchService, typed: str, suggested: str, why: str) -> None:
    res = search(service, typed)
    assert res.suggestion == suggested, why
    assert res.total > 0  # the misspelling also finds what the suggestion would


def test_suggestion_keeps_the_rest_of_the_query(service: SearchService) -> None:
    res = search(service, "दिल्ली आदोलन")
    assert res.suggestion == "दिल्ली आंदोलन"


def test_missing_nukta_needs_no_suggestion(service: SearchService) -> None:
    res = search(service, "मजदूर")  # the text has मज़दूर: normalisation already joins them
    assert res.suggestion is None and res.total == 1


def test_no_suggestion_for_a_well_spelled_query(service: SearchService) -> None:
    assert search(service, "किसान").suggestion is None


def test_unknown_word_with_no_neighbour(service: SearchService) -> None:
    res = search(service, "क्वांटमफिजिक्स")
    assert res.total == 0 and res.suggestion is None

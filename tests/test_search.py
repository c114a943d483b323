"""The search service: matching, syntax, facets, filters, sort, paging, notes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indexer.build import reindex
from indexer.search import FILL_BELOW, SearchRequest, SearchService
from tests.conftest import Indexes, write


def ids(svc: SearchService, **kw) -> list[str]:
    return [h.id for h in svc.search(SearchRequest(**kw)).hits]


def facet(result, name: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {v.value: v.count for v in result.facets[name]}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("किसान", "राजनीति/kisan-andolan"),  # stem: the text has किसानों and किसान
        ("पहुंचे", "राजनीति/kisan-andolan"),  # text: पहुँचे (chandrabindu)
        ("मजदूर", "राजनीति/kisan-andolan"),  # text: मज़दूर (nukta)
        ("ठंड", "राजनीति/kisan-andolan"),  # text: ठण्ड (half nasal)
        ("संबंध", "राजनीति/chunav-natije"),  # text: सम्बन्ध
        ("हिंदी", "राजनीति/chunav-natije"),  # text: हिन्दी
        ("2019", "राजनीति/chunav-natije"),  # text: २०१९
        ("sensex", "व्यापार/sensex-girawat"),  # text: Sensex
        ("रिजर्व बैंक", "brief-1"),  # CSV record
        ("तेल समझौता", "wire-1"),  # JSONL record
    ],
)
def test_spellings_meet(service: SearchService, q: str, expected: str) -> None:
    assert expected in ids(service, q=q)


def test_articles_with_every_word_come_first(service: SearchService) -> None:
    """One article has both words; articles with one of them follow it, and the answer says so."""
    res = service.search(SearchRequest(q="किसान दिल्ली"))
    assert res.hits[0].id == "राजनीति/kisan-andolan"
    assert res.notes == ["some_words"] and res.all_words == 1 and res.total == len(res.hits) > 1
    for hit in res.hits[1:]:
        text = service.article(hit.id)
        assert text is not None
        assert ("किसान" in text.body + text.title) != ("दिल्ली" in text.body + text.title)
    assert res.to_json()["all_words"] == 1


def test_only_every_word_when_enough_articles_have_them(tmp_path: Path, indexes: Indexes) -> None:
    for n in range(FILL_BELOW):
        write(tmp_path / "corpus", f"both{n}.txt", f"बाढ़ राहत {n}\nअसम में बाढ़ के बाद राहत शिविर खुले।\n")
    write(tmp_path / "corpus", "one.txt", "बाढ़ की चेतावनी\nनदियों में बाढ़ का खतरा।\n")
    service = SearchService(indexes.build([tmp_path / "corpus"]))
    res = service.search(SearchRequest(q="बाढ़ राहत"))
    assert res.total == FILL_BELOW and res.notes == [] and res.all_words is None
    assert service.search(SearchRequest(q="बाढ़")).total == FILL_BELOW + 1


def test_some_words_order_holds_across_pages(service: SearchService) -> None:
    """All of the words first, whatever the page size."""
    whole = [h.id for h in service.search(SearchRequest(q="किसान दिल्ली", per_page=50)).hits]
    paged = [
        h.id
        for n in (1, 2, 3)
        for h in service.search(SearchRequest(q="किसान दिल्ली", per_page=2, page=n)).hits
    ]
    assert paged == whole[:6]


def test_any_word_fallback_says_so(service: SearchService) -> None:
    res = service.search(SearchRequest(q="हॉकी चंद्रयान"))
    assert res.notes == ["any_word"]
    assert {h.id for h in res.hits} == {"खेल/hockey-bronze", "विज्ञान-तकनीक/chandrayaan"}
    assert res.to_json()["note"].startswith("No article has all the words")


def test_phrase(service: SearchService) -> None:
    assert ids(service, q='"विराट कोहली"') == ["खेल/cricket-final"]
    assert ids(service, q='"कोहली विराट"') == []


def test_phrase_across_a_stopword(service: SearchService) -> None:
    # The text says "शेयर बाज़ार में भारी": the query phrase without में must still match.
    assert ids(service, q='"बाजार में भारी"') == ["व्यापार/sensex-girawat"]


def test_exclusion(service: SearchService) -> None:
    with_delhi = set(ids(service, q="किसान"))
    assert "राजनीति/kisan-andolan" in with_delhi
    assert "राजनीति/kisan-andolan" not in ids(service, q="किसान -आंदोलन")


def test_exclusions_and_fields_hold_when_some_words_follow(service: SearchService) -> None:
    """Articles with some of the words are added only among those the query allows."""
    res = service.search(SearchRequest(q="किसान दिल्ली -आंदोलन", per_page=50))
    assert res.hits and "राजनीति/kisan-andolan" not in [h.id for h in res.hits]
    for hit in res.hits:
        stored = service.article(hit.id)
        assert stored is not None and "आंदोलन" not in stored.title + stored.body
    in_politics = service.search(SearchRequest(q="किसान दिल्ली category:राजनीति", per_page=50))
    assert in_politics.hits and {h.category for h in in_politics.hits} == {"राजनीति"}


def test_hyphenated_words_are_not_exclusions(service: SearchService) -> None:
    assert ids(service, q="उतार-चढ़ाव") == ["व्यापार/sensex-girawat"]


def test_field_query(service: SearchService) -> None:
    assert set(ids(service, q="category:खेल")) == {"खेल/cricket-final", "खेल/hockey-bronze"}
    assert ids(service, q="title:चंद्रयान") == ["विज्ञान-तकनीक/chandrayaan"]
    assert ids(service, q="tags:मानसून") == ["wire-2"]


def test_prefix(service: SearchService) -> None:
    assert "राजनीति/kisan-andolan" in ids(service, q="आंदोलन*")


def test_title_ranks_above_body(tmp_path: Path, indexes: Indexes) -> None:
    corpus = tmp_path / "c"
    write(corpus, "body.txt", "बजट पर बहस\nसंसद में आज बजट पर लंबी बहस हुई और विपक्ष ने महंगाई का मुद्दा उठाया।\n")
    write(corpus, "title.txt", "महंगाई पर चिंता\nसंसद में आज बजट पर लंबी बहस हुई और विपक्ष ने कई मुद्दे उठाए।\n")
    assert ids(SearchService(indexes.build([corpus])), q="महंगाई") == ["title", "body"]


@pytest.mark.parametrize(
    ("q", "found", "notes"),
    [
        ('"""((', set(), ["plain_words", "nothing_searchable"]),
        ("AND OR NOT", set(), ["plain_words", "nothing_searchable"]),
        ("-", set(), ["nothing_searchable"]),
        (":::", set(), ["nothing_searchable"]),
        ("[2019 TO", {"राजनीति/chunav-natije"}, ["any_word"]),  # the words 2019 (२०१९ in the text), to
        ("*", "all", []),  # every article
        ("((रूस", {"wire-1"}, ["plain_words"]),
        ("रूस)))", {"wire-1"}, ["plain_words"]),
        ('"रूस', {"wire-1"}, ["plain_words"]),
        ("रूस OR", {"wire-1"}, ["plain_words"]),
    ],
)
def test_malformed_queries_still_answer_usefully(
    service: SearchService, q: str, found: set[str] | str, notes: list[str]
) -> None:
    res = service.search(SearchRequest(q=q, per_page=50))
    assert res.notes == notes
    assert {h.id for h in res.hits} == (set(ids(service, q="", per_page=50)) if found == "all" else found)
    assert res.total == len(res.hits)


def test_unbalanced_syntax_falls_back_to_words(service: SearchService) -> None:
    res = service.search(SearchRequest(q="((रूस"))
    assert "wire-1" in [h.id for h in res.hits]


def test_only_stopwords_explains(service: SearchService) -> None:
    res = service.search(SearchRequest(q="का की के"))
    assert res.total == 0 and res.notes == ["nothing_searchable"]


def test_empty_query_browses_newest_first(service: SearchService) -> None:
    res = service.search(SearchRequest(q=""))
    assert res.total == 9
    assert [h.date[:10] for h in res.hits][:3] == ["2025-02-07", "2022-07-01", "2022-05-30"]
    assert res.hits[-1].date == ""  # undated last


def test_sort_oldest_puts_undated_last(service: SearchService) -> None:
    res = service.search(SearchRequest(q="", sort="oldest"))
    assert res.hits[0].date == "2019-05-23" and res.hits[-1].date == ""


def test_sort_newest_with_words(service: SearchService) -> None:
    res = service.search(SearchRequest(q="मुंबई", sort="newest"))
    dates = [h.date for h in res.hits]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 2


def test_facet_counts(service: SearchService) -> None:
    res = service.search(SearchRequest(q=""))
    assert facet(res, "category") == {
        "खेल": 2,
        "राजनीति": 2,
        "व्यापार": 2,
        "विज्ञान-तकनीक": 1,
        "अंतरराष्ट्रीय": 1,
        "मौसम": 1,
    }
    assert facet(res, "source") == {"दैनिक समाचार": 2, "भारत वार्ता": 2, "नवयुग टाइम्स": 2, "प्रभात संवाद": 2}
    assert facet(res, "year") == {"2025": 1, "2022": 2, "2021": 2, "2020": 2, "2019": 1}
    assert [v.value for v in res.facets["year"]] == ["2025", "2022", "2021", "2020", "2019"]
    assert "month" not in res.facets  # only offered once a year is chosen


def test_filters_or_within_and_across(service: SearchService) -> None:
    req = SearchRequest(q="", filters={"category": ["खेल", "व्यापार"], "year": ["2021"]})
    res = service.search(req)
    assert {h.id for h in res.hits} == {"खेल/cricket-final", "खेल/hockey-bronze"}
    # A facet's counts ignore its own selection and respect the others:
    # In 2021 only sport exists; business, selected, is listed all the same (count 0), so that
    # the reader can unselect it there (issue 18: it disappeared).
    assert facet(res, "category") == {"खेल": 2, "व्यापार": 0}
    assert facet(res, "year") == {"2025": 1, "2021": 2, "2020": 1}  # sport or business, any year
    assert [v.value for v in res.facets["category"] if v.selected] == ["खेल", "व्यापार"]
    assert facet(res, "month") == {"2021-08": 1, "2021-04": 1}


def test_tags_facet_counts_each_tag(service: SearchService) -> None:
    res = service.search(SearchRequest(q=""))
    tags = facet(res, "tags")
    assert tags["क्रिकेट"] == 1 and tags["मुंबई"] == 1 and tags["रूस"] == 1 and tags["मानसून"] == 1
    both = service.search(SearchRequest(q="", filters={"tags": ["क्रिकेट", "हॉकी"]}))
    assert {h.id for h in both.hits} == {"खेल/cricket-final", "खेल/hockey-bronze"}
    assert facet(both, "tags")["क्रिकेट"] == 1  # its own selection ignored: every tag still counted
    assert facet(both, "category") == {"खेल": 2}


def test_month_filter(service: SearchService) -> None:
    res = service.search(SearchRequest(q="", filters={"year": ["2021"], "month": ["2021-04"]}))
    assert [h.id for h in res.hits] == ["खेल/cricket-final"]


def test_source_and_author_filters(service: SearchService) -> None:
    assert set(ids(service, q="", filters={"author": ["प्रिया शर्मा"]})) == {
        "खेल/cricket-final",
        "राजनीति/chunav-natije",
    }
    assert ids(service, q="मुंबई", filters={"source": ["नवयुग टाइम्स"]}) == ["brief-1"]


def test_date_range(service: SearchService) -> None:
    got = ids(service, q="", date_from=date(2020, 3, 23), date_to=date(2021, 4, 20), sort="oldest")
    assert got == ["व्यापार/sensex-girawat", "राजनीति/kisan-andolan", "खेल/cricket-final"]
    assert ids(service, q="", date_from=date(2025, 1, 1)) == ["brief-1"]
    # A time and zone on the record: the local date counts.
    assert ids(service, q="", date_from=date(2022, 7, 1), date_to=date(2022, 7, 1)) == ["wire-1"]


def test_paging(service: SearchService) -> None:
    p1 = service.search(SearchRequest(q="", per_page=4, page=1))
    p3 = service.search(SearchRequest(q="", per_page=4, page=3))
    assert p1.total == p3.total == 9 and p1.pages == 3
    assert len(p1.hits) == 4 and len(p3.hits) == 1
    all_ids = [h.id for p in (1, 2, 3) for h in service.search(SearchRequest(q="", per_page=4, page=p)).hits]
    assert len(set(all_ids)) == 9


def test_page_past_the_end(service: SearchService) -> None:
    res = service.search(SearchRequest(q="", page=50))
    assert res.hits == [] and res.total == 9 and res.notes == ["page_out_of_range"]


def test_hits_carry_metadata_and_highlights(service: SearchService) -> None:
    res = service.search(SearchRequest(q="कोहली"))
    h = res.hits[0]
    assert (h.category, h.source, h.author, h.date) == ("खेल", "दैनिक समाचार", "प्रिया शर्मा", "2021-04-20")
    assert "<mark>कोहली</mark>" in h.snippet and h.score and h.score > 0
    assert h.url == "https://example.com/khel/cricket-final"


def test_title_highlight(service: SearchService) -> None:
    h = service.search(SearchRequest(q="क्रिकेट")).hits[0]
    assert h.title_html == "मुंबई ने रोमांचक मुकाबले में जीता <mark>क्रिकेट</mark> फ़ाइनल"


def test_stemmed_match_highlights_the_surface_word(service: SearchService) -> None:
    h = service.search(SearchRequest(q="किसान")).hits[0]
    assert "<mark>किसानों</mark>" in h.snippet


def test_excluded_words_are_not_highlighted(service: SearchService) -> None:
    h = service.search(SearchRequest(q="किसान -चुनाव")).hits[0]
    assert "<mark>किसान" in h.snippet and "<mark>चुनाव" not in h.snippet


def test_byline_is_never_searched_or_shown(service: SearchService) -> None:
    assert ids(service, q="photographer") == []
    h = service.search(SearchRequest(q="Sensex")).hits[0]
    assert "Coffee" not in h.snippet


def test_article_lookup(service: SearchService) -> None:
    a = service.article("व्यापार/sensex-girawat")
    assert a and a.byline.startswith("Coffee lover") and a.tags == []
    assert service.article("../../etc/passwd") is None


def test_json_shape(service: SearchService) -> None:
    data = service.search(SearchRequest(q="रूस")).to_json()
    assert {"query", "total", "page", "took_ms", "hits", "facets", "note"} <= set(data)
    assert set(data["facets"]) == {"category", "source", "author", "year", "tags"}
    hit = data["hits"][0]
    assert {"id", "title", "date", "category", "source", "author", "url", "score", "snippet"} <= set(hit)
    assert data["facets"]["category"][0] == {"value": "अंतरराष्ट्रीय", "count": 1, "selected": False}


@pytest.mark.parametrize(
    "kw",
    [{"sort": "best"}, {"page": 0}, {"per_page": 1000}, {"filters": {"colour": ["red"]}}],
)
def test_bad_requests_are_rejected_with_a_message(kw: dict) -> None:
    with pytest.raises(ValueError) as e:
        SearchRequest(**kw)
    assert "use one of" in str(e.value) or "must be" in str(e.value)


def test_a_question_mark_is_not_a_wildcard(service: SearchService) -> None:
    """Readers end questions with "?": the word before it must still match itself. (Whoosh took
    "कोहली?" as a one-letter wildcard, which matched every word but कोहली.)"""
    assert ids(service, q="विराट कोहली?") == ["खेल/cricket-final"]
    assert ids(service, q="कोहली ?") == ["खेल/cricket-final"]
    assert ids(service, q="को*ली") == ["खेल/cricket-final"]  # the star still is one


def test_a_date_in_the_far_future_does_not_move_the_quick_ranges(tmp_path: Path, indexes: Indexes) -> None:
    """One record dated 9999-12-31 (a placeholder) made every quick range count back from it."""
    write(tmp_path / "c", "r.jsonl", '{"id": "a", "title": "रूस", "body": "रूस", "date": "2021-05-01"}\n'
          '{"id": "b", "title": "भारत", "body": "भारत", "date": "9999-12-31"}\n')  # fmt: skip
    config = indexes.config()
    report = reindex([tmp_path / "c"], config)
    assert [str(p) for p in report.problems] == [
        "r.jsonl:2: date '9999-12-31' is in the future; indexed as given "
        "(quick date ranges do not count from it) (indexed anyway)"
    ]
    svc = SearchService(config)
    assert svc.newest_date() == date(2021, 5, 1)
    assert ids(svc, q="", date_from=date(9999, 1, 1)) == ["b"]  # still found by an explicit range
    # And drawn: the timeline's last period ends on the calendar's last day (this was a 500).
    res = svc.search(SearchRequest(q="", timeline=True, words=True))
    assert res.timeline is not None and res.timeline.interval == "millennium"
    assert res.timeline.series[0].buckets[-1].end == date(9999, 12, 31)
    assert [b.count for b in res.timeline.series[0].buckets if b.count] == [1, 1]
    # Kept per generation: a reindex that brings a newer article moves it.
    write(tmp_path / "c", "s.jsonl", '{"id": "c", "title": "चीन", "body": "चीन", "date": "2022-02-03"}\n')
    reindex([tmp_path / "c"], config)
    assert svc.newest_date() == date(2022, 2, 3)


def test_from_after_to_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be after"):
        SearchRequest(date_from=date(2024, 1, 1), date_to=date(2023, 1, 1))


def test_similar_articles_and_article_lookup(service: SearchService) -> None:
    similar = service.similar("राजनीति/kisan-andolan")
    assert similar and all(h.id and h.title for h in similar)
    assert "राजनीति/kisan-andolan" not in {h.id for h in similar}
    a = service.article("खेल/cricket-final")
    assert a is not None and a.tags == ["क्रिकेट", "मुंबई"] and a.date == "2021-04-20"
    assert a.body.startswith("मुंबई") and a.url == "https://example.com/khel/cricket-final"
    assert service.article("खेल/no-such") is None


def test_autocomplete_from_the_headlines(service: SearchService) -> None:
    found = service.suggest("क्रिके")
    assert any(s.kind == "query" and "क्रिकेट" in s.text for s in found)
    assert any(s.kind == "title" and s.id == "खेल/cricket-final" for s in found)

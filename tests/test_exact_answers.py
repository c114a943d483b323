"""Boolean queries and "some of the words", judged by the articles they return, on both engines
(the generated queries against an independent oracle are in test_oracle.py)."""

from __future__ import annotations

import json

import pytest

from indexer.search import SearchRequest, SearchService
from tests.conftest import Indexes

# -- boolean queries, judged by the articles they return ------------------------------------------

BOOLEAN_CORPUS = {
    "r": ("रूस की खबर", "रूस ने बयान दिया।"),
    "u": ("यूक्रेन की खबर", "यूक्रेन में हलचल।"),
    "ru": ("रूस यूक्रेन वार्ता", "दोनों देशों के बीच बातचीत।"),
    "rub": ("रूस यूक्रेन और भारत", "भारत ने दोनों से शांति की अपील की।"),
    "b": ("भारत की खबर", "भारत में बारिश।"),
    "k": ("किसान आंदोलन", "दिल्ली सीमा पर किसान डटे रहे, वार्ता बेनतीजा।"),
}


@pytest.fixture(scope="module")
def boolean_service(tmp_path_factory: pytest.TempPathFactory, indexes: Indexes) -> SearchService:
    root = tmp_path_factory.mktemp("boolean")
    with (root / "b.jsonl").open("w", encoding="utf-8") as fh:
        for i, (title, body) in BOOLEAN_CORPUS.items():
            fh.write(json.dumps({"id": i, "title": title, "body": body, "category": "c" + i[0]}) + "\n")
    return SearchService(indexes.build([root / "b.jsonl"], "boolean"))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("रूस OR यूक्रेन", {"r", "u", "ru", "rub"}),
        ("रूस यूक्रेन", {"ru", "rub"}),
        ("रूस AND यूक्रेन", {"ru", "rub"}),
        ("रूस यूक्रेन -भारत", {"ru"}),  # Whoosh's AndNot returned "rub" here
        ("रूस यूक्रेन NOT भारत", {"ru"}),
        ("(रूस OR यूक्रेन) -भारत", {"r", "u", "ru"}),
        ("(रूस OR भारत) -(यूक्रेन OR बारिश)", {"r"}),
        ("रूस OR (भारत बारिश)", {"r", "ru", "rub", "b"}),
        ("-रूस", {"u", "b", "k"}),  # only exclusions: every article except
        ("NOT रूस", {"u", "b", "k"}),
        ("-रूस -यूक्रेन", {"b", "k"}),
        ("NOT (रूस OR यूक्रेन OR भारत)", {"k"}),
        ("रूस OR NOT भारत", {"r", "u", "ru", "rub", "k"}),
        ('"रूस यूक्रेन" -"यूक्रेन और भारत"', {"ru"}),
        ("category:cr OR category:cu", {"r", "ru", "rub", "u"}),
        ("category:cr -भारत", {"r", "ru"}),
        ("title:वार्ता", {"ru"}),  # वार्ता is also in k's body
        ("वार्ता", {"ru", "k"}),
        ("वार्ता-भारत", set()),  # no article has both (words joined by a hyphen are two words)
    ],
)
def test_boolean_queries_return_the_right_articles(
    boolean_service: SearchService, q: str, expected: set
) -> None:
    """The articles with every required part; with fewer than 10 of them, articles with some of
    the words follow (so the strict answer is the first ``all_words`` hits)."""
    res = boolean_service.search(SearchRequest(q=q, per_page=50))
    got = [h.id for h in res.hits]
    strict = got if res.all_words is None and "any_word" not in res.notes else got[: res.all_words or 0]
    assert set(strict) == expected
    assert res.total == len(got) == len(set(got))


@pytest.mark.parametrize(
    ("q", "relaxed"),
    [
        ("रूस यूक्रेन -भारत", {"ru", "r", "u"}),  # the exclusion holds for the added articles too
        ("रूस यूक्रेन category:cr", {"ru", "rub", "r"}),  # and so does a facet value
        ("वार्ता-भारत", {"ru", "rub", "k", "b"}),
        ("वार्ता,भारत", {"ru", "rub", "k", "b"}),
        ("(रूस यूक्रेन) भारत", {"rub", "ru", "b"}),  # a bracketed group counts as one word
    ],
)
def test_some_of_the_words_keep_what_is_required(
    boolean_service: SearchService, q: str, relaxed: set
) -> None:
    res = boolean_service.search(SearchRequest(q=q, per_page=50))
    assert {h.id for h in res.hits} == relaxed and res.total == len(relaxed)

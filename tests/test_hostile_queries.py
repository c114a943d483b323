"""Hostile and broken queries (property-based): the service never raises, the web app never 500s."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search import SearchRequest, SearchService
from webapp import create_app

SYNTAX = [*list('"()[]{}:*?~^+-!\\/'), "AND", "OR", "NOT", "TO", "title:", "category:", "nofield:", " "]
WORDS = ["रूस", "किसान", "kisan", "पहुँचे", "क्ष", "ि", "्", "\u200d", "२०२१", "COVID-19", "<script>"]
queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=25).map("".join),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=12).map(" ".join),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Mn", "Mc", "Zs", "Po"]), max_size=40),
)
RELAXED = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def app_client(corpus_index: Path):  # type: ignore[no-untyped-def]
    return create_app(corpus_index).test_client()


@RELAXED
@given(
    q=queries,
    page=st.integers(min_value=1, max_value=5),
    sort=st.sampled_from(["relevance", "newest", "oldest"]),
)
def test_the_service_always_answers(service: SearchService, q: str, page: int, sort: str) -> None:
    result = service.search(SearchRequest(q=q, page=page, sort=sort))
    # The page holds exactly what the total leaves for it, each article once.
    assert len(result.hits) == max(0, min(10, result.total - (page - 1) * 10)), (q, page)
    assert len({h.id for h in result.hits}) == len(result.hits)
    assert result.total <= 9  # the fixture corpus holds 9 articles
    if "nothing_searchable" in result.notes:
        assert result.total == 0 and not result.hits
    for h in result.hits:  # snippets stay escaped whatever the query
        assert "<script>" not in h.snippet and "<script>" not in h.title_html


@RELAXED
@given(q=queries)
def test_the_web_app_never_fails(app_client, q: str) -> None:  # type: ignore[no-untyped-def]
    """Any text of a valid length is a valid query: always 200, whatever it holds."""
    for url in (f"/?q={quote(q)}", f"/api/search?q={quote(q)}", f"/api/suggest?q={quote(q[:90])}"):
        r = app_client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.data[:300])
        assert b"Traceback" not in r.data
    data = app_client.get(f"/api/search?q={quote(q)}&per_page=100").get_json()
    assert data["total"] == len(data["hits"]) <= 9


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        # Bytes that are not UTF-8 are read as U+FFFD: a query like any other.
        *[(raw, 200) for raw in ("%ED%A0%80", "%F0%9F", "%FF%FE", "%00", "a%0Ab", "%E0%A4")],
        ("%22" * 300, 200),  # 300 quotes
        ("((((((((((" * 20, 200),  # 200 brackets
        ("q" * 500, 200),  # the longest query taken
        ("q" * 501, 400),  # one character more
    ],
)
def test_broken_encodings_and_long_input(app_client, raw: str, status: int) -> None:  # type: ignore[no-untyped-def]
    for url in (f"/?q={raw}", f"/api/search?q={raw}"):
        r = app_client.get(url)
        assert r.status_code == status, (url, r.status_code)
    if status == 400:
        message = app_client.get(f"/api/search?q={raw}").get_json()["error"]["message"]
        assert "longer than 500 characters" in message


def test_many_terms_and_very_long_words(service: SearchService) -> None:
    assert service.search(SearchRequest(q=" ".join(["रूस"] * 200))).total >= 1
    assert service.search(SearchRequest(q="क" * 5000)).total == 0
    many = service.search(SearchRequest(q=" ".join(f"शब्द{n}" for n in range(300))))
    assert many.total == 0 and many.notes == ["too_many_words"]
    # 100 words are searched, each with its spelling alternatives: within a cluster's 1,024 clauses.
    long = service.search(SearchRequest(q=" ".join(["रूस"] + [f"शब्द{n}" for n in range(98)] + ["कोहली"])))
    assert long.notes == ["any_word"] and long.total >= 2

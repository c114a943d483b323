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
    assert result.total >= 0 and len(result.hits) <= 10
    for h in result.hits:  # snippets stay escaped whatever the query
        assert "<script>" not in h.snippet and "<script>" not in h.title_html


@RELAXED
@given(q=queries)
def test_the_web_app_never_fails(app_client, q: str) -> None:  # type: ignore[no-untyped-def]
    for url in (f"/?q={quote(q)}", f"/api/search?q={quote(q)}", f"/api/suggest?q={quote(q[:90])}"):
        r = app_client.get(url)
        assert r.status_code in (200, 400), (url, r.status_code)
        assert b"Traceback" not in r.data


@pytest.mark.parametrize(
    "raw",
    ["%ED%A0%80", "%F0%9F", "%FF%FE", "%00", "a%0Ab", "%E0%A4", "q" * 600, "%22" * 300, "((((((((((" * 20],
)
def test_broken_encodings_and_long_input(app_client, raw: str) -> None:  # type: ignore[no-untyped-def]
    for url in (f"/?q={raw}", f"/api/search?q={raw}"):
        assert app_client.get(url).status_code in (200, 400)


def test_many_terms_and_very_long_words(service: SearchService) -> None:
    assert service.search(SearchRequest(q=" ".join(["रूस"] * 200))).total >= 1
    assert service.search(SearchRequest(q="क" * 5000)).total == 0
    assert service.search(SearchRequest(q=" ".join(f"शब्द{n}" for n in range(300)))).total == 0

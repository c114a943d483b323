"""Hostile and broken queries (property-based), over the clean fixture corpus and a dirty one:
the service never raises and stays consistent, and everything the web app writes (HTML, JSON,
XML, CSV) is valid for any query and any article."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.build import reindex
from indexer.search import SearchRequest, SearchService
from tests.test_oracle import _records
from webapp import create_app

SYNTAX = [*list('"()[]{}:*?~^+-!\\/'), "AND", "OR", "NOT", "TO", "title:", "category:", "nofield:", " "]
WORDS = ["रूस", "किसान", "kisan", "पहुँचे", "क्ष", "ि", "्", "\u200d", "२०२१", "COVID-19", "<script>"]
FIELDS = ["category:", "source:", "author:", "tags:", "title:", "body:", "year:", "month:", ""]
queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=25).map("".join),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=12).map(" ".join),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Mn", "Mc", "Zs", "Po"]), max_size=40),
    # Patterns of many stars, in every field: a backtracking matcher took minutes on these.
    st.tuples(st.sampled_from(FIELDS), st.text(alphabet="अकx*ा", min_size=1, max_size=60)).map("".join),
    st.lists(
        st.tuples(st.sampled_from(FIELDS), st.text(alphabet="अक*", min_size=1, max_size=20)).map("".join),
        max_size=25,
    ).map(" ".join),
)
RELAXED = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@pytest.fixture(scope="module", params=["clean", "dirty"])
def app_client(request: pytest.FixtureRequest, corpus_index: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The fixture corpus; or the oracle's dirty one (surrogates, control characters, dates at
    the calendar's edges, duplicate ids, empty fields)."""
    if request.param == "clean":
        return create_app(corpus_index).test_client()
    root = tmp_path_factory.mktemp("dirty-web")
    with (root / "dirty.jsonl").open("w", encoding="utf-8") as fh:
        for rec in _records(random.Random(7)):
            fh.write(json.dumps(rec) + "\n")
    reindex([root], root / "ix")
    return create_app(root / "ix").test_client()


def valid(r, kind: str) -> str:  # type: ignore[no-untyped-def]
    """The response's text, checked to be what its kind must be, whatever it holds."""
    text = r.data.decode("utf-8")  # strictly: no lone surrogate could have been written
    assert not _CONTROL.search(text), (kind, _CONTROL.search(text))
    if kind == "json":
        json.loads(text)
    elif kind == "xml":
        ET.fromstring(r.data)
    elif kind == "csv":
        list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    return text


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
    """Any text of a valid length is a valid query: always 200 and valid output, whatever it
    and the articles hold."""
    for url, kind in (
        (f"/?q={quote(q)}", "html"),
        (f"/api/search?q={quote(q)}", "json"),
        (f"/api/suggest?q={quote(q[:90])}", "json"),
        (f"/feed?q={quote(q)}", "xml"),
        (f"/export?q={quote(q)}&format=csv", "csv"),
    ):
        r = app_client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.data[:300])
        assert b"Traceback" not in r.data
        valid(r, kind)
    data = app_client.get(f"/api/search?q={quote(q)}&per_page=100").get_json()
    assert data["total"] == len(data["hits"]) <= 110
    for h in data["hits"]:
        page = app_client.get(f"/article/{quote(h['id'])}?q={quote(q)}")
        assert page.status_code == 200 and valid(page, "html")


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

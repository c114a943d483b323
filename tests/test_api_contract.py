"""The JSON API against its own OpenAPI description, and the links it hands out."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from indexer.engines.config import EngineConfig
from webapp import create_app


@pytest.fixture(scope="module")
def client(corpus_config: EngineConfig) -> FlaskClient:
    """The app over each engine: the API answers alike over both."""
    return create_app(corpus_config).test_client()


@pytest.fixture(scope="module")
def spec(client: FlaskClient) -> dict:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    return r.get_json()


def check(spec: dict, schema_name: str, data: object) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_spec_is_openapi_and_names_every_route(spec: dict) -> None:
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/api/search",
        "/api/article/{id}",
        "/api/suggest",
        "/healthz",
        "/api/openapi.json",
        "/export",
        "/feed",
    }
    Draft202012Validator.check_schema({"components": spec["components"]})


@pytest.mark.parametrize(
    "query",
    [
        "q=रूस",
        "q=",
        "q=kisan",
        "q=आदोलन",
        "q=का की",
        "q=मुंबई&category=खेल&category=व्यापार&sort=newest&per_page=2&page=2",
        "year=2021&month=2021-04&tags=क्रिकेट",
        "from=2020-01-01&to=2021-12-31&sort=oldest",
        "q=xyzzy",
        "q=रूस&compare=मुंबई&compare=kisan&share=1",
        "q=मुंबई&from=2021-04-01&to=2021-04-30",
    ],
)
def test_search_responses_match_the_spec(client: FlaskClient, spec: dict, query: str) -> None:
    r = client.get("/api/search?" + query)
    assert r.status_code == 200
    check(spec, "SearchResponse", r.get_json())


def test_other_responses_match_the_spec(client: FlaskClient, spec: dict) -> None:
    check(spec, "Article", client.get("/api/article/खेल/cricket-final").get_json())
    check(spec, "Suggestions", client.get("/api/suggest?q=कि").get_json())
    check(spec, "Health", client.get("/healthz").get_json())
    for url in ["/api/article/nope", "/api/search?page=x", "/api/suggest?q=" + "क" * 200]:
        r = client.get(url)
        assert r.status_code in (400, 404)
        check(spec, "Error", r.get_json())


def params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def test_json_toggle_urls_lead_to_the_toggled_state(client: FlaskClient) -> None:
    data = client.get("/api/search?q=मुंबई&category=खेल").get_json()
    values = {v["value"]: v for v in data["facets"]["category"]}
    assert (
        values["खेल"]["selected"]
        and values["खेल"]["toggle_url"] == "/api/search?q=%E0%A4%AE%E0%A5%81%E0%A4%82%E0%A4%AC%E0%A4%88"
    )
    both = client.get(values["व्यापार"]["toggle_url"]).get_json()
    assert both["filters"] == {"category": ["खेल", "व्यापार"]} and both["total"] == 3
    assert [s["value"] for s in both["selected"]] == ["खेल", "व्यापार"]
    cleared = client.get(both["clear_url"]).get_json()
    assert cleared["filters"] == {} and cleared["query"] == "मुंबई"


def test_counts_are_exact_and_ignore_their_own_selection(client: FlaskClient) -> None:
    one = client.get("/api/search?category=खेल").get_json()
    none = client.get("/api/search").get_json()
    counts = {v["value"]: v["count"] for v in none["facets"]["category"]}
    # Selecting a category leaves the category counts as they were: the reader sees what each adds.
    assert {v["value"]: v["count"] for v in one["facets"]["category"]} == counts
    assert one["total"] == counts["खेल"]
    # ...while other facets count only within the selection.
    assert sum(v["count"] for v in one["facets"]["year"]) == one["total"]


def test_quick_ranges_count_back_from_the_newest_article(client: FlaskClient) -> None:
    data = client.get("/api/search").get_json()
    assert data["newest_date"] == "2025-02-07"
    ranges = {r["key"]: r for r in data["quick_ranges"]}
    assert (ranges["last30"]["from"], ranges["last30"]["to"]) == ("2025-01-09", "2025-02-07")
    assert (ranges["last365"]["from"], ranges["last365"]["to"]) == ("2024-02-09", "2025-02-07")
    got = client.get(ranges["last365"]["url"]).get_json()
    assert [h["id"] for h in got["hits"]] == ["brief-1"]
    assert next(r for r in got["quick_ranges"] if r["key"] == "last365")["selected"]


def test_page_links(client: FlaskClient) -> None:
    data = client.get("/api/search?per_page=2&page=3").get_json()
    assert dict(params(data["page_urls"]["prev"]))["page"] == "2"
    assert dict(params(data["page_urls"]["next"]))["page"] == "4"
    pages = data["page_urls"]["pages"]
    assert [p["page"] if p else None for p in pages] == [1, 2, 3, 4, 5]
    assert next(p for p in pages if p and p["current"])["page"] == 3


def test_suggest(client: FlaskClient) -> None:
    data = client.get("/api/suggest?q=हॉ").get_json()
    assert data["suggestions"][0] == {"text": "हॉकी", "kind": "query", "id": None}
    assert {
        "text": "हॉकी टीम ने 41 साल बाद जीता ओलंपिक पदक",
        "kind": "title",
        "id": "खेल/hockey-bronze",
    } in data["suggestions"]
    latin = client.get("/api/suggest?q=hok").get_json()["suggestions"]
    assert latin and latin[0]["text"] == "हॉकी"
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []


def test_article_json_has_similar_articles(client: FlaskClient) -> None:
    data = client.get("/api/article/राजनीति/kisan-andolan").get_json()
    assert 1 <= len(data["similar"]) <= 5
    assert "राजनीति/kisan-andolan" not in {s["id"] for s in data["similar"]}

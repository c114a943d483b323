"""The web app through Flask's test client, plus one real `khabar serve` over HTTP."""

from __future__ import annotations

import json
import re
import urllib.request
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from flask.testing import FlaskClient

from indexer.benchmark.measure import serving
from indexer.build import reindex
from tests.conftest import write
from webapp import create_app


@pytest.fixture(scope="module")
def client(corpus_index: Path) -> FlaskClient:
    app = create_app(corpus_index)
    return app.test_client()


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, r.data[:500]
    return r.get_data(as_text=True)


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


def params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def test_home_lists_newest_articles_and_facets(client: FlaskClient) -> None:
    html = page(client, "/")
    assert "<strong>9</strong> लेख" in html
    assert "श्रेणी" in html and "स्रोत" in html and "लेखक" in html and "वर्ष" in html
    assert html.index("रिज़र्व बैंक") < html.index("मानसून केरल")  # newest first


def test_search_page_shows_results_with_highlights(client: FlaskClient) -> None:
    html = page(client, "/?q=कोहली")
    assert "<strong>1</strong> परिणाम" in html and " ms में)" in html
    assert "<mark>कोहली</mark>" in html
    assert "20 अप्रैल 2021" in html and "2021-04-20" in html and "दैनिक समाचार" in html
    assert 'href="/article/%E0%A4%96%E0%A5%87%E0%A4%B2/cricket-final?q=' in html


def test_facet_links_toggle_filters(client: FlaskClient) -> None:
    html = page(client, "/?q=मुंबई")
    toggle = next(u for u in links(html) if ("category", "खेल") in params(u))
    assert params(toggle) == [("q", "मुंबई"), ("category", "खेल")]
    html2 = page(client, toggle)
    assert 'aria-current="true" class="on"' in html2
    # The selected value's link removes it again; another value's link adds it (OR).
    back = [u for u in links(html2) if params(u) == [("q", "मुंबई")]]
    assert back, "a link back to the unfiltered state"
    both = [
        u for u in links(html2) if ("category", "व्यापार") in params(u) and ("category", "खेल") in params(u)
    ]
    assert both
    assert "<strong>3</strong> परिणाम" in page(client, both[0])


def test_selected_filters_are_listed_with_clear_all(client: FlaskClient) -> None:
    html = page(client, "/?q=&category=खेल&year=2021&from=2021-01-01")
    assert "श्रेणी: खेल" in html and "वर्ष: 2021" in html and "सभी हटाएँ" in html
    clear = re.search(r'href="([^"]*)" rel="nofollow">सभी हटाएँ', html)
    assert clear and clear.group(1) == "/"  # nothing left but an empty query


def test_year_then_month(client: FlaskClient) -> None:
    html = page(client, "/?year=2021")
    assert "महीना" in html and "अगस्त 2021" in html
    month = next(u for u in links(html) if ("month", "2021-08") in params(u))
    assert "हॉकी" in page(client, month)
    # Removing the year removes its months too.
    html = page(client, "/?year=2021&month=2021-08")
    chip = re.search(r'href="([^"]*)" rel="nofollow" title="हटाएँ">वर्ष: 2021', html)
    assert chip and chip.group(1) == "/"


def test_sort_and_pagination(client: FlaskClient) -> None:
    html = page(client, "/?per_page=4&sort=oldest")
    assert "पृष्ठ 1 / 3" in html and 'rel="next"' in html
    nxt = next(u for u in links(html) if ("page", "2") in params(u))
    assert ("sort", "oldest") in params(nxt)
    html2 = page(client, nxt)
    assert "पृष्ठ 2 / 3" in html2 and 'rel="prev"' in html2


def test_empty_result_explains(client: FlaskClient) -> None:
    html = page(client, "/?q=अनुपस्थितशब्द&category=खेल")
    assert "कोई लेख नहीं मिला" in html and "फ़िल्टर हटाकर खोजें" in html


def test_any_word_note_in_hindi(client: FlaskClient) -> None:
    assert "किसी भी शब्द वाले लेख" in page(client, "/?q=हॉकी चंद्रयान")


def test_article_page(client: FlaskClient) -> None:
    html = page(client, "/article/व्यापार/sensex-girawat?q=sensex")
    assert "<mark>Sensex</mark>" in html
    assert "लेखक परिचय" in html and "Coffee lover" in html
    assert "javascript:" not in html  # the article's url is not http(s): not rendered as a link


def test_article_link_for_http_urls(client: FlaskClient) -> None:
    html = page(client, "/article/खेल/cricket-final")
    assert 'href="https://example.com/khel/cricket-final"' in html


def test_unknown_article_is_a_404_page(client: FlaskClient) -> None:
    html = page(client, "/article/nope", 404)
    assert "पृष्ठ नहीं मिला" in html and "Traceback" not in html
    page(client, "/article/../../etc/passwd", 404)


def test_api_search(client: FlaskClient) -> None:
    r = client.get("/api/search?q=मुंबई&category=खेल&category=व्यापार&sort=newest")
    data = r.get_json()
    assert r.status_code == 200 and r.content_type == "application/json"
    assert data["total"] == 3 and data["filters"] == {"category": ["खेल", "व्यापार"]}
    assert [h["id"] for h in data["hits"]] == ["brief-1", "खेल/cricket-final", "व्यापार/sensex-girawat"]
    assert "मुंबई" in r.get_data(as_text=True)  # UTF-8, not \\u escapes


def test_api_article_and_healthz(client: FlaskClient) -> None:
    data = client.get("/api/article/खेल/cricket-final").get_json()
    assert data["title"].startswith("मुंबई") and data["tags"] == ["क्रिकेट", "मुंबई"]
    health = client.get("/healthz").get_json()
    assert {k: health[k] for k in ("status", "documents", "generation")} == {
        "status": "ok",
        "documents": 9,
        "generation": "g000001",
    }
    assert isinstance(health["ready"], bool)
    err = client.get("/api/article/nope")
    assert err.status_code == 404 and err.get_json()["error"]["status"] == 404


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=99999999",
        "sort=best",
        "from=kal",
        "to=2021-02-30",
        "from=2022-01-01&to=2021-01-01",
        "per_page=0",
        "category=खेल&colour=red&q=" + "क" * 600,
    ],
)
def test_bad_parameters_are_400(client: FlaskClient, query: str) -> None:
    html = client.get("/?" + query)
    api = client.get("/api/search?" + query)
    assert html.status_code == 400 and "अनुरोध ठीक नहीं है" in html.get_data(as_text=True)
    assert api.status_code == 400 and api.get_json()["error"]["message"]


def test_unknown_parameters_are_ignored(client: FlaskClient) -> None:
    def answer(url: str) -> dict:
        r = client.get(url)
        assert r.status_code == 200
        data = r.get_json()
        facets = {
            k: [(v["value"], v["count"], v["selected"]) for v in vs] for k, vs in data["facets"].items()
        }
        return {"facets": facets, **{k: data[k] for k in ("total", "hits", "notes", "query")}}

    assert answer("/api/search?q=रूस&colour=red") == answer("/api/search?q=रूस")
    assert [h["id"] for h in answer("/api/search?q=रूस&colour=red")["hits"]] == ["wire-1"]


@pytest.mark.parametrize(
    ("q", "total", "notes"),
    [
        ('"""((', 0, ["plain_words", "nothing_searchable"]),
        ("AND", 0, ["plain_words", "nothing_searchable"]),
        ("-", 0, ["nothing_searchable"]),
        ("*", 9, []),  # a pattern of anything: every article
        ("रूस ((", 1, ["plain_words"]),  # read as far as it goes: the word is searched
    ],
)
def test_malformed_query_is_not_an_error(client: FlaskClient, q: str, total: int, notes: list[str]) -> None:
    data = client.get("/api/search?q=" + quote(q)).get_json()
    assert (data["total"], data["notes"]) == (total, notes)
    html = page(client, "/?q=" + quote(q))
    assert f"<strong>{total}</strong>" in html


def test_unknown_route_and_method(client: FlaskClient) -> None:
    assert client.get("/nope").status_code == 404
    assert client.get("/api/nope").get_json()["error"]["status"] == 404
    assert client.post("/api/search").status_code == 405


def test_security_headers(client: FlaskClient) -> None:
    r = client.get("/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_page_loads_nothing_from_outside(client: FlaskClient) -> None:
    html = page(client, "/?q=रूस")
    assert not re.search(r'(src|href)="(https?:)?//', html.replace('href="https://example.com', ""))


def test_queries_and_facet_values_are_escaped(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    write(
        corpus,
        "x.jsonl",
        json.dumps(
            {
                "id": "evil",
                "title": "रूस " + evil,
                "body": "रूस " + evil,
                "category": evil,
                "source": evil,
                "author": evil,
                "url": "javascript:alert(3)",
            }
        )
        + "\n",
    )
    reindex([corpus], tmp_path / "ix")
    client = create_app(tmp_path / "ix").test_client()
    for url in ["/?q=रूस", "/?q=" + evil, "/article/evil", "/?category=" + evil]:
        html = page(client, url)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert 'href="javascript:' not in html


def test_missing_index_is_a_503_not_a_traceback(tmp_path: Path) -> None:
    client = create_app(tmp_path / "none").test_client()
    r = client.get("/?q=रूस")
    assert r.status_code == 503 and "khabar reindex" in r.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503


def test_khabar_serve_answers_over_http(corpus_index: Path) -> None:
    with serving(corpus_index) as base:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
            assert json.load(r)["documents"] == 9
        q = urllib.parse.quote("कोहली")
        with urllib.request.urlopen(f"{base}/?q={q}", timeout=5) as r:
            assert "<mark>कोहली</mark>" in r.read().decode()


def test_the_longest_devanagari_query_reaches_the_app_under_gunicorn(corpus_index: Path) -> None:
    """500 Devanagari letters are 4,500 bytes percent-encoded: past Gunicorn's default request
    line, which answered 414 before the app could."""
    with serving(corpus_index, "--workers", "2") as base:
        q = urllib.parse.quote("कि" * 250)
        sport = urllib.parse.quote("खेल")
        with urllib.request.urlopen(f"{base}/api/search?q={q}&category={sport}", timeout=20) as r:
            assert r.status == 200 and json.load(r)["total"] == 0
        try:
            urllib.request.urlopen(f"{base}/api/search?q={q}%E0%A4%95", timeout=20)
            raise AssertionError("a 501-character query must be refused")
        except urllib.error.HTTPError as e:
            assert e.code == 400 and "longer than 500" in json.load(e)["error"]["message"]


def test_romanised_query_shows_its_devanagari_spellings(client: FlaskClient) -> None:
    html = page(client, "/?q=kisan")
    assert '<span lang="en">kisan</span> →' in html and "किसान" in html
    assert "<mark>किसानों</mark>" in html or "<mark>किसान</mark>" in html
    assert client.get("/api/search?q=kisan").get_json()["transliterations"]["kisan"]


def test_did_you_mean_link(client: FlaskClient) -> None:
    html = page(client, "/?q=आदोलन&category=राजनीति")
    link = re.search(r'क्या आपका मतलब था: <a href="([^"]*)">आंदोलन</a>', html)
    assert link and params(unescape(link.group(1))) == [("category", "राजनीति"), ("q", "आंदोलन")]
    assert client.get("/api/search?q=आदोलन").get_json()["suggestion"] == "आंदोलन"


def test_english_switch_is_remembered(client: FlaskClient) -> None:
    html = page(client, "/?q=कोहली")
    switch = re.search(r'<a class="lang" href="([^"]*)"', html)
    assert switch and ("lang", "en") in params(unescape(switch.group(1)))
    r = client.get(unescape(switch.group(1)))
    english = r.get_data(as_text=True)
    assert '<html lang="en">' in english and "Category" in english and "results" in english
    assert "20 April 2021" in english and "lang=en" in r.headers["Set-Cookie"]
    # The cookie keeps English on the next page; ?lang=hi goes back.
    assert '<html lang="en">' in page(client, "/article/खेल/cricket-final")
    assert '<html lang="hi">' in page(client, "/?lang=hi")
    assert '<html lang="hi">' in page(client, "/")


def test_quick_ranges_and_similar_articles_on_pages(client: FlaskClient) -> None:
    html = page(client, "/")
    assert "पिछले 30 दिन" in html and "7 फ़रवरी 2025" in html
    article = page(client, "/article/राजनीति/kisan-andolan")
    assert "मिलते-जुलते लेख" in article and article.count('<li><a href="/article/') >= 1


def test_long_facets_fold_the_rest_under_more(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    for n in range(12):
        write(
            corpus,
            f"a{n}.jsonl",
            json.dumps({"title": "ख़बर", "body": "पाठ", "author": f"लेखक {n:02d}"}) + "\n",
        )
    reindex([corpus], tmp_path / "ix")
    html = page(create_app(tmp_path / "ix").test_client(), "/")
    assert "<summary>4 और</summary>" in html  # 8 shown, 4 behind "more" (a <details>: no JavaScript needed)


def test_articles_with_some_words_are_set_apart(client: FlaskClient) -> None:
    html = page(client, "/?q=किसान दिल्ली")
    assert "सभी शब्दों वाले लेख कम हैं" in html
    before, sep, after = html.partition('<li class="partial" role="separator">')
    assert sep and before.count('<li class="hit">') == 1 and after.count('<li class="hit">') >= 1
    english = page(client, "/?q=किसान दिल्ली&lang=en")
    assert "The articles below have only some of the words" in english
    # One result a page: the line tops page 2, where the articles with some of the words begin.
    assert 'class="partial"' in page(client, "/?q=किसान दिल्ली&page=2&per_page=1")
    assert 'class="partial"' not in page(client, "/?q=किसान दिल्ली&page=3&per_page=1")
    data = client.get("/api/search?q=किसान दिल्ली").get_json()
    assert data["all_words"] == 1 and data["notes"] == ["some_words"]


# -- issue 18, case 12: what a page shows and links --------------------------------------------------


def test_a_value_given_with_spaces_is_selected_and_unselected(client: FlaskClient) -> None:
    """``?category=%20खेल`` selected खेल, but its toggle added ``खेल`` beside `` खेल``: it could
    not be unselected."""
    data = client.get("/api/search?category=%20%E0%A4%96%E0%A5%87%E0%A4%B2%20").get_json()
    assert data["filters"] == {"category": ["खेल"]} and data["total"] == 2
    sport = next(v for v in data["facets"]["category"] if v["value"] == "खेल")
    assert sport["selected"] and params(sport["toggle_url"]) == []
    (chip,) = data["selected"]
    assert params(chip["remove_url"]) == [] and data["clear_url"] == "/api/search"
    html = page(client, "/?category=%20%E0%A4%96%E0%A5%87%E0%A4%B2")
    assert ("category", " खेल") not in [p for u in links(html) for p in params(u)]


def test_a_selected_value_no_article_has_stays_listed_with_its_toggle(client: FlaskClient) -> None:
    data = client.get("/api/search?q=कोहली&category=व्यापार").get_json()
    assert data["total"] == 0
    business = next(v for v in data["facets"]["category"] if v["value"] == "व्यापार")
    assert (
        business["count"] == 0 and business["selected"] and params(business["toggle_url"]) == [("q", "कोहली")]
    )
    assert "व्यापार" in page(client, "/?q=कोहली&category=व्यापार")


def test_a_phrase_marks_its_words_only_where_they_stand_together(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    body = "विराट ने शतक लगाया। कोहली बाद में आए। फिर विराट कोहली ने कप्तानी की।"
    write(corpus, "a.jsonl", json.dumps({"id": "a", "title": "विराट का दिन", "body": body}) + "\n")
    reindex([corpus], tmp_path / "ix")
    c = create_app(tmp_path / "ix").test_client()
    hit = c.get('/api/search?q="विराट कोहली"').get_json()["hits"][0]
    assert hit["snippet"].count("<mark>") == 2 and "<mark>विराट</mark> <mark>कोहली</mark>" in hit["snippet"]
    assert "<mark>" not in hit["title_html"]  # the title has विराट alone
    article = page(c, "/article/a?q=%22विराट%20कोहली%22")
    assert article.count("<mark>") == 2
    # A stopword between them is skipped, as the index skips it.
    assert c.get('/api/search?q="विराट का दिन"').get_json()["hits"][0]["title_html"].count("<mark>") == 2


def test_spelling_help_comes_from_the_field_searched(tmp_path: Path) -> None:
    """``title:आदोलन`` offered ``title:आंदोलन``, which no title holds (neighbours came from bodies)."""
    corpus = tmp_path / "c"
    write(
        corpus, "a.jsonl", json.dumps({"id": "a", "title": "किसानों का धरना", "body": "आंदोलन जारी है।"}) + "\n"
    )
    reindex([corpus], tmp_path / "ix")
    c = create_app(tmp_path / "ix").test_client()
    assert c.get("/api/search?q=आदोलन").get_json()["suggestion"] == "आंदोलन"
    titled = c.get("/api/search?q=title:आदोलन").get_json()
    assert titled["suggestion"] is None and titled["total"] == 0
    write(corpus, "b.jsonl", json.dumps({"id": "b", "title": "आंदोलन तेज़", "body": "दिल्ली में।"}) + "\n")
    reindex([corpus], tmp_path / "ix")
    c = create_app(tmp_path / "ix").test_client()
    titled = c.get("/api/search?q=title:आदोलन").get_json()
    assert titled["suggestion"] == "title:आंदोलन" and [h["id"] for h in titled["hits"]] == ["b"]


def test_the_front_page_marks_newest_first_and_the_share_note_ends(client: FlaskClient) -> None:
    html = page(client, "/?lang=hi")  # (an earlier test left the English cookie)
    assert '<span aria-current="true">नवीनतम पहले</span>' in html
    assert client.get("/api/search").get_json()["sort"] == "newest"
    assert client.get("/api/search?q=रूस").get_json()["sort"] == "relevance"
    shares = page(client, "/?q=रूस&share=1&lang=hi")
    assert "इन्हीं फ़िल्टरों के साथ) में से मिलते लेख।" in shares
    assert "(under the same filters)." in page(client, "/?q=रूस&share=1&lang=en")


def test_the_server_keeps_one_blas_thread() -> None:
    from threadpoolctl import threadpool_info

    from webapp.server import one_blas_thread

    limits = one_blas_thread()
    try:
        blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
        assert blas and all(lib["num_threads"] == 1 for lib in blas)
    finally:
        limits.restore_original_limits()


@pytest.mark.parametrize("seed", range(4))
def test_state_urls_are_urlencode_of_the_pairs(seed: int) -> None:
    """The links' encoder (which quotes each repeated name and value once) writes what
    ``urllib.parse.urlencode`` writes for the same pairs, empty values left out, over dirty
    values: Devanagari with nukta and ZWJ, reserved characters, astral letters, long values."""
    import random
    from urllib.parse import urlencode

    from webapp import urls

    rnd = random.Random(seed)
    alphabet = ["क़", "ि", "्", "\u200d", "\u200c", "ँ", "ं", "१", "&", "=", "+", " ", "%", "#", "?", "/",
                "a", "Z", "😀", "\t", "\"", "'", "<", ";"]  # fmt: skip
    for _ in range(300):
        pairs = [
            (rnd.choice(["q", "category", "source", "from", "क़", "a b"]),
             "".join(rnd.choice(alphabet) for _ in range(rnd.choice([0, 1, 5, 40, 700]))))
            for _ in range(rnd.randint(0, 6))
        ]  # fmt: skip
        kept = [(k, v) for k, v in pairs if v != ""]
        want = "/p?" + urlencode(kept) if kept else "/p"
        got = urls.encode("/p", pairs)
        assert got == want
        assert parse_qsl(got.partition("?")[2], keep_blank_values=True) == kept

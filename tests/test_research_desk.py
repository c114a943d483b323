"""The research desk on a corpus whose answers are known: a volcano story planted with its own
vocabulary and dates among everyday news. Timeline, characteristic words, export and feed are
each checked against what the articles written here say (the oracle), on both engines."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from flask.testing import FlaskClient

from indexer.engines.config import EngineConfig
from indexer.export import BOM, CSV_COLUMNS, EXCERPT
from indexer.search import SearchRequest, SearchService
from tests.conftest import Indexes, write
from webapp import create_app

ATOM = "{http://www.w3.org/2005/Atom}"

# Everyday words every article shares: common in the results and in the archive alike.
EVERYDAY = "सरकार ने बुधवार को कहा कि शहर के लोगों को जल्द राहत मिलेगी और अधिकारी स्थिति पर नज़र रखे हुए हैं।"
FILLER = "घटना के बारे में जानकारी दी गई है।"
# The volcano story's own words: in its articles and nowhere else.
PLANTED = ("ज्वालामुखी", "लावा", "राख", "उड़ानें", "भूकंपविज्ञानी")
OTHER_TOPICS = [
    ("खेल", "क्रिकेट मैच में बल्लेबाज़ ने शानदार शतक बनाया और टीम जीत गई।"),
    ("व्यापार", "शेयर बाज़ार में सेंसेक्स गिरा और निवेशकों को नुकसान हुआ।"),
    ("कृषि", "किसानों ने गेहूँ की फसल काटी और मंडी में अच्छे दाम मिले।"),
]


def volcano_article(n: int, day: date) -> tuple[str, str, date]:
    """Every word but the planted ones is also in every other article; ``बचाव`` (rescue) is
    planted in every other volcano article only, so it ranks below the rest."""
    title = f"ज्वालामुखी समाचार {n}"
    rescue = " और बचाव" if n % 2 == 0 else ""
    body = f"{EVERYDAY} ज्वालामुखी से लावा और राख, उड़ानें और भूकंपविज्ञानी{rescue}। {FILLER} {n}।"
    return title, body, day


@pytest.fixture(scope="module")
def desk_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """12 volcano articles over three months of 2023, 36 others over 2022-2024, 2 undated."""
    root = tmp_path_factory.mktemp("desk")
    articles: list[dict] = []
    start = date(2023, 3, 6)
    for n in range(12):
        title, body, day = volcano_article(n, start + timedelta(days=7 * n))
        articles.append({"id": f"volcano-{n:02d}", "title": title, "body": body, "date": day,
                         "category": "आपदा", "source": "पर्वत समाचार"})  # fmt: skip
    for n in range(36):
        category, text = OTHER_TOPICS[n % 3]
        day = date(2022, 1, 10) + timedelta(days=25 * n)
        articles.append({"id": f"other-{n:02d}", "title": f"{text.split()[0]} समाचार {n}",
                         "body": f"{EVERYDAY} {text} {FILLER}", "date": day, "category": category,
                         "source": "नगर दर्पण" if n % 2 else "पर्वत समाचार"})  # fmt: skip
    for n in range(2):
        title, body, _ = volcano_article(100 + n, start)
        articles.append({"id": f"volcano-undated-{n}", "title": title, "body": body, "date": None,
                         "category": "आपदा", "source": "पर्वत समाचार"})  # fmt: skip
    for a in articles:
        header = f"---\ncategory: {a['category']}\nsource: {a['source']}\n"
        if a["date"]:
            header += f"date: {a['date'].isoformat()}\n"
        write(root, f"{a['id']}.txt", f"{header}---\n{a['title']}\n{a['body']}\n")
    return root, articles


@pytest.fixture(scope="module")
def desk(indexes: Indexes, desk_corpus: tuple[Path, list[dict]]) -> EngineConfig:
    return indexes.build([desk_corpus[0]], "desk")


@pytest.fixture(scope="module")
def svc(desk: EngineConfig) -> SearchService:
    return SearchService(desk)


@pytest.fixture(scope="module")
def client(desk: EngineConfig) -> FlaskClient:
    return create_app(desk).test_client()


def month_of(d: date) -> date:
    return d.replace(day=1)


# -- attention over time ------------------------------------------------------------------------


def test_timeline_counts_match_the_articles(svc: SearchService, desk_corpus: tuple[Path, list[dict]]) -> None:
    _, articles = desk_corpus
    result = svc.search(SearchRequest(q="ज्वालामुखी", timeline=True))
    assert result.total == 14
    tl = result.timeline
    assert tl is not None and tl.interval == "week"  # 12 weekly articles span 12 weeks
    (series,) = tl.series
    dated = [a["date"] for a in articles if a["id"].startswith("volcano-") and a["date"]]
    expected = Counter(d - timedelta(days=d.weekday()) for d in dated)
    assert {b.start: b.count for b in series.buckets if b.count} == expected
    assert series.total == 12  # the two undated articles are not drawn
    # contiguous periods, each a Monday-to-Sunday week
    for a, b in zip(series.buckets, series.buckets[1:], strict=False):
        assert b.start == a.end + timedelta(days=1)
    assert all(b.start.weekday() == 0 and (b.end - b.start).days == 6 for b in series.buckets)


def test_timeline_compare_and_share(svc: SearchService, desk_corpus: tuple[Path, list[dict]]) -> None:
    _, articles = desk_corpus
    result = svc.search(SearchRequest(q="लावा", compare=["क्रिकेट"], timeline=True))
    tl = result.timeline
    assert tl is not None and tl.interval == "month"  # cricket runs from 2022 to 2024
    assert [s.query for s in tl.series] == ["लावा", "क्रिकेट"]
    everything = Counter(month_of(a["date"]) for a in articles if a["date"])
    cricket = Counter(month_of(a["date"]) for a in articles if a["date"] and "क्रिकेट" in a["body"])
    lava = Counter(month_of(a["date"]) for a in articles if a["date"] and "लावा" in a["body"])
    for s, truth in zip(tl.series, (lava, cricket), strict=True):
        assert {b.start: b.count for b in s.buckets if b.count} == truth
        for b in s.buckets:
            all_of_month = everything.get(b.start, 0)
            assert b.share == (round(b.count / all_of_month, 6) if all_of_month else None)
    assert len(tl.series[0].buckets) == len(tl.series[1].buckets)


def test_timeline_share_respects_filters(svc: SearchService, desk_corpus: tuple[Path, list[dict]]) -> None:
    _, articles = desk_corpus
    result = svc.search(SearchRequest(q="लोगों", filters={"source": ["नगर दर्पण"]}, timeline=True))
    tl = result.timeline
    assert tl is not None
    of_source = Counter(
        month_of(a["date"]) if tl.interval == "month" else a["date"].replace(month=1, day=1)
        for a in articles
        if a["date"] and a["source"] == "नगर दर्पण"
    )
    for b in tl.series[0].buckets:
        if b.count:
            assert b.share == round(b.count / of_source[b.start], 6)


def test_timeline_bar_links_narrow_to_their_period(client: FlaskClient) -> None:
    data = client.get("/api/search?q=ज्वालामुखी").get_json()
    bucket = next(b for b in data["timeline"]["series"][0]["buckets"] if b["count"])
    narrowed = client.get(bucket["url"]).get_json()
    assert (narrowed["date_from"], narrowed["date_to"]) == (bucket["start"], bucket["end"])
    assert narrowed["total"] == bucket["count"]
    # and the finer drawing of that one week is in days
    assert narrowed["timeline"]["interval"] == "day"


def test_page_draws_the_chart_with_a_table_and_links(client: FlaskClient) -> None:
    html = client.get("/?q=ज्वालामुखी&compare=क्रिकेट").get_data(as_text=True)
    data = client.get("/api/search?q=ज्वालामुखी&compare=क्रिकेट").get_json()
    bars = [b for s in data["timeline"]["series"] for b in s["buckets"] if b["count"]]
    assert len(bars) == 3 + 12  # volcano: March to May 2023; cricket: 12 articles 75 days apart
    assert html.count('<svg class="chart"') == 1
    assert '<div class="visually-hidden">' in html and "<table>" in html
    assert html.count("<rect x=") == len(bars)  # one bar, one link, per period with articles
    for b in bars:
        assert f'href="{b["url"].replace("/api/search", "/").replace("&", "&amp;")}"' in html
    assert "compare=" in html and "share=1" in html


def test_page_says_how_many_are_undated(client: FlaskClient) -> None:
    html = client.get("/?q=ज्वालामुखी").get_data(as_text=True)
    assert "बिना तारीख़ वाले लेख इसमें नहीं गिने गए: 2." in html  # the two undated volcano articles


def test_compare_is_limited(client: FlaskClient) -> None:
    url = "/api/search?q=लावा" + "".join(f"&compare=क{i}" for i in range(5))
    r = client.get(url)
    assert r.status_code == 400 and "compare" in r.get_json()["error"]["message"]


# -- characteristic words -----------------------------------------------------------------------


def test_characteristic_words_are_the_planted_ones(svc: SearchService) -> None:
    result = svc.search(SearchRequest(q="ज्वालामुखी", words=True))
    words = [w.word for w in result.characteristic]
    # The planted words but the query's own, in every sampled article, then the rescue in half
    # of them; no everyday word, no stopword, not the query's word: nothing else stands out.
    assert set(words[:4]) == set(PLANTED) - {"ज्वालामुखी"}
    assert words[4:] == ["बचाव"]
    assert result.characteristic_sample == 14
    assert [w.count for w in result.characteristic] == [14, 14, 14, 14, 7]
    scores = [w.score for w in result.characteristic]
    assert scores == sorted(scores, reverse=True) and scores[3] > scores[4] > 0
    # JLH with fg = 14/14 and bg = 14/50: (1 - 0.28) * (1 / 0.28)
    assert scores[0] == pytest.approx((1 - 14 / 50) * (50 / 14), abs=1e-3)


def test_characteristic_word_links_add_the_word(client: FlaskClient) -> None:
    data = client.get("/api/search?q=ज्वालामुखी").get_json()
    w = data["characteristic_words"][0]
    again = client.get(w["url"]).get_json()
    assert again["query"] == f"ज्वालामुखी {w['word']}"
    assert again["total"] > 0


def test_no_characteristic_words_for_the_whole_archive(svc: SearchService) -> None:
    assert svc.search(SearchRequest(q="", words=True)).characteristic == []


# -- export ---------------------------------------------------------------------------------------


def all_ids(svc: SearchService, **kw: object) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        r = svc.search(SearchRequest(per_page=100, page=page, snippets=False, **kw))  # type: ignore[arg-type]
        ids += [h.id for h in r.hits]
        if page >= r.pages:
            return ids
        page += 1


@pytest.mark.parametrize(
    "kw",
    [
        {"q": "लोगों"},
        {"q": "लोगों", "sort": "newest"},
        {"q": "लावा क्रिकेट"},  # no article has both: articles with either follow
        {"q": "", "filters": {"category": ["कृषि", "खेल"]}, "sort": "oldest"},
        {"q": "राख", "date_from": date(2023, 4, 1), "date_to": date(2023, 4, 30)},
    ],
)
def test_export_lists_what_the_search_lists(svc: SearchService, kw: dict) -> None:
    total, articles = svc.export(SearchRequest(**kw), limit=10_000)
    exported = [a.id for a in articles]
    assert exported == all_ids(svc, **kw)
    assert total == len(exported)


def test_export_limit(svc: SearchService) -> None:
    total, articles = svc.export(SearchRequest(q="लोगों"), limit=5)
    assert total == 50 and len(list(articles)) == 5


def test_csv_export_opens_in_a_spreadsheet(client: FlaskClient, svc: SearchService) -> None:
    r = client.get("/export?q=ज्वालामुखी&format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    assert text.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == int(r.headers["X-Khabar-Total"]) == 14
    for row in rows:
        stored = svc.article(row["id"])
        assert stored is not None
        assert row["title"] == stored.title and row["source"] == stored.source
        flat = " ".join(stored.body.split())
        assert flat.startswith(row["excerpt"]) and len(row["excerpt"]) <= EXCERPT
        assert "\n" not in row["excerpt"]


def test_jsonl_export_is_whole_records(client: FlaskClient, svc: SearchService) -> None:
    r = client.get("/export?q=क्रिकेट&format=jsonl")
    lines = r.get_data(as_text=True).splitlines()
    assert len(lines) == 12
    for line in lines:
        record = json.loads(line)
        assert record == svc.article(record["id"]).to_json()


def test_export_errors_are_clear(client: FlaskClient) -> None:
    r = client.get("/export?q=x&format=xlsx")
    assert r.status_code == 400 and "format" in r.get_data(as_text=True)


def test_export_link_on_the_page(client: FlaskClient) -> None:
    html = client.get("/?q=लावा").get_data(as_text=True)
    assert 'href="/export?q=' in html and "format=csv" in html and "format=jsonl" in html


# -- feeds ----------------------------------------------------------------------------------------


def test_feed_is_valid_atom_of_the_newest(client: FlaskClient, svc: SearchService) -> None:
    r = client.get("/feed?q=लोगों&source=पर्वत+समाचार")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    root = ET.fromstring(r.data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None and root.findtext(f"{ATOM}{required}")
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    newest = all_ids(svc, q="लोगों", filters={"source": ["पर्वत समाचार"]}, sort="newest")[:50]
    assert len(entries) == len(newest) == 32
    got = [e.findtext(f"{ATOM}id").rsplit("/article/", 1)[1] for e in entries]
    assert got == newest
    stamps = []
    for e in entries:
        for required in ("id", "title", "updated"):
            assert e.findtext(f"{ATOM}{required}")
        stamps.append(datetime.fromisoformat(e.findtext(f"{ATOM}updated")))
        assert stamps[-1].tzinfo is not None  # RFC 3339 wants the offset
    dated = [s for s, i in zip(stamps, got, strict=True) if "undated" not in i]
    assert dated == sorted(dated, reverse=True)
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated")) == max(dated)


def test_feed_is_announced_and_linked(client: FlaskClient) -> None:
    html = client.get("/?q=लावा").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'class="feed" href="/feed?q=' in html


# -- the page's finish --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/?q=लावा", "/", "/article/volcano-00", "/article/nope", "/?page=x"])
def test_one_h1_on_every_page(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    assert html.count("<h1") == 1


def test_favicon(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in html
    assert client.get("/static/favicon.svg").status_code == 200
    assert client.get("/favicon.ico").status_code == 301


def test_document_frequencies_are_exact(svc: SearchService, desk_corpus: tuple[Path, list[dict]]) -> None:
    """The background of the characteristic words (and of spelling help): title df + body df of
    every term, against a count over the articles written here."""
    _, articles = desk_corpus
    snap = svc.engine.snapshot()
    expected: Counter[str] = Counter()
    for a in articles:
        expected.update(set(snap.pipeline.index_terms(a["title"])))
        expected.update(set(snap.pipeline.index_terms(a["body"])))
    terms = [*sorted(expected), "नहींमिलनेवालाशब्द"]
    assert snap.doc_frequencies(terms) == {**expected, "नहींमिलनेवालाशब्द": 0}


def test_page_states_the_export_limit(client: FlaskClient) -> None:
    html = client.get("/?q=लावा").get_data(as_text=True)
    assert "सभी 14 मिलते लेख डाउनलोड करें (एक बार में अधिकतम 100,000)" in html

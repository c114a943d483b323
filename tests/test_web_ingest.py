"""Saved web pages, WARC archives and RSS/Atom feeds as articles (issue 21): the judged pages of
tests/fixtures/web, archives and feeds written here with warcio's writer or by hand, and every
broken input the issue names, each reported as file:record and never a traceback."""

from __future__ import annotations

import gzip
import html
import io
import json
import socket
from datetime import datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from indexer.analysis.tokenize import word_texts
from indexer.build import StrictFailure, reindex
from indexer.ingest import discover, read_corpus, read_file
from indexer.ingest.web.byline import read_byline
from indexer.ingest.web.charset import decode_page
from indexer.ingest.web.extract import EXTRACTORS, devanagari_share, extract
from indexer.ingest.web.textblocks import html_text
from indexer.ingest.web.urls import story_key
from indexer.records import Article, Problem
from indexer.search import SearchRequest, SearchService
from tests.conftest import FIXTURES, write
from tools.make_web_pages import cms, stories
from webapp import create_app

WEB = FIXTURES / "web"
PAGES = WEB / "pages"
JUDGED = [json.loads(line) for line in (WEB / "judged.jsonl").read_text(encoding="utf-8").splitlines()]
# Five more page shapes, written after the extractor and first measured untouched (docs/ingestion.md)
HELD_OUT = FIXTURES / "web-heldout"
HELD_OUT_JUDGED = [
    json.loads(line) for line in (HELD_OUT / "judged.jsonl").read_text(encoding="utf-8").splitlines()
]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading pages, archives and feeds never opens a connection: any attempt fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a network connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def f1(got: str, want: str) -> float:
    """Token F1 of two texts (words as ICU breaks them, each counted)."""
    from collections import Counter

    a, b = Counter(word_texts(got)), Counter(word_texts(want))
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def items(path: Path) -> tuple[list[Article], list[Problem]]:
    found = list(read_corpus([path]))
    return [a for a in found if isinstance(a, Article)], [p for p in found if isinstance(p, Problem)]


# -- the judged pages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "judged"),
    [(PAGES, j) for j in JUDGED if j["article"]] + [(HELD_OUT / "pages", j) for j in HELD_OUT_JUDGED],
    ids=lambda x: x["file"] if isinstance(x, dict) else x.parent.name,
)
@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_each_judged_page_gives_its_article(
    pages: Path, judged: dict, extractor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHABAR_EXTRACTOR", extractor)
    articles, problems = items(pages / judged["file"])
    assert [p for p in problems if p.skipped or p.notice] == []
    (a,) = articles
    assert a.title == judged["title"]
    assert a.date is not None and f"{a.date:%Y-%m-%d}" == judged["date"]
    assert a.author == judged["author"]
    assert f1(a.body, judged["body"]) >= 0.95, a.body[:300]
    if judged["canonical"]:
        assert a.url == judged["canonical"] and a.id == story_key(judged["canonical"])
    else:  # a page that does not say its URL: its file's path, as a .txt
        assert a.url == "" and a.id == Path(judged["file"]).stem


@pytest.mark.parametrize("judged", [j for j in JUDGED if not j["article"]], ids=lambda j: j["file"])
def test_each_page_that_is_no_article_is_left_out_with_its_reason(judged: dict) -> None:
    articles, problems = items(PAGES / judged["file"])
    assert articles == []
    (p,) = problems
    assert p.notice and p.path == judged["file"]
    assert judged["why"] in p.reason


def test_the_judged_set_is_what_the_issue_asks() -> None:
    shapes = {j["shape"] for j in JUDGED if j["article"]}
    assert sum(j["article"] for j in JUDGED) >= 40 and len(shapes) == 8
    assert {"links", "little text", "not Hindi"} == {j["why"] for j in JUDGED if not j["article"]}


# -- the parts, on tables -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "author", "day"),
    [
        ("रिपोर्ट: रीना शर्मा, नई दिल्ली | अपडेटेड: 28 जून 2024, 09:15 AM IST", "रीना शर्मा", "2024-06-28"),
        ("By Neha Gupta | Updated: May 15, 2020 10:30 AM IST", "Neha Gupta", "2020-05-15"),
        ("लेखक: अजय मिश्रा \xa0|\xa0 प्रकाशित: 15 मई 2020", "अजय मिश्रा", "2020-05-15"),
        ("दिनांक: 15/05/2020 \xa0 संवाददाता: कविता जोशी", "कविता जोशी", "2020-05-15"),
        ("विकास त्रिपाठी | शुक्रवार, १५ मई २०२०", "विकास त्रिपाठी", "2020-05-15"),
        ("द्वारा दीपक पांडे", "दीपक पांडे", None),
        ("मोहम्मद आरिफ़ · 10 मई 2019", "मोहम्मद आरिफ़", "2019-05-10"),  # nukta kept
        ("Edited by: Rahul Verma", "Rahul Verma", None),
        ("अपडेटेड: 28 जून 2024", "", "2024-06-28"),
        ("एजेंसी", "", None),  # an agency is not a person
        ("बहुत सारे शब्दों वाली एक लंबी पंक्ति जो किसी का नाम नहीं है बल्कि एक वाक्य है", "", None),
    ],
)
def test_bylines(text: str, author: str, day: str | None) -> None:
    found = read_byline(text)
    assert found.author == author
    assert (f"{found.date:%Y-%m-%d}" if found.date else None) == day


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.nagardarpan.example/delhi/barish-123/", "nagardarpan.example/delhi/barish-123"),
        ("http://nagardarpan.example/amp/delhi/barish-123", "nagardarpan.example/delhi/barish-123"),
        ("https://nagardarpan.example/delhi/barish-123.amp", "nagardarpan.example/delhi/barish-123"),
        ("https://nagardarpan.example/delhi/barish-123?utm_source=x&fbclid=y#top",
         "nagardarpan.example/delhi/barish-123"),
        ("https://nagardarpan.example/story.php?id=7&utm_medium=rss", "nagardarpan.example/story.php?id=7"),
        ("https://nagardarpan.example:443/a/index.html", "nagardarpan.example/a"),
        ("https://NagarDarpan.example/दिल्ली/बारिश", "nagardarpan.example/दिल्ली/बारिश"),
        ("ftp://nagardarpan.example/a", ""),
        ("javascript:alert(1)", ""),
    ],
)  # fmt: skip
def test_story_keys(url: str, key: str) -> None:
    assert story_key(url) == key


HINDI = "राजधानी में बारिश से राहत मिली।"


@pytest.mark.parametrize(
    ("data", "content_type", "text", "encoding"),
    [
        (f'<meta charset="windows-1252"><p>{HINDI}</p>'.encode(), None, HINDI, "utf-8"),  # mislabelled
        (f"<p>{HINDI}</p>".encode(), "text/html; charset=ISO-8859-1", HINDI, "utf-8"),  # the header too
        (f'<meta charset="utf-8"><p>{HINDI}</p>'.encode(), "text/html; charset=windows-1252", HINDI, "utf-8"),
        ("<p>“café” — naïve</p>".encode("cp1252"), None, "“café” — naïve", "cp1252"),  # really cp1252
        ("<p>“café”</p>".encode("cp1252"), "text/html; charset=iso-8859-1", "“café”", "cp1252"),  # its alias
        ("\ufeff<p>राहत</p>".encode("utf-16-le"), None, "राहत", "utf-16"),
        (b"<p>\xe0\xa4\xb0\xe0\xa4</p>", "text/html; charset=utf-8", "र", "utf-8"),  # cut: replaced
    ],
)
def test_charsets(data: bytes, content_type: str | None, text: str, encoding: str) -> None:
    got, enc, _ = decode_page(data, content_type)
    assert text in got and enc.replace("windows-", "cp") == encoding


@pytest.mark.parametrize(
    ("text", "share"),
    [("किसानों ने दिल्ली में प्रदर्शन किया।", 1.0), ("Monsoon arrives in Kerala.", 0.0),
     ("BJP ने IPL 2024 में COVID-19 की बात की", 0.55), ("१२३ ।॥ 123 !?", 0.0)],
)  # fmt: skip
def test_devanagari_share(text: str, share: float) -> None:
    assert devanagari_share(text) == pytest.approx(share, abs=0.05)


def test_html_text_keeps_every_block_and_survives_deep_nesting() -> None:
    assert html_text("<p>एक <b>दो</b></p><p>तीन<br>चार</p><script>x()</script>पाँच<ul><li>छह</li></ul>") == (
        "एक दो\nतीन\nचार\nपाँच\nछह"
    )
    assert html_text("सादा  पाठ") == "सादा पाठ"
    html_text("<div>" * 20_000 + "गहरा" + "</div>" * 20_000)  # no RecursionError


@pytest.mark.parametrize(
    "page",
    ["", "   ", "\x00\x01\x02", "<html><head><title>केवल शीर्षक</title></head></html>",
     "<p>" + "शब्द " * 30 + "</p>", "<" * 10_000, "<html>" + "<div>" * 5_000, "<?xml version='1.0'?><a/>"],
)  # fmt: skip
def test_odd_pages_are_no_article_and_no_traceback(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in EXTRACTORS:
        monkeypatch.setenv("KHABAR_EXTRACTOR", name)
        assert extract(page).not_article


# -- archives -------------------------------------------------------------------------------------------


def _response(w: WARCWriter, url: str, body: bytes, *, date: str, status: str = "200 OK",
              content_type: str = "text/html; charset=utf-8") -> None:  # fmt: skip
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                  warc_headers_dict={"WARC-Date": date})  # fmt: skip
    w.write_record(record)


def _page(n: int) -> tuple[dict, bytes]:
    j = [j for j in JUDGED if j["article"]][n]
    return j, (PAGES / j["file"]).read_bytes()


def _feed(items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>Tue, 08 Dec 2020 10:00:00 +0530</pubDate>"
        f"<category>राजनीति</category><description><![CDATA[{d}]]></description></item>"
        for t, link, d in items
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>भारत वार्ता</title>{entries}</channel></rss>'.encode()  # noqa: E501


STORY = "<p>" + "संसद के शीतकालीन सत्र में आज कई विधेयक पेश किए गए और उन पर लंबी बहस हुई। " * 8 + "</p>"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive as a crawl writes it: pages, the same story twice (two days; AMP and
    canonical), a redirect, a 404, an image, a request record and a feed."""
    path = tmp_path_factory.mktemp("warc") / "crawl.warc.gz"
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for n in (0, 2, 3, 4, 5):
            j, body = _page(n)
            _response(w, j["url"], body, date=f"2024-06-0{n + 1}T10:00:00Z")
        # Story 1 at its canonical URL, then its AMP page (whose canonical link names it) later
        j1, amp = _page(1)
        assert j1["shape"] == "amp"
        _response(w, j1["canonical"], cms(stories()[1]).encode(), date="2024-06-01T09:00:00Z")
        _response(w, j1["url"], amp, date="2024-06-20T10:00:00Z")
        # page 3 crawled again a day later, updated
        j2, body2 = _page(3)
        last = html.escape(j2["body"].split("\n")[-1])
        updated = body2.replace(last.encode(), f"{last} अपडेट: नई जानकारी जोड़ी गई।".encode())
        assert updated != body2
        _response(w, j2["url"] + "?utm_source=twitter", updated, date="2024-06-09T10:00:00Z")
        _response(
            w, "https://x.example/old", b"", date="2024-06-01T00:00:00Z", status="301 Moved Permanently"
        )
        _response(w, "https://x.example/gone", b"<html>not found</html>", date="2024-06-01T00:00:00Z",
                  status="404 Not Found")  # fmt: skip
        _response(w, "https://x.example/logo.png", b"\x89PNG\r\n", date="2024-06-01T00:00:00Z",
                  content_type="image/png")  # fmt: skip
        w.write_record(
            w.create_warc_record(
                "https://x.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
            )
        )
        # the header says latin-1, the page says utf-8: the page is Hindi either way
        sansad = "<html><head><meta charset='utf-8'><title>संसद में बहस</title></head><body><h1>संसद में बहस</h1>"
        _response(w, "https://x.example/desh/sansad", f"{sansad}{STORY}</body></html>".encode(),
                  date="2024-06-05T00:00:00Z", content_type="text/html; charset=ISO-8859-1")  # fmt: skip
        feed = _feed([
            ("संसद में बहस", "https://x.example/desh/sansad", "संसद में बहस हुई।"),  # its page is held
            ("किसानों का भारत बंद", "https://x.example/desh/bharat-bandh", STORY),  # the item has the text
            ("एक सारांश", "https://x.example/desh/saransh", "केवल दो पंक्तियाँ।"),  # a summary only
        ])  # fmt: skip
        _response(
            w,
            "https://x.example/rss.xml",
            feed,
            date="2024-06-06T00:00:00Z",
            content_type="application/rss+xml",
        )
    return path


def test_an_archive_gives_its_articles_once_each(archive: Path) -> None:
    articles, problems = items(archive)
    ids = [a.id for a in articles]
    assert len(ids) == len(set(ids))
    pages = [_page(n)[0] for n in range(6)]
    url = [j["canonical"] or j["url"] for j in pages]  # a page that does not say its URL: where it was
    assert {story_key(u) for u in url} <= set(ids)
    assert "x.example/desh/sansad" in ids and "x.example/desh/bharat-bandh" in ids
    assert len(ids) == 8  # 6 stories, the page whose header and meta disagree, the feed item with text
    by_id = {a.id: a for a in articles}
    # Story 1: its AMP capture, the newer, won; the article is at the canonical URL
    assert by_id[story_key(pages[1]["canonical"])].url == pages[1]["canonical"]
    assert by_id[story_key(pages[1]["canonical"])].title == pages[1]["title"]
    # The newest capture of page 3 won, under its own URL without the tracking parameter
    assert "अपडेट: नई जानकारी जोड़ी गई।" in by_id[story_key(url[3])].body
    assert by_id[story_key(url[3])].url == url[3]
    assert by_id["x.example/desh/sansad"].title == "संसद में बहस"
    assert by_id["x.example/desh/bharat-bandh"].category == "राजनीति"
    assert by_id["x.example/desh/bharat-bandh"].date == datetime.fromisoformat("2020-12-08T10:00:00+05:30")
    notices = [p for p in problems if p.notice]
    folded = [p for p in notices if "folded" in p.reason]
    assert len(folded) == 2 and all(p.path == "crawl.warc.gz" and p.line for p in folded)
    assert any("only a summary" in p.reason for p in notices)
    assert any("read already" in p.reason for p in notices)
    assert [p for p in problems if not p.notice] == []


def test_a_page_without_a_date_takes_its_capture_date(tmp_path: Path) -> None:
    path = tmp_path / "a.warc"
    with path.open("wb") as fh:
        _response(WARCWriter(fh, gzip=False), "https://x.example/a", f"<h1>संसद में बहस आज</h1>{STORY}".encode(),
                  date="2024-06-05T08:30:00Z")  # fmt: skip
    (a,), problems = items(path)
    assert a.date == datetime.fromisoformat("2024-06-05T08:30:00+00:00") and problems == []


def _cut(data: bytes, at: float) -> bytes:
    return data[: int(len(data) * at)]


def test_a_truncated_archive_keeps_what_came_before_the_cut(archive: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(_cut(archive.read_bytes(), 0.5))
    articles, problems = items(cut)
    assert 1 <= len(articles) < 8
    (p,) = [p for p in problems if not p.notice]
    assert p.path == "cut.warc.gz" and p.line and p.skipped and "cut short" in p.reason
    assert str(p).startswith(f"cut.warc.gz:{p.line}: ") and str(p).endswith("(skipped)")


def test_a_record_with_a_wrong_length_is_reported(tmp_path: Path) -> None:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    for n in range(3):
        _response(
            w,
            f"https://x.example/{n}",
            f"<h1>संसद में बहस {n}</h1>{STORY}".encode(),
            date="2024-06-05T00:00:00Z",
        )
    raw = buf.getvalue()
    second = raw.index(b"WARC/1", 10)
    at = raw.index(b"Content-Length: ", second)
    end = raw.index(b"\r\n", at)
    for wrong in (b"Content-Length: 99999999", b"Content-Length: 100"):
        path = tmp_path / f"bad-{len(wrong)}.warc"
        path.write_bytes(raw[:at] + wrong + raw[end:])
        articles, problems = items(path)
        assert [a.id for a in articles] == ["x.example/0"]
        (p,) = problems
        assert p.line in (2, 3) and p.skipped and "Content-Length" in p.reason


def test_not_a_warc_and_an_empty_one(tmp_path: Path) -> None:
    write(tmp_path, "a.warc", "यह WARC नहीं है\n" * 10)
    (tmp_path / "b.warc.gz").write_bytes(gzip.compress(b"not a warc either"))
    (tmp_path / "c.warc").write_bytes(b"")
    articles, problems = items(tmp_path)
    assert articles == []
    assert sorted((p.path, p.reason) for p in problems)[:2] == [
        ("a.warc", "not a WARC file (it does not start with WARC/)"),
        ("b.warc.gz", "not a WARC file (it does not start with WARC/)"),
    ]


def test_a_huge_page_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    with big.open("wb") as fh:
        fh.write(b"<html><body><p>")
        fh.seek(50 * 1024 * 1024)
        fh.write(b"</p></body></html>")
    (p,) = list(read_corpus([big]))
    assert isinstance(p, Problem) and p.skipped and "too large" in p.reason
    path = tmp_path / "big.warc.gz"
    with path.open("wb") as fh:
        _response(WARCWriter(fh, gzip=True), "https://x.example/big", b"<p>" + b"a" * (9 * 1024 * 1024),
                  date="2024-06-05T00:00:00Z")  # fmt: skip
    (p,) = list(read_corpus([path]))
    assert isinstance(p, Problem) and p.line == 1 and "too large" in p.reason


def test_html_without_a_body(tmp_path: Path) -> None:
    write(tmp_path, "a.html", "<html><head><title>राजधानी में बारिश से राहत मिली आज</title></head></html>")
    write(tmp_path, "b.htm", "राजधानी में बारिश। " * 30)  # text with no tags at all: an article
    articles, problems = items(tmp_path)
    assert [p.path for p in problems] == ["a.html"] and problems[0].notice
    assert [a.id for a in articles] == ["b"]


# -- feeds ---------------------------------------------------------------------------------------------


def test_a_feed_file(tmp_path: Path) -> None:
    write(tmp_path, "news/feed.rss", _feed([
        ("किसानों का भारत बंद", "https://x.example/desh/bharat-bandh?utm_source=rss", STORY),
        ("एक सारांश", "https://x.example/desh/saransh", "केवल दो पंक्तियाँ।"),
    ]).decode())  # fmt: skip
    atom = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>नगर</title>
<entry><title>मेट्रो का नया रूट</title><link href="https://n.example/metro"/><id>n1</id><updated>2024-06-28T09:15:00+05:30</updated>
<author><name>रीना शर्मा</name></author><content type="html"><![CDATA[{STORY}]]></content></entry></feed>"""
    write(tmp_path, "news/atom.atom", atom)
    write(
        tmp_path,
        "news/sitemap.xml",
        '<?xml version="1.0"?><urlset><url><loc>https://n.example/a</loc></url></urlset>',
    )
    articles, problems = items(tmp_path)
    by_id = {a.id: a for a in articles}
    assert set(by_id) == {"x.example/desh/bharat-bandh", "n.example/metro"}
    assert by_id["n.example/metro"].author == "रीना शर्मा" and by_id["n.example/metro"].source == "नगर"
    assert by_id["x.example/desh/bharat-bandh"].url == "https://x.example/desh/bharat-bandh"
    assert all(p.notice for p in problems) and len(problems) == 2  # the summary item, the sitemap


def _bomb() -> str:
    levels = ['<!ENTITY l0 "हा">'] + [f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)]
    rss = '<rss version="2.0"><channel><title>&l9;</title></channel></rss>'
    return f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(levels)}]>{rss}'


@pytest.mark.parametrize(
    "feed",
    [
        _bomb(),  # billion laughs
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>',  # noqa: E501
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://203.0.113.9/x">]><rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>',  # noqa: E501
    ],
    ids=["billion-laughs", "file-entity", "remote-entity"],
)
def test_a_feed_with_entities_is_refused_unparsed(tmp_path: Path, feed: str) -> None:
    write(tmp_path, "evil.rss", feed)
    (p,) = list(read_corpus([tmp_path]))
    assert isinstance(p, Problem) and p.path == "evil.rss" and p.skipped and "entities" in p.reason


# -- through a reindex, a search and the web app ------------------------------------------------------


def test_reindex_of_pages_an_archive_and_a_feed(tmp_path: Path, archive: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for j in JUDGED[:12]:
        (corpus / j["file"]).write_bytes((PAGES / j["file"]).read_bytes())
    (corpus / "crawl.warc.gz").write_bytes(archive.read_bytes())
    ix = tmp_path / "ix"
    report = reindex([corpus], ix)
    # 12 pages; the archive adds the pages the folder lacks (a story in both is a duplicate id)
    assert report.indexed >= 12 and report.notices
    assert not [p for p in report.problems if "duplicate id" not in p.reason]
    svc = SearchService(ix)
    hits = svc.search(SearchRequest(q="भारत बंद")).hits
    assert hits and any(h.id == "x.example/desh/bharat-bandh" for h in hits)
    # strict: notices (pages that are not articles, folded captures) are no fault of the input
    again = reindex([corpus], ix, full=True, strict=False)
    assert again.indexed == report.indexed
    # ids come from URLs and stay the same
    assert {h.id for h in svc.search(SearchRequest(q="", per_page=100)).hits} >= {"x.example/desh/sansad"}
    client = create_app(ix).test_client()
    page = client.get("/article/x.example/desh/bharat-bandh")
    assert page.status_code == 200 and "किसानों का भारत बंद" in page.get_data(as_text=True)


def test_strict_is_not_failed_by_notices(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for j in JUDGED:
        if j["file"].startswith(("00-", "01-", "9")):
            (corpus / j["file"]).write_bytes((PAGES / j["file"]).read_bytes())
    report = reindex([corpus], tmp_path / "ix", strict=True)
    assert report.indexed == 2 and len(report.notices) == 6 and report.problems == []


def test_strict_fails_on_a_broken_archive(tmp_path: Path, archive: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "cut.warc.gz").write_bytes(_cut(archive.read_bytes(), 0.5))
    with pytest.raises(StrictFailure):
        reindex([corpus], tmp_path / "ix", strict=True)


def test_formats_are_discovered(tmp_path: Path) -> None:
    for name in ("a.html", "b.HTM", "c.warc", "d.warc.gz", "e.rss", "f.atom", "g.xml", "h.gz", "i.png"):
        write(tmp_path, name, "x")
    found = sorted(cf.rel for cf in discover([tmp_path]) if not isinstance(cf, Problem))
    assert found == ["a.html", "b.HTM", "c.warc", "d.warc.gz", "e.rss", "f.atom", "g.xml"]
    cf = next(cf for cf in discover([tmp_path / "d.warc.gz"]) if not isinstance(cf, Problem))
    assert cf.suffix == ".warc.gz" and cf.id_base == "d"
    assert isinstance(next(iter(read_file(cf))), Problem)


def test_worker_processes_give_what_the_process_itself_gives(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large archive's pages are extracted by worker processes: the same articles and notices,
    in the same order, as extracting them in the process itself."""
    from indexer.ingest.web import pool

    inline = list(read_corpus([archive]))
    monkeypatch.setattr(pool, "POOL_FROM_BYTES", 0)
    monkeypatch.setattr(pool, "workers", lambda: 2)
    assert list(read_corpus([archive])) == inline
    # In batches of two pages, more batches than may wait at once: still every page, in order.
    monkeypatch.setattr(pool, "BATCH_PAGES", 2)
    monkeypatch.setattr(pool, "IN_FLIGHT", 1)
    assert len(inline) > 2 * 2 * 2
    assert list(read_corpus([archive])) == inline


def test_batches_cut_by_pages_and_by_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.ingest.web import pool

    monkeypatch.setattr(pool, "BATCH_PAGES", 3)
    monkeypatch.setattr(pool, "BATCH_BYTES", 100)
    jobs = [(n, "u", None, b"x" * size, "") for n, size in enumerate([10, 10, 10, 10, 150, 10, 60, 60, 5])]
    got = [[job[0] for job in batch] for batch in pool._batches(jobs)]
    assert got == [[0, 1, 2], [3, 4], [5, 6, 7], [8]]


def _capture(path: Path, pages: list[tuple[str, str, str]]) -> None:
    """An archive of (url, headline, capture date) pages, each with a body of its own."""
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, title, day in pages:
            head = f"<html><head><title>{title}</title></head>"
            body = f"{head}<body><h1>{title}</h1>{STORY}<p>{title} {day}।</p></body></html>"
            _response(w, url, body.encode(), date=f"{day}T10:00:00Z")


def test_the_newest_capture_wins_across_archives_and_reindexes(tmp_path: Path) -> None:
    """The same URL crawled on two days, in two archives: one article, the newest capture's,
    whichever file is read first; and after any change, what a full rebuild gives."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    x = "https://x.example/desh/sansad"
    _capture(corpus / "crawl-1.warc.gz", [(x, "संसद पहला दिन", "2024-06-01")])
    _capture(corpus / "crawl-2.warc.gz", [(x, "संसद दूसरा दिन", "2024-06-02"),
                                           ("https://x.example/b", "बजट पर बहस", "2024-06-02")])  # fmt: skip
    ix = tmp_path / "ix"

    def title() -> str:
        found = SearchService(ix).article("x.example/desh/sansad")
        assert found is not None
        return found.title

    def same_as_full() -> None:
        full = tmp_path / f"full-{len(list(tmp_path.iterdir()))}"
        reindex([corpus], full)
        assert SearchService(full).article("x.example/desh/sansad").title == title()  # type: ignore[union-attr]

    report = reindex([corpus], ix, strict=True)  # a second capture is no fault of the input
    assert report.indexed == 2 and title() == "संसद दूसरा दिन"
    assert any("the same story as in" in p.reason and p.notice for p in report.notices)
    # An older capture, read first: the newer one stays
    _capture(corpus / "crawl-0.warc.gz", [(x, "संसद शून्य दिन", "2024-05-30")])
    assert reindex([corpus], ix).incremental and title() == "संसद दूसरा दिन"
    same_as_full()
    # The newest archive goes: the next newest capture comes back
    (corpus / "crawl-2.warc.gz").unlink()
    assert reindex([corpus], ix).incremental and title() == "संसद पहला दिन"
    same_as_full()
    # A newer capture arrives in a file read first
    _capture(corpus / "crawl-00.warc.gz", [(x, "संसद नया दिन", "2024-06-09")])
    assert reindex([corpus], ix).incremental and title() == "संसद नया दिन"
    same_as_full()


def test_the_extractor_is_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.ingest.web import extract as module

    monkeypatch.delenv("KHABAR_EXTRACTOR", raising=False)
    assert module.extractor() == "resiliparse"
    monkeypatch.setattr(module.importlib.util, "find_spec", lambda name: None)  # no wheel here
    assert module.extractor() == "trafilatura"
    monkeypatch.setenv("KHABAR_EXTRACTOR", "boilerpipe")
    with pytest.raises(ValueError, match="use one of resiliparse, trafilatura"):
        module.extractor()

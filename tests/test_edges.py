"""Every output stays valid whatever the articles and queries hold (issue 18, cases 2-7): dates
at the calendar's edges, lone surrogates, control characters, CSV formulas, binary files and
request lines longer than a server's own limit."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from indexer.benchmark.measure import serving
from indexer.build import reindex
from indexer.engines.config import EngineConfig
from indexer.ingest import Article, Problem, read_corpus
from indexer.search import SearchRequest, SearchService
from indexer.timeline import MAX_BARS
from tests.conftest import CORPUS, REPO, Indexes, write
from webapp import create_app


def jsonl(path: Path, records: list[dict]) -> Path:
    return write(path.parent, path.name, "".join(json.dumps(r) + "\n" for r in records))


# -- case 2: dates at the edge of the calendar -------------------------------------------------------

EDGE_DATES = [
    {"id": "first", "title": "रूस पहला", "body": "रूस की सबसे पुरानी ख़बर।", "date": "0001-01-01"},
    {"id": "last", "title": "रूस अंतिम", "body": "रूस की सबसे नई ख़बर।", "date": "9999-12-31"},
    {"id": "late", "title": "रूस रात", "body": "रूस, साल की अंतिम रात।", "date": "9999-12-31T23:59:59-12:00"},
    {"id": "now", "title": "रूस आज", "body": "रूस की आज की ख़बर।", "date": "2021-04-20"},
]


@pytest.fixture(scope="module")
def edge_app(indexes: Indexes, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = jsonl(tmp_path_factory.mktemp("edges") / "dates.jsonl", EDGE_DATES)
    return create_app(indexes.build([path], "edges")).test_client()


def test_every_accepted_date_is_drawn_counted_and_filtered(edge_app) -> None:  # type: ignore[no-untyped-def]
    """9999-12-31 made every page 500 (year 10000 is out of range); 0001-01-01 drew 2,030 bars."""
    for url in ("/", "/?q=रूस", "/?q=रूस&share=1", "/api/search?q=रूस", "/api/search", "/feed?q=रूस"):
        r = edge_app.get(url)
        assert r.status_code == 200, (url, r.data[:300])
    data = edge_app.get("/api/search?q=रूस&per_page=10").get_json()
    assert data["total"] == 4
    timeline = data["timeline"]
    buckets = timeline["series"][0]["buckets"]
    assert timeline["interval"] == "millennium" and len(buckets) == 10 <= MAX_BARS
    assert buckets[0]["start"] == "0001-01-01" and buckets[-1]["end"] == "9999-12-31"
    assert [b["count"] for b in buckets] == [1, 0, 1, 0, 0, 0, 0, 0, 0, 2]
    assert {v["value"]: v["count"] for v in data["facets"]["year"]} == {"9999": 2, "2021": 1, "0001": 1}
    # Each bar's link narrows the dates to it, and finds what it counted.
    last = edge_app.get(buckets[-1]["url"]).get_json()
    assert {h["id"] for h in last["hits"]} == {"last", "late"}
    assert last["timeline"]["interval"] == "day"
    assert last["timeline"]["series"][0]["buckets"][-1]["end"] == "9999-12-31"
    first = edge_app.get("/api/search?q=रूस&to=0001-01-01").get_json()
    assert [h["id"] for h in first["hits"]] == ["first"]
    (only,) = first["timeline"]["series"][0]["buckets"]
    assert (only["start"], only["end"], only["count"], only["share"]) == ("0001-01-01", "0001-01-01", 1, 1.0)
    page = edge_app.get("/?q=रूस").get_data(as_text=True)
    assert page.count('class="bar"') <= MAX_BARS and len(page) < 100_000
    assert "9000–9999" in page  # the last millennium's label
    ET.fromstring(edge_app.get("/feed?q=रूस").data)  # the feed parses


def test_the_quick_ranges_ignore_a_far_future_date(edge_app) -> None:  # type: ignore[no-untyped-def]
    data = edge_app.get("/api/search?q=रूस").get_json()
    assert data["newest_date"] == "2021-04-20"
    assert {r["to"] for r in data["quick_ranges"]} == {"2021-04-20"}


# -- cases 3 and 4: lone surrogates and control characters ---------------------------------------------

DIRTY = [
    # JSON can spell a lone surrogate, which no UTF-8 output can carry.
    '{"id": "s", "title": "रूस \\ud800 सीमा", "body": "रूस \\ud800 x और \\udfff", "author": "\\udbff"}',
    # A form feed in a headline, an escape in a body, NUL and DEL, a noncharacter.
    '{"id": "c", "title": "रूस\\u000cयूक्रेन", "body": "रूस \\u001b[31m लाल \\u0000 \\u007f \\uffff", '
    '"tags": ["\\u0007"]}',
]


@pytest.fixture(scope="module")
def dirty(indexes: Indexes, tmp_path_factory: pytest.TempPathFactory) -> tuple[EngineConfig, list[Problem]]:
    root = tmp_path_factory.mktemp("dirty")
    write(root, "d.jsonl", "\n".join(DIRTY) + "\n")
    config = indexes.config("dirty")
    report = reindex([root], config)
    assert report.indexed == 2
    return config, report.problems


def test_dirty_text_is_replaced_and_reported(dirty) -> None:  # type: ignore[no-untyped-def]
    config, problems = dirty
    svc = SearchService(config)
    assert sorted(str(p) for p in problems) == [
        "d.jsonl:1: lone surrogates, which are not Unicode text (2 in the body, 1 in the title, 1 in the "
        "author): replaced by U+FFFD (indexed anyway)",
        "d.jsonl:2: control characters (4 in the body, 1 in the title, 1 in the tags): replaced by a "
        "space or U+FFFD (indexed anyway)",
    ]
    s = svc.article("s")
    assert s is not None and s.title == "रूस \ufffd सीमा" and s.body == "रूस \ufffd x और \ufffd"
    c = svc.article("c")
    assert c is not None and c.title == "रूस यूक्रेन" and "\x1b" not in c.body and "\x00" not in c.body
    assert svc.search(SearchRequest(q="यूक्रेन")).total == 1  # the form feed separates the words


def test_every_output_of_dirty_text_is_valid(dirty) -> None:  # type: ignore[no-untyped-def]
    config, _ = dirty
    client = create_app(config).test_client()
    for url in ("/?q=रूस", "/api/search?q=रूस", "/article/s", "/api/article/s", "/article/c"):
        r = client.get(url)
        assert r.status_code == 200, url
        r.data.decode("utf-8")  # strictly: no surrogate could be encoded
    for fmt in ("csv", "jsonl"):
        r = client.get(f"/export?q=रूस&format={fmt}")
        assert r.status_code == 200 and r.headers["Content-Type"] == (
            "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
        )
        text = r.data.decode("utf-8")
        if fmt == "jsonl":
            assert len([json.loads(line) for line in text.splitlines()]) == 2
    feed = client.get("/feed?q=रूस").data
    ET.fromstring(feed)  # well-formed XML: no control character, no &#55296;
    assert b"&#55296;" not in feed and b"\x0c" not in feed and b"\x1b" not in feed


def test_the_cli_prints_dirty_text_and_queries(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write(root, "d.jsonl", "\n".join(DIRTY) + "\n")
    ix = tmp_path / "ix"
    reindex([root], ix)
    base = [sys.executable, "-m", "indexer.cli"]
    for args in (["search", "रूस", "--index", str(ix)], ["search", "रूस", "--json", "--index", str(ix)],
                 ["export", "रूस", "--format", "jsonl", "--index", str(ix)]):  # fmt: skip
        out = subprocess.run([*base, *args], cwd=REPO, capture_output=True)
        assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr
        out.stdout.decode("utf-8")
    # Bytes that are not UTF-8 on the command line arrive as lone surrogates.
    broken = b"\xed\xa0\x80\xff".decode("utf-8", "surrogateescape")
    out = subprocess.run([*base, "search", broken, "--index", str(ix)], cwd=REPO, capture_output=True)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr


# -- case 6: binary files, whatever their name says --------------------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 40 + b"\n{not json}\n" * 145


@pytest.mark.parametrize("name", ["x.txt", "x.json", "x.jsonl", "x.csv"])
def test_a_binary_file_is_one_problem(tmp_path: Path, name: str) -> None:
    """A renamed ELF file gave 145 warnings as JSON Lines (one per "line"); one, like the rest."""
    write(tmp_path, name, ELF)
    write(tmp_path, "ok.txt", "ख़बर\nरूस।\n")
    items = list(read_corpus([tmp_path]))
    assert [str(p) for p in items if isinstance(p, Problem)] == [f"{name}: binary file, not text (skipped)"]
    assert [a.id for a in items if isinstance(a, Article)] == ["ok"]


# -- case 5: CSV cells that a spreadsheet would run -----------------------------------------------------


def test_an_exported_csv_runs_no_formula(tmp_path: Path) -> None:
    evil = "-1+cmd|' /C calc'!A0"
    jsonl(
        tmp_path / "c" / "e.jsonl",
        [{"id": "e", "title": evil, "body": "रूस", "source": "+1+1", "author": "-12"}],
    )
    reindex([tmp_path / "c"], tmp_path / "ix")
    r = create_app(tmp_path / "ix").test_client().get("/export?format=csv")
    row = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))[1]
    assert row[2] == "'" + evil and row[3] == "'+1+1" and row[5] == "-12"


# -- case 7: request lines longer than a server's own limit --------------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])  # Waitress, Gunicorn
def test_an_overlong_query_gets_khabars_own_answer(workers: str, tmp_path: Path) -> None:
    """A 5,000-letter Devanagari query (45,000 bytes encoded) got Gunicorn's English 414 page."""
    reindex([CORPUS], tmp_path / "ix")
    q = urllib.parse.quote("कि" * 2500)
    with serving(tmp_path / "ix", "--workers", workers) as base:
        with pytest.raises(urllib.error.HTTPError) as api:
            urllib.request.urlopen(f"{base}/api/search?q={q}", timeout=30)
        assert api.value.code == 400 and api.value.headers["Content-Type"] == "application/json"
        assert "longer than 500 characters" in json.load(api.value)["error"]["message"]
        with pytest.raises(urllib.error.HTTPError) as html:
            urllib.request.urlopen(f"{base}/?q={q}", timeout=30)
        page = html.value.read().decode("utf-8")
        assert html.value.code == 400 and '<html lang="hi">' in page and "अनुरोध ठीक नहीं है" in page


def test_dates_of_every_form_stay_within_the_calendar() -> None:
    """Whatever ingestion reads as a date is a date a page can show (no year 0 or 10000)."""
    from indexer.ingest.dates import parse_date

    for text in ("0001-01-01", "9999-12-31T23:59:59+14:00", "1 जनवरी 0001", "31 दिसंबर 9999", "253402300799"):
        d = parse_date(text)
        assert date(1, 1, 1) <= d.date() <= date(9999, 12, 31)


# -- case 13: credentials never in clear text to another machine -----------------------------------


@pytest.mark.parametrize(
    ("options", "refused"),
    [
        ({"opensearch_url": "http://db.example.com:9200", "user": "u", "password": "p"}, "clear text"),
        ({"opensearch_url": "http://u:p@db.example.com:9200"}, "clear text"),
        ({"opensearch_url": "http://10.0.0.5:9200", "aws_region": "ap-south-1"}, "clear text"),
        ({"opensearch_url": "https://a.example:9200,http://b.example:9200"}, "mix https:// and http://"),
        ({"opensearch_url": "http://127.0.0.1:9200,https://127.0.0.1:9201"}, "mix https:// and http://"),
        ({"opensearch_url": "http://127.0.0.2:9200", "user": "u", "password": "p"}, None),  # loopback
        ({"opensearch_url": "http://[::1]:9200", "user": "u", "password": "p"}, None),
        ({"opensearch_url": "http://localhost:9200", "user": "u", "password": "p"}, None),
        ({"opensearch_url": "https://db.example.com:9200", "user": "u", "password": "p"}, None),
        ({"opensearch_url": "http://db.example.com:9200"}, None),  # nothing secret to send
        ({"opensearch_url": "http://db.example.com:9200", "user": "u", "insecure": True}, None),  # asked for
    ],
)
def test_credentials_over_plain_http_are_refused(options: dict, refused: str | None) -> None:
    from indexer.engines.config import from_options

    if refused is None:
        from_options(engine="opensearch", environ={}, **options)
        return
    with pytest.raises(ValueError, match=refused) as e:
        from_options(engine="opensearch", environ={}, **options)
    assert "p@" not in str(e.value) and "u:p" not in str(e.value)


def test_the_cli_refuses_before_sending_a_packet(tmp_path: Path) -> None:
    """Run where no packet can leave (an empty network namespace): the refusal comes first, as a
    one-line error and exit status 2; with --opensearch-insecure it tries, and fails to reach it."""
    cmd = [sys.executable, "-m", "indexer.cli", "search", "रूस", "--engine", "opensearch",
           "--opensearch-url", "http://db.example.com:9200", "--opensearch-user", "editor"]  # fmt: skip
    env = {**os.environ, "KHABAR_OPENSEARCH_PASSWORD": "hunter2"}
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare -n is not permitted here: the test must not reach the network")
    out = subprocess.run(["unshare", "-n", *cmd], cwd=REPO, env=env, capture_output=True, text=True)
    assert out.returncode == 2 and "refusing to send OpenSearch credentials in clear text" in out.stderr
    assert "hunter2" not in out.stderr + out.stdout and "Traceback" not in out.stderr
    out = subprocess.run(["unshare", "-n", *cmd, "--opensearch-insecure"], cwd=REPO, env=env,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 3 and "cannot reach the OpenSearch cluster" in out.stderr
    assert "hunter2" not in out.stderr + out.stdout and "Traceback" not in out.stderr


def test_redact_keeps_ipv6_brackets() -> None:
    from indexer.engines.config import redact

    assert redact("http://u:p@[::1]:9200/x") == "http://[::1]:9200/x"
    assert redact("https://user:pa:ss@[2001:db8::1]/") == "https://[2001:db8::1]/"
    assert redact("http://[::1]:9200") == "http://[::1]:9200"


# -- case 18: an optional library not installed ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["reindex", str(CORPUS)],
        ["search", "रूस"],
        ["export", "रूस"],
        ["serve", "--port", "0"],
        ["eval", "--docs", str(CORPUS), "--queries", "q.tsv", "--qrels", "r.txt"],
    ],
)
def test_a_missing_engine_library_names_the_extra_to_install(args: list[str], tmp_path: Path) -> None:
    """Installed without the [opensearch] extra: a traceback ending in ModuleNotFoundError, and
    exit status 0, before issue 18."""
    if args[0] == "eval":
        (tmp_path / "q.tsv").write_text("1\tरूस\n", encoding="utf-8")
        (tmp_path / "r.txt").write_text("1 0 x 1\n", encoding="utf-8")
    code = (
        "import sys; sys.modules['opensearchpy'] = None  # as if it were not installed\n"
        "from indexer.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    cmd = [sys.executable, "-c", code, *args, "--engine", "opensearch"]
    out = subprocess.run(
        cmd, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True
    )
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert "pip install 'khabar[opensearch]'" in out.stderr and "Traceback" not in out.stderr

"""Every input format, the .txt conventions, and every kind of bad input."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from indexer.ingest import read_corpus
from indexer.ingest.dates import parse_date
from indexer.ingest.fields import title_from_body
from indexer.ingest.files import FORMATS
from indexer.ingest.txt import is_bio
from indexer.records import Article, Problem
from tests.conftest import CORPUS, write


def read(paths: list[Path]) -> tuple[dict[str, Article], list[Problem]]:
    articles: dict[str, Article] = {}
    problems: list[Problem] = []
    for item in read_corpus(paths):
        if isinstance(item, Article):
            articles[item.id] = item
        else:
            problems.append(item)
    return articles, problems


def test_fixture_corpus_reads_cleanly() -> None:
    articles, problems = read([CORPUS])
    assert problems == []
    assert sorted(articles) == [
        "brief-1",
        "wire-1",
        "wire-2",
        "खेल/cricket-final",
        "खेल/hockey-bronze",
        "राजनीति/chunav-natije",
        "राजनीति/kisan-andolan",
        "विज्ञान-तकनीक/chandrayaan",
        "व्यापार/sensex-girawat",
    ]


def test_txt_header_headline_body_and_folder_category() -> None:
    articles, _ = read([CORPUS])
    a = articles["खेल/cricket-final"]
    assert a.title == "मुंबई ने रोमांचक मुकाबले में जीता क्रिकेट फ़ाइनल"
    assert a.body.startswith("मुंबई, 20 अप्रैल।")
    assert a.title not in a.body
    assert a.category == "खेल"  # from the folder
    assert (a.source, a.author) == ("दैनिक समाचार", "प्रिया शर्मा")
    assert a.date == datetime(2021, 4, 20)
    assert a.tags == ["क्रिकेट", "मुंबई"]
    assert a.url == "https://example.com/khel/cricket-final"


def test_txt_without_header() -> None:
    articles, _ = read([CORPUS])
    a = articles["विज्ञान-तकनीक/chandrayaan"]
    assert a.title == "इसरो का चंद्रयान चाँद की कक्षा में पहुँचा"
    assert a.date is None and a.source == "" and a.category == "विज्ञान-तकनीक"


def test_trailing_english_bio_becomes_byline_not_body() -> None:
    articles, _ = read([CORPUS])
    a = articles["व्यापार/sensex-girawat"]
    assert a.byline == "Coffee lover. Amateur photographer. Writes about markets and money."
    assert "Coffee" not in a.body
    assert a.body.endswith("जारी रह सकता है।")


def test_seed_article_bio(tmp_path: Path) -> None:
    seed = Path(__file__).parent.parent / "seeds" / "000_07809debebbc832a.txt"
    articles, problems = read([seed])
    a = articles["000_07809debebbc832a"]
    assert problems == []
    assert a.title.startswith("किम जोंग उन रूस में")
    assert a.byline.startswith("Prone to fits of apathy")
    assert "Prone" not in a.body and a.category == ""


@pytest.mark.parametrize(
    ("paragraph", "bio"),
    [
        ("“Prone to fits of apathy. Devoted music geek.”", True),
        ('"Writer. Coffee lover."', True),
        ("“यह एक उद्धरण है।”", False),  # a Hindi quote is news, not a bio
        ("Plain English without quotes.", False),
        ("“Mixed हिंदी and English.”", False),
    ],
)
def test_is_bio(paragraph: str, bio: bool) -> None:
    assert is_bio(paragraph) is bio


def test_a_quoted_hindi_last_line_stays_in_the_body(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "शीर्षक\nपहला अनुच्छेद।\n“हम लड़ते रहेंगे,” नेता ने कहा।\n")
    articles, _ = read([tmp_path])
    assert articles["a"].byline == ""
    assert articles["a"].body.endswith("नेता ने कहा।")


def test_header_category_overrides_folder(tmp_path: Path) -> None:
    write(tmp_path, "खेल/x.txt", "---\ncategory: राजनीति\n---\nशीर्षक\nखेल और राजनीति।\n")
    articles, _ = read([tmp_path])
    assert articles["खेल/x"].category == "राजनीति"


def test_header_title_that_differs_from_first_line_keeps_all_text(tmp_path: Path) -> None:
    write(tmp_path, "x.txt", "---\ntitle: असली शीर्षक\n---\nपहली पंक्ति भी ख़बर है।\nदूसरी पंक्ति।\n")
    articles, _ = read([tmp_path])
    a = articles["x"]
    assert a.title == "असली शीर्षक"
    assert a.body.startswith("पहली पंक्ति भी ख़बर है।")


def test_nested_folders_take_the_top_level_category_and_path_ids(tmp_path: Path) -> None:
    write(tmp_path, "खेल/2021/अप्रैल/x.txt", "शीर्षक\nबॉडी का पाठ।\n")
    articles, _ = read([tmp_path])
    assert articles["खेल/2021/अप्रैल/x"].category == "खेल"


def test_crlf_bom_and_utf16(tmp_path: Path) -> None:
    write(tmp_path, "crlf.txt", "शीर्षक एक\r\nपाठ एक।\r\n".encode())
    write(tmp_path, "bom.txt", "\ufeffशीर्षक दो\nपाठ दो।\n".encode())
    write(tmp_path, "u16.txt", "शीर्षक तीन\nपाठ तीन।\n".encode("utf-16"))
    articles, problems = read([tmp_path])
    assert problems == []
    assert articles["crlf"].title == "शीर्षक एक" and articles["crlf"].body == "पाठ एक।"
    assert articles["bom"].title == "शीर्षक दो"
    assert articles["u16"].body == "पाठ तीन।"


def test_jsonl_json_and_csv_records() -> None:
    articles, _ = read([CORPUS])
    w1 = articles["wire-1"]
    assert w1.title == "रूस और भारत के बीच तेल समझौता"  # from "headline"
    assert w1.body.startswith("मॉस्को।")  # from "text"
    assert w1.date == datetime(2022, 7, 1, 10, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert w1.tags == ["रूस", "तेल"]
    assert articles["wire-2"].tags == ["मानसून", "बारिश"]  # comma-separated string
    b = articles["brief-1"]
    assert (b.title, b.category, b.author) == ("रिज़र्व बैंक ने रेपो दर घटाई", "व्यापार", "सीमा अग्रवाल")
    assert b.tags == ["बैंक", "ब्याज"]


def test_json_array_and_default_ids(tmp_path: Path) -> None:
    recs = [{"title": "पहला", "content": "पहला पाठ।"}, {"title": "दूसरा", "body": "दूसरा पाठ।", "id": 42}]
    write(tmp_path, "feed/batch.json", json.dumps(recs, ensure_ascii=False))
    articles, problems = read([tmp_path])
    assert problems == []
    assert set(articles) == {"feed/batch/1", "42"}
    assert articles["feed/batch/1"].category == "feed"  # no category field: the folder's


def test_missing_title_is_taken_from_the_body(tmp_path: Path) -> None:
    write(
        tmp_path,
        "x.jsonl",
        json.dumps({"body": "बीबीसी की ख़बर का पहला वाक्य। फिर दूसरा वाक्य।"}, ensure_ascii=False),
    )
    articles, _ = read([tmp_path])
    assert articles["x/1"].title == "बीबीसी की ख़बर का पहला वाक्य।"


def test_title_from_long_body_is_cut_at_a_word() -> None:
    body = "शब्द " * 100
    title = title_from_body(body)
    assert len(title) <= 121 and title.endswith("…") and title[:-1].endswith("शब्द")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-04-20", datetime(2021, 4, 20)),
        (
            "2021-04-20T10:00:00+05:30",
            datetime(2021, 4, 20, 10, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        ("2021-04-20 10:00", datetime(2021, 4, 20, 10)),
        ("2021-04-20T04:30:00Z", datetime(2021, 4, 20, 4, 30, tzinfo=UTC)),
    ],
)
def test_parse_date(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2021", "2021-13-01", "yesterday", "2021/04/20", " "])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("latin1.txt", "शीर्षक\n".encode() + b"caf\xe9\n", "not UTF-8"),
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n ", "empty file"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("headline-only.txt", "बस शीर्षक\n".encode(), "no body"),
    ("open-header.txt", "---\ndate: 2021-01-01\nशीर्षक\nपाठ\n".encode(), "never closed"),
    ("empty.jsonl", b"\n\n", "empty file"),
    ("broken.json", b'[{"title": "x", ', "invalid JSON"),
    ("scalar.json", b"42", "expected a JSON array"),
    ("nohdr.csv", b"", "empty file"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_reported_and_skipped(
    corpus_copy: Path, name: str, content: bytes, reason: str
) -> None:
    write(corpus_copy, name, content)
    articles, problems = read([corpus_copy])
    assert len(articles) == 9  # nothing good lost
    mine = [p for p in problems if p.path == name]
    assert len(mine) == 1 and reason in mine[0].reason and mine[0].skipped, problems


def test_bad_jsonl_lines_cost_only_themselves(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "अच्छा", "body": "अच्छा पाठ।"}, ensure_ascii=False),
        '{"title": "टूटा", "body": ',  # does not parse
        json.dumps({"title": "बिना बॉडी"}, ensure_ascii=False),  # no body
        json.dumps({"title": "तारीख़", "body": "पाठ।", "date": "कल"}, ensure_ascii=False),  # bad date
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": {"nested": 1}, "body": "पाठ"}),
    ]
    data = ("\n".join(lines) + "\n").encode() + b'{"title": "\xff"}\n'
    write(tmp_path, "feed.jsonl", data)
    articles, problems = read([tmp_path])
    assert sorted(articles) == ["feed/1", "feed/4"]
    assert articles["feed/4"].date is None
    by_line = {p.line: p for p in problems}
    assert set(by_line) == {2, 3, 4, 5, 6, 7}
    assert "invalid JSON" in by_line[2].reason
    assert "no body" in by_line[3].reason
    assert "ISO" in by_line[4].reason and not by_line[4].skipped  # indexed without a date
    assert "JSON object" in by_line[5].reason
    assert "dict instead of text" in by_line[6].reason
    assert "UTF-8" in by_line[7].reason
    assert str(by_line[2]).startswith("feed.jsonl:2: invalid JSON")


def test_csv_rows(tmp_path: Path) -> None:
    write(
        tmp_path,
        "rows.csv",
        "Title,Body,Date,Extra\n"
        'अच्छा,"पाठ, अल्पविराम के साथ",2021-01-01,\n'
        "बिना,,2021-01-01,\n"
        "तारीख़,पाठ,31/02/2021,\n"
        "ज़्यादा,पाठ,2021-01-02,x,y\n",
    )
    articles, problems = read([tmp_path])
    assert sorted(articles) == ["rows/1", "rows/3", "rows/4"]
    assert articles["rows/1"].body == "पाठ, अल्पविराम के साथ"
    reasons = {p.line: p.reason for p in problems}
    assert "no body" in reasons[3] and "impossible" in reasons[4] and "more cells" in reasons[5]


def test_missing_paths_and_unsupported_files(tmp_path: Path) -> None:
    write(tmp_path, "notes.md", "# not an article")
    write(tmp_path, ".hidden.txt", "शीर्षक\nपाठ\n")
    write(tmp_path, "a.txt", "शीर्षक\nपाठ।\n")
    articles, problems = read([tmp_path, tmp_path / "missing", tmp_path / "notes.md"])
    assert list(articles) == ["a"]  # .md in a folder is ignored; hidden files too
    assert {p.reason for p in problems} == {
        "no such file or folder",
        "not a supported format (use " + ", ".join(FORMATS) + ")",
    }


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path, "a/x.txt", "शीर्षक\nपाठ।\n")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    articles, _ = read([tmp_path])
    assert list(articles) == ["a/x"]


@pytest.mark.parametrize("name", ["huge.txt", "huge.json", "huge.csv"])
def test_files_too_large_to_read_whole_are_refused(corpus_copy: Path, name: str) -> None:
    with (corpus_copy / name).open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # a sparse 200 MB file: nothing is actually written
    articles, problems = read([corpus_copy])
    assert len(articles) == 9
    assert next(p.reason for p in problems if p.path == name).startswith("too large to read whole (210 MB")


def test_deeply_nested_folders(tmp_path: Path) -> None:
    deep = "/".join(f"d{n}" for n in range(60))
    write(tmp_path, f"{deep}/x.txt", "शीर्षक\nपाठ।\n")
    articles, problems = read([tmp_path])
    assert problems == [] and list(articles) == [f"{deep}/x"]


def _drop_root_override() -> None:
    """Run in the child before exec: give up the capabilities that let root read any file, so
    that permissions bite when the tests run as root (as in CI containers)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_unreadable_files_and_folders_are_reported_and_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    good, _ = read([corpus])
    write(corpus, "locked.txt", "शीर्षक\nपाठ।\n")
    write(corpus, "locked.jsonl", '{"id": "w1", "title": "शीर्षक", "body": "पाठ।"}\n')
    write(corpus, "vault/inside.txt", "शीर्षक\nपाठ।\n")
    locked = [corpus / "locked.txt", corpus / "locked.jsonl", corpus / "vault"]
    for p in locked:
        p.chmod(0)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "indexer.cli", "reindex", str(corpus), "--index", str(tmp_path / "ix")],
            capture_output=True,
            text=True,
            preexec_fn=_drop_root_override if os.geteuid() == 0 else None,
            check=False,
        )
    finally:
        for p in locked:
            p.chmod(0o755)
    assert out.returncode == 0, out.stderr
    assert "locked.txt: cannot read file: Permission denied" in out.stderr
    assert "locked.jsonl: cannot read file: Permission denied" in out.stderr
    assert "vault: cannot read folder: Permission denied" in out.stderr
    assert f"Indexed {len(good)} article(s)" in out.stdout


# -- input that used to stop a reindex (issue 10) ------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_indexed_with_a_readable_id(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9 \xe0\xa4\x95.txt")  # a Latin-1 byte, then a valid Devanagari क
    write(tmp_path, name, "शीर्षक\nपाठ यहाँ है।\n")
    articles, problems = read([tmp_path])
    assert list(articles) == ["caf%E9 क"]
    assert [(p.path, p.skipped) for p in problems] == [("caf%E9 क.txt", False)]
    assert "not UTF-8" in problems[0].reason


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("deep.json", "[" * 1500 + "]" * 1500, "deep.json"),
        ("deep.jsonl", "[" * 1500 + "]" * 1500 + '\n{"title": "ठीक", "body": "ठीक पाठ"}\n', "deep.jsonl:1"),
        ("obj.jsonl", '{"title": "x", "body": ' + '{"a":' * 1500 + "1" + "}" * 1501 + "\n", "obj.jsonl:1"),
    ],
)
def test_json_nested_too_deeply_is_a_broken_record(
    tmp_path: Path, name: str, content: str, where: str
) -> None:
    write(tmp_path, name, content)
    articles, problems = read([tmp_path])
    assert [str(p) for p in problems] == [f"{where}: JSON nested too deeply (skipped)"]
    assert list(articles) == (["deep/2"] if name == "deep.jsonl" else [])


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_text_is_decoded(tmp_path: Path, encoding: str) -> None:
    text = "शीर्षक तीन\nतीसरा लेख यहाँ।\n"
    data = text.encode(encoding)
    if encoding != "utf-32":  # the plain codec writes its own BOM
        data = "\ufeff".encode(encoding) + data
    write(tmp_path, "u.txt", data)
    articles, problems = read([tmp_path])
    assert problems == [] and articles["u"].title == "शीर्षक तीन" and "\x00" not in articles["u"].body


def test_wide_json_lines_are_refused_by_name(tmp_path: Path) -> None:
    write(tmp_path, "w.jsonl", '{"title": "a", "body": "b"}\n'.encode("utf-16"))
    articles, problems = read([tmp_path])
    assert not articles and [str(p) for p in problems] == [
        "w.jsonl: JSON Lines must be UTF-8 (this file is UTF-16 or UTF-32) (skipped)"
    ]


def test_a_path_given_twice_or_inside_another_is_read_once(tmp_path: Path) -> None:
    write(tmp_path, "d/a.txt", "एक\nपहला लेख।\n")
    write(tmp_path, "d/sub/b.txt", "दो\nदूसरा लेख।\n")
    for paths in (
        [tmp_path / "d", tmp_path / "d"],
        [tmp_path / "d", tmp_path / "d" / "sub"],
        [tmp_path / "d" / "sub", tmp_path / "d"],  # the folder's ids win, whatever the order
        [tmp_path / "d", tmp_path / "d" / "sub" / "b.txt"],
        [tmp_path / "d", tmp_path / "d" / ".." / "d"],
    ):
        articles, problems = read(paths)
        assert sorted(articles) == ["a", "sub/b"], paths
        assert len(problems) == 1 and "read once" in problems[0].reason and not problems[0].skipped


@pytest.mark.parametrize(
    ("given", "indexed"),
    [
        ("/lead", "lead"),
        ("a/../b", "a/__/b"),
        ("./a", "_/a"),
        ("a//b/", "a/b"),
        ("a\x00b\tc", "abc"),
        ("खेल/क्रिकेट", "खेल/क्रिकेट"),  # fine as it is
    ],
)
def test_ids_that_would_make_broken_links_are_cleaned(tmp_path: Path, given: str, indexed: str) -> None:
    write(tmp_path, "r.jsonl", json.dumps({"id": given, "title": "शीर्षक", "body": "पाठ"}) + "\n")
    articles, problems = read([tmp_path])
    assert list(articles) == [indexed]
    assert [p.skipped for p in problems] == ([] if given == indexed else [False])

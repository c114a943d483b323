"""Export formats: grapheme-safe excerpts and CSV a spreadsheet reads back exactly."""

from __future__ import annotations

import csv
import io
import json

import pytest

from indexer import export
from indexer.search import StoredArticle


def article(**kw: object) -> StoredArticle:
    base = dict(id="a/1", title="शीर्षक", body="पाठ", byline="", date="2021-04-20", category="खेल",
                source="स्रोत", author="लेखक", url="https://example.com/a", tags=["क", "ख"])  # fmt: skip
    return StoredArticle(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "limit", "expected"),
    [
        ("नमस्ते दुनिया", 300, "नमस्ते दुनिया"),
        ("पहली पंक्ति\n\nदूसरी  पंक्ति", 300, "पहली पंक्ति दूसरी पंक्ति"),  # one row per article
        ("क्षि", 2, ""),  # क्षि is one cluster of 4 code points: never cut inside
        ("अब क्षि", 4, "अब "),
        ("किसान", 2, "कि"),
        ("हिन्दी", 3, "हि"),  # न्दी: the virama joins न to द
    ],
)
def test_excerpt_never_cuts_a_cluster(body: str, limit: int, expected: str) -> None:
    assert export.excerpt(body, limit) == expected


def test_csv_round_trips_awkward_values() -> None:
    awkward = article(title='"उद्धरण", अल्पविराम और\nनई पंक्ति', tags=["एक, दो", "तीन"], body="x" * 500)
    text = "".join(export.csv_chunks([article(), awkward], batch=1))
    assert text.startswith(export.BOM) and text.count(export.BOM) == 1
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == list(export.CSV_COLUMNS)
    assert rows[2][2] == awkward.title and rows[2][6] == "एक, दो, तीन"
    assert rows[2][8] == "x" * export.EXCERPT
    assert len(rows) == 3


def test_jsonl_is_one_whole_record_per_line() -> None:
    items = [article(id=f"a/{i}", body=f"पंक्ति\nदो {i}") for i in range(450)]
    chunks = list(export.jsonl_chunks(items, batch=200))
    assert len(chunks) == 3  # streamed in batches, not built whole
    lines = "".join(chunks).splitlines()
    assert [json.loads(line) for line in lines] == [a.to_json() for a in items]


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="csv, jsonl"):
        export.chunks("xlsx", [])


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+91 98", "'+91 98"),
        ("@user", "'@user"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),  # a digit after the sign (issue 18)
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-5 डिग्री", "'-5 डिग्री"),  # only a cell that is all a number keeps its sign bare
        ("- सूत्र", "'- सूत्र"),
        ("-12", "-12"),
        ("+3.5", "+3.5"),
        ("-1,000", "-1,000"),
        ("-2.5e3", "-2.5e3"),
        ("-12%", "-12%"),
        ("-१२", "'-१२"),  # Devanagari digits: no spreadsheet reads them as a number
        ("\n=1+1", "'\n=1+1"),
        ("मुंबई = राजधानी", "मुंबई = राजधानी"),
        ("", ""),
    ],
)
def test_csv_cells_never_start_a_formula(value: str, shown: str) -> None:
    assert export.cell(value) == shown
    text = "".join(export.csv_chunks([article(title=value)]))
    assert next(csv.reader(io.StringIO(text[1:].split("\r\n", 1)[1])))[2] == shown

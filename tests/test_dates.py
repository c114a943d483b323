"""Publication dates as Hindi news sites write them: every form read, every form refused, and why."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.ingest import read_corpus
from indexer.ingest.dates import parse_date
from indexer.ingest.fields import build_article
from indexer.records import Article, Problem, iso_date
from tests.conftest import write

IST = timezone(timedelta(hours=5, minutes=30))
D = datetime(2021, 4, 20)  # 20 April 2021, a Tuesday
T = datetime(2021, 4, 20, 10, 30)


def same(got: datetime, want: datetime) -> None:
    """Equal wall-clock time AND equal zone: == alone calls 10:30+05:30 and 05:00+00:00 equal."""
    assert got.replace(tzinfo=None) == want.replace(tzinfo=None), (got, want)
    assert (got.tzinfo is None) == (want.tzinfo is None), (got, want)
    assert got.utcoffset() == want.utcoffset(), (got, want)


ACCEPTED: list[tuple[str, datetime]] = [
    # ISO, exactly as before this reader
    ("2021-04-20", D),
    ("2021-04-20 10:00", datetime(2021, 4, 20, 10)),
    ("2021-04-20T10:00:00+05:30", datetime(2021, 4, 20, 10, tzinfo=IST)),
    ("2021-04-20T04:30:00Z", datetime(2021, 4, 20, 4, 30, tzinfo=UTC)),
    ("2021-04-20T10:30:00.5+05:30", datetime(2021, 4, 20, 10, 30, 0, 500000, tzinfo=IST)),
    ("20210420", D),
    ("  2021-04-20\n", D),
    # ISO date with words after it
    ("2021-04-20 10:30 AM IST", T.replace(tzinfo=IST)),
    # Hindi: day month year, with weekday, time and zone
    ("20 अप्रैल 2021", D),
    ("20 अप्रैल, 2021", D),
    ("20 अप्रैल, 2021 10:30 AM IST", T.replace(tzinfo=IST)),
    ("मंगलवार, 20 अप्रैल 2021", D),
    ("20 अप्रैल 2021, मंगलवार", D),
    ("अप्रैल 20, 2021", D),
    ("२० अप्रैल २०२१", D),
    ("२०/०४/२०२१", D),
    ("20 अप्रेल 2021", D),
    ("प्रकाशित: 20 अप्रैल 2021", D),
    ("दिनांक 20 अप्रैल 2021", D),
    ("20 अप्रैल 2021 आईएसटी", D.replace(tzinfo=IST)),
    # Hindi time words
    ("20 अप्रैल 2021 सुबह 10:30 बजे", T),
    ("20 अप्रैल 2021 सुबह 10:30", T),
    ("20 अप्रैल 2021 पूर्वाह्न 10:30 बजे", T),
    ("20 अप्रैल 2021 दोपहर 12 बजे", datetime(2021, 4, 20, 12)),
    ("20 अप्रैल 2021 दोपहर 2:15 बजे", datetime(2021, 4, 20, 14, 15)),
    ("20 अप्रैल 2021 अपराह्न 3:00 बजे IST", datetime(2021, 4, 20, 15, tzinfo=IST)),
    ("20 अप्रैल 2021 शाम 5 बजे", datetime(2021, 4, 20, 17)),
    ("20 अप्रैल 2021 शाम 19:30", datetime(2021, 4, 20, 19, 30)),  # already 24-hour
    ("20 अप्रैल 2021 रात 9 बजे", datetime(2021, 4, 20, 21)),
    ("20 अप्रैल 2021 रात 2 बजे", datetime(2021, 4, 20, 2)),  # after midnight
    ("20 अप्रैल 2021 10 बजे", datetime(2021, 4, 20, 10)),  # no period word: the 24-hour clock
    ("20 अप्रैल 2021 17:45", datetime(2021, 4, 20, 17, 45)),
    # English
    ("Apr 20, 2021", D),
    ("20 April 2021", D),
    ("April 20, 2021 10:30 AM", T),
    ("April 20, 2021 at 10:30 a.m.", T),
    ("APRIL 20, 2021 10:30 PM", datetime(2021, 4, 20, 22, 30)),
    ("20 Apr 2021, 10.30 am", T),
    ("20 Apr 2021 12:05 AM", datetime(2021, 4, 20, 0, 5)),
    ("20 Apr 2021 12:05 PM", datetime(2021, 4, 20, 12, 5)),
    ("20th Apr 2021", D),
    ("1st Sept 2021", datetime(2021, 9, 1)),
    ("20-Apr-2021", D),
    ("Tuesday, April 20, 2021", D),
    ("Updated: Tue, 20 Apr 2021 10:30 AM (IST)", T.replace(tzinfo=IST)),
    ("Last Updated: 20 Apr 2021, 10:30:00 hrs IST", T.replace(tzinfo=IST)),
    # numbers, DAY FIRST as in India
    ("20/04/2021", D),
    ("20-04-2021", D),
    ("20.04.2021", D),
    ("05/04/2021", datetime(2021, 4, 5)),
    ("5/4/2021", datetime(2021, 4, 5)),
    ("20/04/2021 10:30", T),
    # RSS: RFC 2822
    ("Tue, 20 Apr 2021 10:30:00 +0530", T.replace(tzinfo=IST)),
    ("Tue, 20 Apr 2021 05:00:00 GMT", datetime(2021, 4, 20, 5, tzinfo=UTC)),
    ("Tue, 20 Apr 2021 05:00:00 UTC", datetime(2021, 4, 20, 5, tzinfo=UTC)),
    ("Tue, 20 Apr 2021 05:00:00 +0000 (GMT)", datetime(2021, 4, 20, 5, tzinfo=UTC)),
    ("Tue, 20 Apr 2021 05:00:00 -0000", datetime(2021, 4, 20, 5, tzinfo=UTC)),
    ("Tue, 20 Apr 2021 01:00:00 -0400", datetime(2021, 4, 20, 1, tzinfo=timezone(-timedelta(hours=4)))),
    ("20 Apr 2021 10:30 GMT+05:30", T.replace(tzinfo=IST)),
    ("20 Apr 2021 10:30:00+05:30", T.replace(tzinfo=IST)),
    ("20 Apr 2021 10:30 IST", T.replace(tzinfo=IST)),
    # Unix time: an instant, returned in Indian time
    ("1618894800", T.replace(tzinfo=IST)),
    ("1618894800000", T.replace(tzinfo=IST)),
    ("1618894800.5", T.replace(second=0, microsecond=500000, tzinfo=IST)),
    ("1618894800123", T.replace(microsecond=123000, tzinfo=IST)),
    ("१६१८८९४८००", T.replace(tzinfo=IST)),
    ("999999999", datetime(2001, 9, 9, 7, 16, 39, tzinfo=IST)),
    # the same date written twice is one date
    ("20 अप्रैल 2021 (20/04/2021)", D),
]


@pytest.mark.parametrize(("text", "want"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted(text: str, want: datetime) -> None:
    same(parse_date(text), want)


def _iso_reader_before(text: str) -> datetime:
    """The whole of parse_date before it read anything but ISO: its answers must not change."""
    s = text.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}$", s):
        return datetime.strptime(s, "%Y-%m-%d")
    return datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)


_ZONES = st.sampled_from(["", "Z", "+05:30", "+0530", "-04:00", "+00:00"])


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from(["date", "T", " ", "basic"]),
    st.sampled_from(["hours", "minutes", "seconds", "milliseconds", "microseconds"]),
    _ZONES,
)
def test_iso_forms_read_exactly_as_before(d: datetime, sep: str, spec: str, zone: str) -> None:
    if sep == "date":
        text = d.date().isoformat()
    elif sep == "basic":
        text = d.strftime("%Y%m%d")
    else:
        text = d.isoformat(sep=sep, timespec=spec) + zone
    want = _iso_reader_before(text)
    same(parse_date(text), want)


HINDI_MONTHS = [
    (1, "जनवरी"),
    (2, "फ़रवरी"),  # precomposed फ़ (U+095E)
    (2, "फ़रवरी"),  # फ + nukta (U+092B U+093C)
    (2, "फरवरी"),
    (3, "मार्च"),
    (4, "अप्रैल"),
    (4, "अप्रेल"),
    (5, "मई"),
    (6, "जून"),
    (7, "जुलाई"),
    (8, "अगस्त"),
    (9, "सितंबर"),
    (9, "सितम्बर"),
    (9, "सितँबर"),  # chandrabindu for anusvara
    (10, "अक्टूबर"),
    (10, "अक्तूबर"),
    (11, "नवंबर"),
    (11, "नवम्बर"),
    (12, "दिसंबर"),
    (12, "दिसम्बर"),
    (12, "दिस\u200dम्बर"),  # a stray zero-width joiner
]


@pytest.mark.parametrize(("month", "word"), HINDI_MONTHS)
def test_hindi_months(month: int, word: str) -> None:
    same(parse_date(f"15 {word} 2021"), datetime(2021, month, 15))
    same(parse_date(f"{word} 15, 2021"), datetime(2021, month, 15))


ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ENGLISH_FULL = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")  # fmt: skip


@pytest.mark.parametrize("month", range(1, 13))
def test_english_months(month: int) -> None:
    same(parse_date(f"15 {ENGLISH_MONTHS[month - 1]} 2021"), datetime(2021, month, 15))
    same(parse_date(f"{ENGLISH_FULL[month - 1]} 15, 2021"), datetime(2021, month, 15))


WEEKDAYS = [  # 19 April 2021 was a Monday
    ("सोमवार", 19),
    ("मंगलवार", 20),
    ("बुधवार", 21),
    ("गुरुवार", 22),
    ("गुरूवार", 22),
    ("बृहस्पतिवार", 22),
    ("शुक्रवार", 23),
    ("शनिवार", 24),
    ("रविवार", 25),
    ("इतवार", 25),
    ("Mon", 19),
    ("Tuesday", 20),
    ("Wed", 21),
    ("Thu", 22),
    ("Fri", 23),
    ("Sat", 24),
    ("Sunday", 25),
]


@pytest.mark.parametrize(("weekday", "day"), WEEKDAYS)
def test_weekdays(weekday: str, day: int) -> None:
    same(parse_date(f"{weekday}, {day} अप्रैल 2021"), datetime(2021, 4, day))


REJECTED: list[tuple[str, str]] = [
    ("", "empty date"),
    ("   ", "empty date"),
    # impossible
    ("31/02/2021", "impossible: February 2021 has no day 31"),
    ("29 फ़रवरी 2021", "impossible: February 2021 has no day 29"),
    ("32 अप्रैल 2021", "impossible: April 2021 has no day 32"),
    ("0 अप्रैल 2021", "impossible: April 2021 has no day 0"),
    ("20/13/2021", "impossible: there is no month 13 (numeric dates are read day first)"),
    ("04/20/2021", "impossible: there is no month 20 (numeric dates are read day first)"),
    ("2021-13-01", "impossible: there is no month 13"),
    ("2021-02-30", "impossible: February 2021 has no day 30"),
    ("20/04/0000", "impossible: there is no year 0"),
    ("20 अप्रैल 2021 25:00", "impossible: there is no time 25:00"),
    ("20 अप्रैल 2021 10:61", "impossible: there is no time 10:61"),
    ("20 Apr 2021 10:30 +2500", "impossible: no time zone is +2500 from UTC"),
    # contradictory
    ("सोमवार, 20 अप्रैल 2021", "contradictory: 20 April 2021 was a Tuesday (मंगलवार), not सोमवार"),
    ("Mon, 20 Apr 2021 10:30:00 +0530", "contradictory: 20 April 2021 was a Tuesday (मंगलवार), not Mon"),
    ("20 अप्रैल 2021 सुबह 7 PM", "contradictory: 'सुबह 7 PM' is not an hour of सुबह"),
    ("20 अप्रैल 2021 शाम 9:00 AM", "contradictory: 'शाम 9:00 AM' is not an hour of शाम"),
    ("20 अप्रैल 2021 सुबह 10 बजे शाम", "contradictory: both सुबह and शाम"),
    ("20 Apr 2021 10:30 +0530 GMT", "contradictory: two time zones, +0530 and GMT"),
    # ambiguous
    ("20/04/21", "ambiguous: two-digit year '21'"),
    ("20 Apr 21", "ambiguous: two-digit year '21'"),
    ("Apr 20, 21", "ambiguous: two-digit year '21'"),
    ("20 अप्रैल", "ambiguous: 20 अप्रैल has no year"),
    ("20 अप्रैल 10 बजे", "ambiguous: 20 अप्रैल has no year"),
    ("April 20", "ambiguous: April 20 has no year"),
    ("April 2021", "ambiguous: April 2021 has no day of the month"),
    ("अप्रैल", "ambiguous: अप्रैल has no day of the month"),
    ("20 अप्रैल 2021, 21 अप्रैल 2021", "ambiguous: two different dates, 2021-04-20 and 2021-04-21"),
    ("20/04/2021 21/04/2021", "ambiguous: two different dates"),
    ("20 Apr 2021 10:30 11:00", "ambiguous: two different times, '10:30' and '11:00'"),
    ("20 अप्रैल 2021 रात 12 बजे", "ambiguous: 'रात 12' is the midnight before the date or the one after it"),
    ("2021", "ambiguous: a year alone, with no month and day"),
    # unreadable
    ("कल", "unreadable: unknown word 'कल'"),
    ("yesterday", "unreadable: unknown word 'yesterday'"),
    ("2 days ago", "unreadable: unknown word 'days'"),
    ("2021/04/20", "unreadable: year-first dates are read in ISO form only (2021-04-20)"),
    ("10:30 AM", "unreadable: no day, month and year in it"),
    ("मंगलवार", "unreadable: no day, month and year in it"),
    ("20 अप्रैल 2021 सुबह", "unreadable: सुबह with no time after it"),
    ("20 अप्रैल 2021 AM", "unreadable: 'AM' with no time before it"),
    ("20 अप्रैल 2021 7", "unreadable: stray number '7'"),
    ("2021 अप्रैल 20", "unreadable: '2021' before a month name is not a day"),
    ("20 अप्रैल 2021 #", "unreadable: unexpected character '#'"),
    ("12345", "unreadable: 5 digits are neither a Unix time"),
    ("16188948000", "unreadable: 11 digits are neither a Unix time"),
    ("20 अप्रैल 202", "unreadable: '202' in '20 अप्रैल 202' is not a year"),
]


@pytest.mark.parametrize(("text", "why"), REJECTED, ids=[t or "empty" for t, _ in REJECTED])
def test_rejected(text: str, why: str) -> None:
    with pytest.raises(ValueError) as e:
        parse_date(text)
    message = str(e.value)
    assert why in message
    if text.strip():
        assert message.startswith(f"date {text.strip()!r}: ")  # names the text it could not read


def test_unreadable_message_lists_the_forms_read() -> None:
    with pytest.raises(ValueError, match="forms read: ISO 2021-04-20, 20 अप्रैल 2021"):
        parse_date("कल")


def test_long_text_is_cut_in_the_message() -> None:
    with pytest.raises(ValueError) as e:
        parse_date("कल " * 100)
    assert len(str(e.value)) < 300 and "…'" in str(e.value)


def test_plain_dates_print_as_plain_dates() -> None:
    assert iso_date(parse_date("20 अप्रैल 2021")) == "2021-04-20"
    assert iso_date(parse_date("20/04/2021")) == "2021-04-20"
    assert iso_date(parse_date("20 अप्रैल 2021 10:30 AM IST")) == "2021-04-20T10:30:00+05:30"
    assert iso_date(parse_date("1618894800")) == "2021-04-20T10:30:00+05:30"


def test_timestamps_near_midnight_take_india_s_day() -> None:
    # 2021-03-31 19:00 UTC is already 1 April in India: the month facet must say April.
    d = parse_date("1617217200")
    assert (d.year, d.month, d.day, d.hour, d.minute) == (2021, 4, 1, 0, 30)
    same(d, datetime(2021, 4, 1, 0, 30, tzinfo=IST))


def _date_of(value: object) -> tuple[Article | None, list[Problem]]:
    return build_article(
        {"body": "पाठ।", "date": value}, default_id="x", default_category="", path="f", line=1
    )


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (1618894800, T.replace(tzinfo=IST)),
        (1618894800000, T.replace(tzinfo=IST)),
        (1618894800.5, T.replace(microsecond=500000, tzinfo=IST)),
        (1618894800000.0, T.replace(tzinfo=IST)),
        ("1618894800", T.replace(tzinfo=IST)),
    ],
)
def test_json_numbers_reach_the_date_reader(value: object, want: datetime) -> None:
    article, problems = _date_of(value)
    assert problems == [] and article is not None and article.date is not None
    same(article.date, want)


@pytest.mark.parametrize(("value", "why"), [(2021, "a year alone"), (20, "2 digits"), (True, "bool")])
def test_json_numbers_that_are_no_date(value: object, why: str) -> None:
    _, problems = _date_of(value)
    assert len(problems) == 1 and why in problems[0].reason


def test_folder_end_to_end(tmp_path: Path) -> None:
    write(tmp_path, "राजनीति/chunav.txt", "---\ndate: 20 अप्रैल 2021\n---\nशीर्षक\nपाठ।\n")
    write(tmp_path, "खेल/match.txt", "---\ndate: सोमवार, 20 अप्रैल 2021\n---\nशीर्षक\nपाठ।\n")
    lines = [
        {"title": "एक", "body": "पाठ।", "date": 1618894800},
        {"title": "दो", "body": "पाठ।", "date": 1618894800000},
        {"title": "तीन", "body": "पाठ।", "date": "31/02/2021"},
        {"title": "चार", "body": "पाठ।", "date": "Tue, 20 Apr 2021 10:30:00 +0530"},
    ]
    write(tmp_path, "feed.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines))
    write(tmp_path, "rows.csv", "title,body,date\nपाँच,पाठ।,20/04/2021\n")
    articles: dict[str, Article] = {}
    problems: list[Problem] = []
    for item in read_corpus([tmp_path]):
        if isinstance(item, Article):
            articles[item.id] = item
        else:
            problems.append(item)

    assert sorted(articles) == [
        "feed/1",
        "feed/2",
        "feed/3",
        "feed/4",
        "rows/1",
        "खेल/match",
        "राजनीति/chunav",
    ]
    same(articles["राजनीति/chunav"].date, D)  # type: ignore[arg-type]
    same(articles["feed/1"].date, T.replace(tzinfo=IST))  # type: ignore[arg-type]
    same(articles["feed/2"].date, T.replace(tzinfo=IST))  # type: ignore[arg-type]
    same(articles["feed/4"].date, T.replace(tzinfo=IST))  # type: ignore[arg-type]
    same(articles["rows/1"].date, D)  # type: ignore[arg-type]
    assert articles["feed/3"].date is None and articles["खेल/match"].date is None  # indexed, undated

    assert [(p.path, p.line, p.skipped) for p in problems] == [
        ("feed.jsonl", 3, False),
        ("खेल/match.txt", None, False),
    ]
    bad = problems[0]
    assert str(bad).startswith("feed.jsonl:3: date '31/02/2021': impossible: February 2021 has no day 31")
    assert "indexed without a date" in bad.reason
    assert "contradictory" in problems[1].reason and "सोमवार" in problems[1].reason


def test_seed_article_is_read_with_its_date() -> None:
    seeds = Path(__file__).parent.parent / "seeds"
    found = [a for a in read_corpus([seeds / "राजनीति"]) if isinstance(a, Article)]
    seed = next(a for a in found if a.id == "up-panchayat-chunav-dusra-charan")
    same(seed.date, D)  # type: ignore[arg-type]


_PIECES = st.sampled_from(
    ["20", "04", "2021", "21", "1618894800", "10:30", "10.30", "अप्रैल", "April", "मंगलवार", "Tue", "सुबह",
     "रात", "12", "बजे", "AM", "p.m.", "IST", "GMT", "+0530", "-04:00", "Z", "/", "-", ".", ",", " ", "(",
     "२०", "कल", "#", "\u093c", "\u200d"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join) | st.text(max_size=30))
def test_any_text_is_a_date_or_a_value_error(text: str) -> None:
    try:
        d = parse_date(text)
    except ValueError as e:
        assert str(e)
    else:
        assert isinstance(d, datetime)

"""Compare date parsers on the forms Hindi news scrapes carry: right answers, µs per date, import time.

    python -m tools.date_parsers [--repeat 200]

Parsers: this project's hand-written ``indexer.ingest.dates.parse_date``, and, when installed,
``dateparser`` (Hindi + English, day first, strict: day, month and year required) and
``python-dateutil`` (``dayfirst=True``, IST known as +05:30). A library that is not installed is
skipped. Prints a Markdown table (one row per form, ✓/✗ per parser) and a summary; docs/dates.md
holds the figures of one run.

An answer is right when it is the expected wall-clock time with the expected offset (none for a
naive datetime, which this project reads as Indian time), or, for a form that must be refused,
when the parser refuses it (raises or returns None).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30))
D = datetime(2021, 4, 20)  # most forms name 20 April 2021, a Tuesday
T = datetime(2021, 4, 20, 10, 30)

# (text, expected); None means the form must be refused.
CASES: list[tuple[str, datetime | None]] = [
    # ISO, as accepted before
    ("2021-04-20", D),
    ("2021-04-20 10:00", datetime(2021, 4, 20, 10)),
    ("2021-04-20T10:00:00+05:30", datetime(2021, 4, 20, 10, tzinfo=IST)),
    ("2021-04-20T04:30:00Z", datetime(2021, 4, 20, 4, 30, tzinfo=UTC)),
    # Hindi
    ("20 अप्रैल 2021", D),
    ("20 अप्रैल, 2021 10:30 AM IST", T.replace(tzinfo=IST)),
    ("मंगलवार, 20 अप्रैल 2021", D),
    ("अप्रैल 20, 2021", D),
    ("२० अप्रैल २०२१", D),
    ("20 अप्रेल 2021", D),
    ("5 फ़रवरी 2021", datetime(2021, 2, 5)),
    ("5 फरवरी 2021", datetime(2021, 2, 5)),
    ("1 सितम्बर 2021", datetime(2021, 9, 1)),
    ("1 अक्तूबर 2021", datetime(2021, 10, 1)),
    ("25 दिसम्बर 2021", datetime(2021, 12, 25)),
    ("गुरुवार, 22 अप्रैल 2021", datetime(2021, 4, 22)),
    ("20 अप्रैल 2021 सुबह 10:30 बजे", T),
    ("20 अप्रैल 2021 शाम 5 बजे", datetime(2021, 4, 20, 17)),
    # English
    ("Apr 20, 2021", D),
    ("20 April 2021", D),
    ("April 20, 2021 10:30 AM", T),
    ("20th Apr 2021", D),
    ("Updated: Tue, 20 Apr 2021 10:30 AM (IST)", T.replace(tzinfo=IST)),
    # numbers, day first
    ("20/04/2021", D),
    ("20-04-2021", D),
    ("20.04.2021", D),
    ("05/04/2021", datetime(2021, 4, 5)),
    # RSS (RFC 2822)
    ("Tue, 20 Apr 2021 10:30:00 +0530", T.replace(tzinfo=IST)),
    ("Tue, 20 Apr 2021 05:00:00 GMT", datetime(2021, 4, 20, 5, tzinfo=UTC)),
    # Unix time: an instant, shown in Indian time
    ("1618894800", T.replace(tzinfo=IST)),
    ("1618894800000", T.replace(tzinfo=IST)),
    # must be refused
    ("31/02/2021", None),  # impossible
    ("32 अप्रैल 2021", None),  # impossible
    ("20/13/2021", None),  # no month 13 (day first)
    ("सोमवार, 20 अप्रैल 2021", None),  # 20 April 2021 was a Tuesday
    ("20/04/21", None),  # two-digit year
    ("20 अप्रैल", None),  # no year
    ("20 अप्रैल 2021, 21 अप्रैल 2021", None),  # two different dates
    ("2021", None),  # a year alone, not a Unix time
    ("कल", None),  # "yesterday": relative to what?
    ("2021-13-01", None),
]


def hand() -> Callable[[str], datetime | None]:
    from indexer.ingest.dates import parse_date

    return parse_date


def dateparser_() -> Callable[[str], datetime | None]:
    import dateparser

    parser = dateparser.DateDataParser(
        languages=["hi", "en"],
        settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True},
    )
    return lambda text: parser.get_date_data(text).date_obj


def dateutil_() -> Callable[[str], datetime | None]:
    from dateutil import parser

    tzinfos = {"IST": 19800}
    return lambda text: parser.parse(text, dayfirst=True, tzinfos=tzinfos)


PARSERS: dict[str, tuple[str, Callable[[], Callable[[str], datetime | None]]]] = {
    "hand-written": ("indexer.ingest.dates", hand),
    "dateparser": ("dateparser", dateparser_),
    "dateutil": ("dateutil.parser", dateutil_),
}


def same(got: datetime | None, want: datetime | None) -> bool:
    if want is None or got is None:
        return want is None and got is None
    return got.replace(tzinfo=None) == want.replace(tzinfo=None) and got.utcoffset() == want.utcoffset()


def attempt(parse: Callable[[str], datetime | None], text: str) -> datetime | None:
    try:
        return parse(text)
    except (ValueError, OverflowError, TypeError):
        return None


def per_call_us(parse: Callable[[str], datetime | None], repeat: int) -> float:
    """Mean µs per call over every form of the table, after one warm-up pass."""
    for text, _ in CASES:
        attempt(parse, text)
    best = []
    for _ in range(3):  # the best of three passes: the least disturbed by other work on the machine
        start = time.perf_counter()
        for _ in range(repeat):
            for text, _ in CASES:
                attempt(parse, text)
        best.append(time.perf_counter() - start)
    return min(best) / (repeat * len(CASES)) * 1e6


def import_ms(module: str, runs: int = 5) -> float:
    """The module's own import time with what it pulls in (``-X importtime``), fastest of ``runs``."""
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True
        )
        for line in done.stderr.splitlines():
            cells = line.removeprefix("import time:").split("|")
            if len(cells) == 3 and cells[2].strip() == module:
                times.append(int(cells[1]) / 1000)
    return min(times)


def first_date_ms(name: str, runs: int = 5) -> float:
    """A fresh interpreter's time from nothing to one date read: import, set-up, first call."""
    code = (
        "import time; from tools.date_parsers import PARSERS, attempt; t = time.perf_counter();"
        f" attempt(PARSERS[{name!r}][1](), '20 अप्रैल 2021'); print(time.perf_counter() - t)"
    )
    times = [float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(runs)]
    return min(times) * 1000


def show(d: datetime | None) -> str:
    return "refused" if d is None else d.isoformat()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=200, help="passes over the table for the timing")
    args = ap.parse_args(argv)
    loaded: dict[str, Callable[[str], datetime | None]] = {}
    modules: dict[str, str] = {}
    for name, (module, make) in PARSERS.items():
        try:
            loaded[name] = make()
            modules[name] = module
        except ImportError:
            print(f"({name} is not installed: skipped)", file=sys.stderr)
    names = list(loaded)
    right = dict.fromkeys(names, 0)
    print("| form | expected | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for text, want in CASES:
        cells = []
        for name in names:
            got = attempt(loaded[name], text)
            ok = same(got, want)
            right[name] += ok
            cells.append("✓" if ok else f"✗ {show(got)}")
        print(f"| `{text}` | {show(want)} | " + " | ".join(cells) + " |")
    print()
    print("| parser | right | µs/date | import ms | first date ms |")
    print("|---|---|---|---|---|")
    for name in names:
        repeat = max(1, args.repeat // 20) if name == "dateparser" else args.repeat  # it is slow
        us = per_call_us(loaded[name], repeat)
        ms, first = import_ms(modules[name]), first_date_ms(name)
        print(f"| {name} | {right[name]}/{len(CASES)} | {us:.1f} | {ms:.1f} | {first:.1f} |")
    print(f"\n(median form length {statistics.median(len(t) for t, _ in CASES)} characters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Parse publication dates the way Hindi news sites write them.

Read (docs/dates.md has the full table and the comparison with dateparser and dateutil):

    ISO 8601               2021-04-20, 2021-04-20 10:00, 2021-04-20T10:00:00+05:30, ...Z
    day month year         20 अप्रैल 2021, २० अप्रैल २०२१, 20 April 2021, 20th Apr 2021
    month day, year        अप्रैल 20, 2021, Apr 20, 2021
    numbers, DAY FIRST     20/04/2021, 20-04-2021, 20.04.2021 (05/04/2021 is 5 April)
    weekday, time, zone    मंगलवार, 20 अप्रैल 2021 सुबह 10:30 बजे; 20 अप्रैल, 2021 10:30 AM IST;
                           Tue, 20 Apr 2021 10:30:00 +0530 (RSS, RFC 2822)
    Unix time              1618894800 (seconds), 1618894800000 (milliseconds), as text or JSON number

Zones follow indexer/records.py: no zone gives a naive datetime, meaning Indian time; IST is
+05:30, GMT/UTC/Z are UTC and a written offset is kept. A Unix timestamp names an instant, not a
wall-clock time: it comes back converted to +05:30, so its year and month facets are India's.

Anything impossible (31/02/2021), contradictory (a weekday the date does not fall on) or
ambiguous (a two-digit year, no year, two different dates) raises ValueError naming the text.
A hand-written reader, not a library: see docs/dates.md for why.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any

IST = timezone(timedelta(hours=5, minutes=30))

_MONTHS_EN = ("", "January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_HI = ("सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार")

# Every spelling seen in scrapes; nukta and chandrabindu variants are folded by _key, so फ़रवरी
# and फरवरी (or a precomposed फ़) need one entry only, but सितम्बर/सितंबर are different letters.
_MONTH_WORDS = {
    1: "जनवरी january jan",
    2: "फरवरी february feb",
    3: "मार्च march mar",
    4: "अप्रैल अप्रेल april apr",
    5: "मई may",
    6: "जून june jun",
    7: "जुलाई july jul",
    8: "अगस्त august aug",
    9: "सितंबर सितम्बर september sept sep",
    10: "अक्टूबर अक्तूबर october oct",
    11: "नवंबर नवम्बर november nov",
    12: "दिसंबर दिसम्बर december dec",
}
_WEEKDAY_WORDS = {
    0: "सोमवार monday mon",
    1: "मंगलवार tuesday tues tue",
    2: "बुधवार wednesday wed",
    3: "गुरुवार गुरूवार बृहस्पतिवार वीरवार thursday thurs thur thu",
    4: "शुक्रवार friday fri",
    5: "शनिवार saturday sat",
    6: "रविवार इतवार sunday sun",
}
_ZONE_WORDS: dict[str, tzinfo] = {"ist": IST, "आईएसटी": IST, "gmt": UTC, "utc": UTC, "ut": UTC, "z": UTC}


def _hours(
    pairs: dict[int, int] | None = None, *, same: range = range(0), plus12: range = range(0)
) -> dict[int, int]:
    table = dict(pairs or {})
    table.update({h: h for h in same})
    table.update({h: h + 12 for h in plus12})
    return table


# A clock word maps the 12-hour reading of an hour to the 24-hour one. A 24-hour hour already in
# the period ("शाम 19:30", "13:00 PM") is taken as it is; any other hour contradicts the word.
_CLOCKS: dict[str, dict[int, int]] = {
    "am": _hours({12: 0}, same=range(1, 12)),
    "pm": _hours({12: 12}, plus12=range(1, 12)),
    "सुबह": _hours(same=range(1, 12)),  # morning
    "पूर्वाह्न": _hours(same=range(1, 12)),  # forenoon, the formal "a.m."
    "दोपहर": _hours({12: 12}, plus12=range(1, 6)),  # noon to five
    "अपराह्न": _hours({12: 12}, plus12=range(1, 12)),  # afternoon, the formal "p.m."
    "शाम": _hours(plus12=range(3, 12)),  # evening
    # Night: 7 to 11 in the evening, 1 to 4 after midnight. "रात 12" is left out on purpose:
    # the midnight before the date or after it?
    "रात": _hours(same=range(1, 5), plus12=range(7, 12)),
}
_HOUR_WORDS = ("बजे",)  # "10 बजे", "10:30 बजे": marks the number before it as an hour
# Labels scrapes carry around the date ("Updated: ...", "प्रकाशित: ...", "... at 10:30 hrs").
_FILLERS = "updated published publish date last on at hrs अपडेट अपडेटेड प्रकाशित दिनांक तारीख"

# Spelling that must not matter: nukta (फ़/फ), chandrabindu vs anusvara (ँ/ं), invisible joiners.
_FOLD = str.maketrans({"\u093c": None, "\u200c": None, "\u200d": None, "\u0901": "\u0902"})


def _key(word: str) -> str:
    # NFD first so that precomposed nukta letters (U+0958-095F, e.g. फ़) lose their nukta too.
    return unicodedata.normalize("NFD", word).translate(_FOLD) if word[0] >= "\u0900" else word


_WORDS: dict[str, tuple[str, Any]] = {}
for _n, _spellings in _MONTH_WORDS.items():
    _WORDS.update({_key(w): ("month", _n) for w in _spellings.split()})
for _n, _spellings in _WEEKDAY_WORDS.items():
    _WORDS.update({_key(w): ("weekday", _n) for w in _spellings.split()})
_WORDS.update({_key(w): ("zone", z) for w, z in _ZONE_WORDS.items()})
_WORDS.update({_key(w): ("ampm" if w in ("am", "pm") else "clock", w) for w in _CLOCKS})
_WORDS.update({_key(w): ("hour", w) for w in _HOUR_WORDS})
_WORDS.update({_key(w): ("filler", w) for w in _FILLERS.split()})

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_ISO_START = re.compile(r"\d{4}(?:-|\d{4})")  # what the ISO reader alone used to accept starts so
_DIGITS = re.compile(r"(\d+)(?:\.(\d+))?")  # a Unix time, a JSON number turned into text
_TOKEN = re.compile(
    r"""
    (?P<numdate>(?<!\d)(?P<a>\d{1,4})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})(?!\d))
    |(?P<time>(?<!\d)(?P<h>\d{1,2})(?::|\.(?=\d\d\s*(?:[ap]\.?\s?m\b|बजे)))(?P<mi>\d{2})
        (?::(?P<s>\d{2})(?:\.(?P<us>\d{1,6}))?)?(?!\d))
    |(?P<offset>(?:(?<=[\s\d])|(?<=gmt)|(?<=utc))(?P<osign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})(?!\d))
    |(?P<num>\d+)(?:st|nd|rd|th)?
    |(?P<dotted>(?<![a-z])[ap]\.\s?m\b\.?)  # a.m., p.m.
    |(?P<word>[a-z]+|[\u0900-\u0963\u0971-\u097f\u200c\u200d]+)
    |(?P<skip>[\s,.;:/|()\[\]'’‘–—।॰]+|-)  # a lone "-", so that " -05:00" stays an offset
    |(?P<bad>.)
    """,
    re.VERBOSE | re.IGNORECASE,
)

_FORMS = "ISO 2021-04-20, 20 अप्रैल 2021, Apr 20, 2021, 20/04/2021, Tue, 20 Apr 2021 10:30:00 +0530"


class _Bad(Exception):
    """Why the text is not a date; parse_date turns it into a ValueError naming the text."""


def parse_date(text: str) -> datetime:
    """The date and time ``text`` names; ValueError with a readable message if it names none."""
    s = text.strip()
    if not s:
        raise ValueError("empty date")
    try:
        return _parse(s)
    except _Bad as e:
        shown = s if len(s) <= 80 else s[:79] + "…"
        raise ValueError(f"date {shown!r}: {e}") from None


def _parse(s: str) -> datetime:
    plain = s.translate(_DEVANAGARI_DIGITS)
    m = _DIGITS.fullmatch(plain)
    if m and len(m[1]) != 8:  # eight digits are an ISO basic date, 20210420
        return _unix_time(m[1], m[2] or "")
    if _ISO_START.match(plain):
        # The forms accepted before this reader existed, read exactly as they were.
        try:
            return datetime.fromisoformat(plain[:-1] + "+00:00" if plain.endswith("Z") else plain)
        except ValueError:
            pass  # "2021-04-20 10:30 AM IST", "2021-13-01": the reader below reads or explains
    return _read(plain)


def _unix_time(whole: str, frac: str) -> datetime:
    if len(whole) == 4:
        raise _Bad("ambiguous: a year alone, with no month and day")
    if len(whole) in (9, 10):  # 1973 to 2286, in seconds
        micro = int(whole) * 1_000_000 + int(frac[:6].ljust(6, "0"))
    elif len(whole) in (12, 13):  # the same years in milliseconds (JavaScript's Date.now())
        micro = int(whole) * 1000 + int(frac[:3].ljust(3, "0"))
    else:
        raise _Bad(
            f"unreadable: {len(whole)} digits are neither a Unix time in seconds (10 digits) nor"
            f" in milliseconds (13), nor an ISO date (8, 20210420); forms read: {_FORMS}"
        )
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micro)).astimezone(IST)


Token = tuple[str, Any, str]  # kind, value, the text it was read from


def _tokens(plain: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN.finditer(plain):
        kind = m.lastgroup
        raw = m[0]
        if kind == "skip":
            continue
        if kind == "numdate":
            out.append(("numdate", (m["a"], m["sep"], m["b"], m["c"]), raw))
        elif kind == "time":
            us = int(m["us"].ljust(6, "0")) if m["us"] else 0
            out.append(("time", (int(m["h"]), int(m["mi"]), int(m["s"] or 0), us), raw))
        elif kind == "offset":
            oh, om = int(m["oh"]), int(m["om"])
            if oh > 23 or om > 59:
                raise _Bad(f"impossible: no time zone is {raw} from UTC")
            delta = timedelta(hours=oh, minutes=om)
            out.append(("zone", timezone(-delta if m["osign"] == "-" else delta), raw))
        elif kind == "num":
            out.append(("num", m["num"], raw))
        elif kind == "dotted":
            out.append(("ampm", raw[0].lower() + "m", raw))
        elif kind == "word":
            found = _WORDS.get(_key(raw.lower()))
            if found is None:
                raise _Bad(f"unreadable: unknown word {raw!r}; forms read: {_FORMS}")
            if found[0] != "filler":
                out.append((found[0], found[1], raw))
        else:
            raise _Bad(f"unreadable: unexpected character {raw!r}; forms read: {_FORMS}")
    return out


def _ymd(y: str, m: int | str, d: str, raw: str, hint: str = "") -> date:
    if len(y) == 2:
        raise _Bad(f"ambiguous: two-digit year {y!r} in {raw!r} (write the year in full)")
    if len(y) != 4:
        raise _Bad(f"unreadable: {y!r} in {raw!r} is not a year")
    if y == "0000":
        raise _Bad("impossible: there is no year 0")
    month = int(m)
    if not 1 <= month <= 12:
        raise _Bad(f"impossible: there is no month {month}{hint}")
    try:
        return date(int(y), month, int(d))
    except ValueError:
        raise _Bad(f"impossible: {_MONTHS_EN[month]} {int(y)} has no day {int(d)}") from None


def _numeric(a: str, sep: str, b: str, c: str, raw: str) -> date:
    if len(a) == 4:
        if sep == "-":
            return _ymd(a, b, c, raw)
        raise _Bad(f"unreadable: year-first dates are read in ISO form only (2021-04-20), not {raw!r}")
    if len(a) > 2:
        raise _Bad(f"unreadable: {raw!r} is not a date")
    return _ymd(c, b, a, raw, " (numeric dates are read day first)")  # as in India


def _read(plain: str) -> datetime:
    toks = _tokens(plain)
    n = len(toks)

    def kind(i: int) -> str:
        return toks[i][0] if i < n else ""

    def is_hour(i: int) -> bool:  # a number followed by am/pm or बजे: "10 AM", "10 बजे"
        return kind(i) == "num" and len(toks[i][1]) <= 2 and kind(i + 1) in ("hour", "ampm")

    dates: list[tuple[date, str]] = []
    times: list[tuple[tuple[int, int, int, int], str | None, str]] = []
    weekdays: list[tuple[int, str]] = []
    zones: list[tuple[tzinfo, str]] = []
    periods: list[str] = []
    i = 0
    while i < n:
        k, v, raw = toks[i]
        i += 1
        if k == "numdate":
            dates.append((_numeric(*v, raw), raw))
        elif k == "time" or (k == "num" and is_hour(i - 1)):
            hms = (int(v), 0, 0, 0) if k == "num" else v
            ampm = None
            if kind(i) == "ampm":
                ampm = toks[i][1]
                raw += " " + toks[i][2]
                i += 1
            if kind(i) == "hour":
                i += 1
            times.append((hms, ampm, raw))
        elif k == "num" and kind(i) == "month":
            # Day first: "20 अप्रैल 2021".
            if len(v) > 2:
                raise _Bad(f"unreadable: {raw!r} before a month name is not a day")
            month, mraw = toks[i][1], toks[i][2]
            i += 1
            if kind(i) != "num" or is_hour(i):
                raise _Bad(f"ambiguous: {raw} {mraw} has no year")
            y = toks[i][1]
            i += 1
            dates.append((_ymd(y, month, v, f"{raw} {mraw} {y}"), raw))
        elif k == "month":
            # Month first: "अप्रैल 20, 2021", "Apr 20, 2021".
            if kind(i) != "num" or is_hour(i):
                raise _Bad(f"ambiguous: {raw} has no day of the month")
            d = toks[i][1]
            i += 1
            if len(d) == 4:
                raise _Bad(f"ambiguous: {raw} {d} has no day of the month")
            if kind(i) != "num" or is_hour(i):
                raise _Bad(f"ambiguous: {raw} {d} has no year")
            y = toks[i][1]
            i += 1
            dates.append((_ymd(y, v, d, f"{raw} {d} {y}"), raw))
        elif k == "weekday":
            weekdays.append((v, raw))
        elif k == "zone":
            if v is UTC and kind(i) == "zone" and toks[i][1] is not UTC:
                continue  # "GMT+05:30": the offset says it all
            zones.append((v, raw))
        elif k == "clock":
            periods.append(v)
        elif k == "num":
            raise _Bad(f"unreadable: stray number {raw!r}; forms read: {_FORMS}")
        else:
            raise _Bad(f"unreadable: {raw!r} with no time before it")

    if not dates:
        raise _Bad(f"unreadable: no day, month and year in it; forms read: {_FORMS}")
    day = dates[0][0]
    for other, _ in dates[1:]:
        if other != day:
            raise _Bad(f"ambiguous: two different dates, {day.isoformat()} and {other.isoformat()}")
    for wd, raw in weekdays:
        if wd != day.weekday():
            raise _Bad(
                f"contradictory: {_pretty(day)} was a {_WEEKDAYS_EN[day.weekday()]}"
                f" ({_WEEKDAYS_HI[day.weekday()]}), not {raw}"
            )
    hh = mm = ss = us = 0
    for t in times[1:]:
        if t[:2] != times[0][:2]:
            raise _Bad(f"ambiguous: two different times, {times[0][2]!r} and {t[2]!r}")
    for p in periods[1:]:
        if p != periods[0]:
            raise _Bad(f"contradictory: both {periods[0]} and {p}")
    if times:
        (hh, mm, ss, us), ampm, raw = times[0]
        if ampm:
            hh = _clock(hh, ampm, raw)
        if periods:
            hh = _clock(hh, periods[0], f"{periods[0]} {raw}", on_24h=bool(ampm))
        if hh > 23 or mm > 59 or ss > 59:
            raise _Bad(f"impossible: there is no time {raw}")
    elif periods:
        raise _Bad(f"unreadable: {periods[0]} with no time after it")
    zone = zones[0][0] if zones else None
    for other_zone, raw in zones[1:]:
        if other_zone.utcoffset(None) != zones[0][0].utcoffset(None):
            raise _Bad(f"contradictory: two time zones, {zones[0][1]} and {raw}")
    return datetime(day.year, day.month, day.day, hh, mm, ss, us, tzinfo=zone)


def _clock(hour: int, word: str, raw: str, *, on_24h: bool = False) -> int:
    """The 24-hour hour of ``hour`` read with ``word``; ``on_24h`` when AM/PM was applied already."""
    table = _CLOCKS[word]
    if hour in table and not on_24h:
        return table[hour]
    if hour in table.values():
        return hour  # already on the 24-hour clock, and inside the period
    if word == "रात" and hour == 12:
        raise _Bad(f"ambiguous: {raw!r} is the midnight before the date or the one after it")
    raise _Bad(f"contradictory: {raw!r} is not an hour of {word}")


def _pretty(d: date) -> str:
    return f"{d.day} {_MONTHS_EN[d.month]} {d.year}"

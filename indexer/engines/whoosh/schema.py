"""The index schema and the mapping of an Article onto it."""

from __future__ import annotations

from whoosh.columns import VarBytesColumn
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis.pipeline import DEFAULT, AnalysisOptions
from indexer.engines.whoosh.analyzer import HindiAnalyzer
from indexer.records import Article, iso_date, local_seconds

# The column of a signed NUMERIC holds Whoosh's unsigned "sortable" form, and the field's
# default is packed into it as is: 0 there is "no date" (the smallest number).
UNDATED_SORTABLE = 0


class DateColumn(NUMERIC):
    """A date kept only as a column of seconds, never indexed: the search service filters and
    sorts by date with arrays read from the column, so index terms for it would only cost."""

    def __init__(self) -> None:
        super().__init__(int, bits=64, signed=True, sortable=True, default=UNDATED_SORTABLE)
        self.indexed = False


def build_schema(analysis: AnalysisOptions = DEFAULT) -> Schema:
    analyzer = HindiAnalyzer(analysis)
    return Schema(
        # id and title also sit in columns: autocomplete reads every headline at start-up, and
        # unpickling 100,000 stored documents (bodies and all) to get them took 11 s.
        id=ID(stored=True, unique=True, sortable=VarBytesColumn()),
        title=TEXT(analyzer=analyzer, stored=True, phrase=True, sortable=VarBytesColumn()),
        body=TEXT(analyzer=analyzer, stored=True, phrase=True),
        byline=STORED(),
        date=STORED(),  # ISO text as given
        category=ID(stored=True, sortable=True),
        source=ID(stored=True, sortable=True),
        author=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        month=ID(stored=True, sortable=True),
        url=STORED(),
        tags=KEYWORD(stored=True, commas=True, scorable=True),
        # Seconds of the date as written (Indian time for naive dates): exact local-day ranges.
        ts=DateColumn(),
    )


def to_document(a: Article) -> dict:
    doc = {
        "id": a.id,
        "title": a.title,
        "body": a.body,
        "byline": a.byline,
        "date": iso_date(a.date),
        "url": a.url,
        "tags": ",".join(t.replace(",", " ") for t in a.tags),
    }
    for name in ("category", "source", "author"):
        value = getattr(a, name)
        if value:
            doc[name] = value
    if a.date:
        secs = local_seconds(a.date)
        doc.update(year=f"{a.date.year:04d}", month=f"{a.date.year:04d}-{a.date.month:02d}", ts=secs)
    return doc

"""What the search service answers: results, hits, facet values and stored articles, each
with its JSON form (the API's, the CLI's ``--json``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from indexer.characteristic import Word
from indexer.query import Highlight
from indexer.search.request import SearchRequest

if TYPE_CHECKING:
    from indexer.search.meaning import Meaning
from indexer.timeline import Timeline

NOTES = {
    "any_word": "No article has all the words; showing articles with any of them.",
    "some_words": "Few articles have all the words; articles with some of them follow.",
    "some_words_ranked": "Few articles have all the words; articles with some of them are ranked "
    "with them, by their words and their meaning.",
    "plain_words": "The query syntax was incomplete (an unclosed bracket or quote, or an operator "
    "without a word); it was read as far as it could be.",
    "nothing_searchable": "The query has no searchable words (only very common words or symbols).",
    "page_out_of_range": "This page is past the last page of results.",
    "too_many_words": "Only the first 100 words of the query were searched.",
    "pattern_truncated": "A pattern stood for more words than are searched; only the first 10,000 "
    "of them, in alphabetical order, were searched.",
}


@dataclass
class Hit:
    id: str
    title: str
    title_html: str
    date: str
    category: str
    source: str
    author: str
    url: str
    score: float | None
    snippet: str  # HTML: escaped text with <mark> around matched words
    by_meaning: bool = False  # found by meaning alone: it lacks the query's words


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    notes: list[str] = field(default_factory=list)
    highlight: Highlight = field(default_factory=lambda: Highlight(frozenset()))
    suggestion: str | None = None  # the query respelled as the index spells its words
    transliterations: dict[str, list[str]] = field(default_factory=dict)  # Latin word -> Devanagari
    variants: dict[str, list[str]] = field(default_factory=dict)  # rare spelling -> common ones matched
    # When articles with only some of the words follow: how many have all of them (they come first).
    all_words: int | None = None
    timeline: Timeline | None = None
    characteristic: list[Word] = field(default_factory=list)
    characteristic_sample: int = 0  # best-ranked results the characteristic words were read from
    sort: str = ""  # the order of the hits: the one asked for, or newest when nothing ranks them
    meaning: Meaning | None = None  # what search by meaning did (None: not asked)
    # Where the time went, ms by step (the web app's Server-Timing header); "embed" is the CPU
    # time of the query's embedding, the others wall time.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def note(self) -> str | None:
        return " ".join(NOTES[n] for n in self.notes) or None

    def to_json(self) -> dict[str, Any]:
        r = self.request
        return {
            "query": r.q,
            "total": self.total,
            "page": r.page,
            "pages": self.pages,
            "per_page": r.per_page,
            "sort": self.sort or r.sort,
            "filters": r.filters,
            "date_from": r.date_from.isoformat() if r.date_from else None,
            "date_to": r.date_to.isoformat() if r.date_to else None,
            "took_ms": round(self.took_ms, 1),
            # Flat records of plain values: their fields as they are (asdict copies deeply, and a
            # page has a hundred facet values).
            "hits": [dict(vars(h)) for h in self.hits],
            "facets": {k: [dict(vars(v)) for v in vs] for k, vs in self.facets.items()},
            "note": self.note,
            "notes": self.notes,
            "suggestion": self.suggestion,
            "transliterations": self.transliterations,
            "variants": self.variants,
            "all_words": self.all_words,
            "timeline": _timeline_json(self.timeline),
            "characteristic_words": [
                {"word": w.word, "count": w.count, "score": w.score} for w in self.characteristic
            ],
            "characteristic_sample": self.characteristic_sample,
            "meaning": _meaning_json(self.meaning),
        }


def _meaning_json(m: Meaning | None) -> dict[str, Any]:
    """Whether search by meaning took part, and if not, why; how many articles it added."""
    if m is None:
        return {"on": False, "off": None, "joined": 0, "weight_of_words": None}
    return {"on": m.on, "off": m.off, "joined": m.joined, "weight_of_words": m.weight}


def _timeline_json(t: Timeline | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "interval": t.interval,
        "series": [
            {
                "query": s.query,
                "total": s.total,
                "buckets": [
                    {
                        "start": b.start.isoformat(),
                        "end": b.end.isoformat(),
                        "count": b.count,
                        "share": b.share,
                    }
                    for b in s.buckets
                ],
            }
            for s in t.series
        ],
    }


@dataclass
class StoredArticle:
    id: str
    title: str
    body: str
    byline: str
    date: str
    category: str
    source: str
    author: str
    url: str
    tags: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, fields: dict[str, Any]) -> StoredArticle:
        """An article from the stored fields an engine gives."""
        return cls(
            id=fields.get("id", ""),
            title=fields.get("title", ""),
            body=fields.get("body", ""),
            byline=fields.get("byline", ""),
            date=fields.get("date", ""),
            category=fields.get("category", ""),
            source=fields.get("source", ""),
            author=fields.get("author", ""),
            url=fields.get("url", ""),
            tags=_tags(fields.get("tags")),
        )


def _tags(value: Any) -> list[str]:
    """Tags as an engine stores them: a list, or one comma-joined string."""
    if isinstance(value, list):
        return [str(t) for t in value if t]
    return [t for t in (value or "").split(",") if t]

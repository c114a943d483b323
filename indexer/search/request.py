"""What a reader asks for: a query, facet selections, dates, an order, a page, and which parts
of the research desk to draw. Checked here, so every part of the service can rely on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from indexer.engines.base import SORTS, Filters
from indexer.facets import FACETS, FACETS_BY_NAME, Facet

PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_COMPARE = 4


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> values (OR within)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    snippets: bool = True  # evaluation runs skip them: they cost time and change no ranking
    timeline: bool = False  # matches per period (and each compared query's)
    compare: list[str] = field(default_factory=list)  # more queries drawn beside this one
    words: bool = False  # the words that characterise the results

    def __post_init__(self) -> None:
        unknown = set(self.filters) - set(FACETS_BY_NAME)
        if unknown:
            raise ValueError(f"unknown filter {sorted(unknown)[0]!r}; use one of {', '.join(FACETS_BY_NAME)}")
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")
        if self.page < 1:
            raise ValueError("page must be 1 or more")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"the start date {self.date_from} must not be after the end date {self.date_to}")
        self.compare = list(dict.fromkeys(c.strip() for c in self.compare if c.strip()))
        if len(self.compare) > MAX_COMPARE:
            raise ValueError(f"at most {MAX_COMPARE} queries can be compared with the search")
        self.filters = {k: list(dict.fromkeys(v for v in vs if v)) for k, vs in self.filters.items()}
        self.filters = {k: v for k, v in self.filters.items() if v}

    @property
    def start(self) -> int:
        """The place of the page's first hit in the whole list."""
        return (self.page - 1) * self.per_page

    @property
    def engine_filters(self) -> Filters:
        return Filters(self.filters, self.date_from, self.date_to)

    @property
    def facets(self) -> list[Facet]:
        """The facets offered (month only once a year is chosen)."""
        return [f for f in FACETS if f.offered(self.filters)]

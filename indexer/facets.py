"""The facets a search result is narrowed by: each a small description of one index field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    name: str  # key in the API and the URL parameter
    field: str  # index field holding the values
    many: bool = False  # an article may hold several values (tags)
    newest_first: bool = False  # order by value, descending, instead of by count
    shown_with: str | None = None  # only offered once this facet has a selection (month needs year)

    def order(self, counts: dict[str, int]) -> list[tuple[str, int]]:
        if self.newest_first:
            return sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def offered(self, selections: dict[str, list[str]]) -> bool:
        return self.shown_with is None or bool(selections.get(self.shown_with))


FACETS: tuple[Facet, ...] = (
    Facet("category", "category"),
    Facet("source", "source"),
    Facet("author", "author"),
    Facet("year", "year", newest_first=True),
    Facet("month", "month", newest_first=True, shown_with="year"),
    Facet("tags", "tags", many=True),
)
FACETS_BY_NAME = {f.name: f for f in FACETS}

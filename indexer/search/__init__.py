"""The search service: a request in, ranked, faceted, highlighted results out, for any engine.

request     SearchRequest: what a reader asks for, checked
result      SearchResult, Hit, FacetValue, StoredArticle and their JSON
service     SearchService: the one entry point of the CLI and the web app; it orchestrates
matching    every word first, then some of them
expansion   what else a query word matches: a chain of small parts
present     hits, snippets, facet values, the words a search added
desk        the research desk: attention over time, characteristic words
generation  what is learnt about an index generation, shared by its threads
"""

from indexer.engines.base import SORTS, IndexUnavailable
from indexer.search.matching import FILL_BELOW
from indexer.search.request import MAX_COMPARE, MAX_PER_PAGE, PER_PAGE, SearchRequest
from indexer.search.result import NOTES, FacetValue, Hit, SearchResult, StoredArticle
from indexer.search.service import SearchService

__all__ = [
    "FILL_BELOW",
    "MAX_COMPARE",
    "MAX_PER_PAGE",
    "NOTES",
    "PER_PAGE",
    "SORTS",
    "FacetValue",
    "Hit",
    "IndexUnavailable",
    "SearchRequest",
    "SearchResult",
    "SearchService",
    "StoredArticle",
]

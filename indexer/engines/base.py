"""The engine interface: what the search service asks of an index, whatever holds it.

An engine (Whoosh in a folder, an OpenSearch cluster) hands each thread a ``Snapshot``: one
consistent, published generation of the index. Everything the service needs goes through it:
evaluating Khabar's query tree with filters, facet counts and a sort; stored articles; the
vocabulary (for spelling and sound-alikes); similar articles. Nothing here knows an engine's
library; each engine lives in its own package next to this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from indexer.analysis.pipeline import AnalysisOptions, Pipeline
from indexer.facets import Facet
from indexer.manifest import Manifest
from indexer.query.tree import TEXT_FIELDS, Node
from indexer.records import Article

if TYPE_CHECKING:
    from indexer.characteristic import SampleWords
    from indexer.patterns import Budget

SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class Filters:
    """Facet selections (values of one facet OR-ed, facets AND-ed) and a date range (local days)."""

    values: Mapping[str, Sequence[str]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None

    def __bool__(self) -> bool:
        return bool(self.values) or self.date_from is not None or self.date_to is not None


@dataclass
class Page:
    """What a search found: the exact total, one window of the ranked hits, facet counts.

    A facet's counts ignore its own selection and respect every other one (multi-select).
    """

    total: int
    hits: list[tuple[Any, float | None]]  # (the engine's reference to a document, score), best first
    counts: dict[str, dict[str, int]]
    # Matching articles per local day (days since 1970-01-01) under every selection, when asked.
    days: dict[int, int] | None = None


class Snapshot(Protocol):
    """One thread's view of one published generation of the index."""

    generation: str
    pipeline: Pipeline  # the analysis chain the index was built with

    def doc_count(self) -> int: ...

    def search(
        self,
        q: Node,
        filters: Filters,
        sort: str,
        start: int,
        count: int,
        facets: Sequence[Facet],
        days: bool = False,
        light: bool = False,
    ) -> Page:
        """Evaluate ``q`` under ``filters``: the exact total, the hits ``start`` to ``start + count``
        in ``sort`` order (one of SORTS; undated articles last; ties in article-id order), the
        counts of ``facets`` and, with ``days``, the matches per day (for a timeline). ``light``
        hits are for ranking only (their ``stored`` has the id at least): ``fetched`` readies
        those shown."""
        ...

    def fetched(self, refs: list[Any]) -> list[Any]:
        """``refs`` (from ``Page.hits``, of a light search or not) whose ``stored`` holds every
        stored field, in the same order."""
        ...

    def ordered(self, q: Node, filters: Filters, sort: str, limit: int) -> Iterator[dict[str, Any]]:
        """The stored fields of every match, up to ``limit``, in ``search``'s order, read as they
        are consumed (an export of any size in flat memory)."""
        ...

    def stored(self, ref: Any) -> dict[str, Any]:
        """The stored fields of a hit (``ref`` from ``Page.hits``)."""
        ...

    def article(self, article_id: str) -> dict[str, Any] | None: ...

    def sample_words(self, refs: list[Any]) -> SampleWords | None:
        """The distinct words each hit of ``refs`` (from ``Page.hits``, light or not) writes, as
        kept at index time (``indexer.characteristic``); None when this generation keeps none."""
        ...

    def spellings(self, refs: list[Any], terms: frozenset[str]) -> list[dict[str, list[str]]] | None:
        """For each hit of ``refs`` (fetched), how its title and body write ``terms`` (index
        terms): each term it holds, with its spellings there, from the words kept at index time
        (stopwords and words over 200 characters are not kept); None when this generation keeps
        none. A snippet stops waiting for a query word its body does not write."""
        ...

    def similar(self, article_id: str, count: int) -> list[tuple[dict[str, Any], float]]: ...

    def doc_frequency(self, term: str, fields: tuple[str, ...] = TEXT_FIELDS) -> int:
        """Articles holding ``term`` (an index term) in the title, plus those holding it in the
        body (or in ``fields`` only)."""
        ...

    def doc_frequencies(self, terms: list[str], fields: tuple[str, ...] = TEXT_FIELDS) -> dict[str, int]:
        """``doc_frequency`` of several terms at once."""
        ...

    def terms_near(self, term: str, maxdist: int) -> Iterable[str]:
        """Title and body terms within ``maxdist`` code-point edits of ``term`` (sharing its
        first letter); some may be in one of the fields only."""
        ...

    def vocabulary(self) -> Iterable[str]:
        """Every index term of titles and bodies (repeats allowed)."""
        ...

    def written_words(self, pattern: str, limit: int, budget: Budget) -> tuple[list[tuple[str, str]], bool]:
        """The words titles and bodies write (``indexer.words``) that match ``pattern`` (``*``
        for any letters), each with its index term, in code-point order: at most ``limit`` + 1
        (one more says there were more), looking at no more words than ``budget`` allows; and
        False when it ran out first."""
        ...

    def field_values(self, field: str) -> Iterator[str]:
        """The distinct values of a facet field, in code-point order."""
        ...

    def titles(self) -> Iterable[tuple[str, str]]:
        """(id, headline) of every article."""
        ...

    def texts_with(self, term: str, limit: int) -> list[str]:
        """Up to ``limit`` titles or bodies holding ``term``, to see how it is written."""
        ...

    def newest_date(self, not_after: date | None = None) -> date | None:
        """The date of the newest dated article (not after ``not_after`` when given)."""
        ...

    # -- search by meaning (``indexer.meaning``): only when ``vectors()`` is not None ----------

    def vectors(self) -> VectorSpec | None:
        """The model of this generation's article vectors; None when it holds none."""
        ...

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` articles of the whole generation nearest ``vector`` by cosine, best first:
        (article id, cosine). No filters: what meaning adds to a result set must not depend on
        the facets selected, or a facet's count would differ from the total its selection gives."""
        ...

    def neighbourhood(self, vector: np.ndarray, k: int, q: Node, refs: list[Any]) -> Neighbourhood:
        """What a search by meaning needs, in one visit to the vectors (one request where the
        engine is remote): ``nearest(vector, k)``, which of those match ``q`` (no filters), and
        the cosine of ``vector`` and each hit of ``refs`` (from ``Page.hits``)."""
        ...

    def vector_of(self, article_id: str) -> np.ndarray | None:
        """The article's vector, as stored (None: no such article, or no vectors)."""
        ...


@dataclass
class Neighbourhood:
    """A query vector's neighbourhood (``Snapshot.neighbourhood``)."""

    nearest: list[tuple[str, float]]  # (article id, cosine), best first
    with_words: set[str]  # the ids of ``nearest`` that match the words
    cosines: list[float]  # of the hits asked about, in their order


@dataclass(frozen=True)
class VectorSpec:
    """The model that made a generation's article vectors (``indexer.meaning``)."""

    model: str  # for people: its name and how it runs
    checksum: str  # for machines: two generations' vectors compare only when these are equal
    dim: int


@dataclass
class Live:
    """What a reindex may build on: the live generation, and its manifest when it can be trusted."""

    generation: str | None = None
    manifest: Manifest | None = None  # None: rebuild everything
    damaged: str | None = None  # why the live index could not be built on (it is rebuilt in full)
    meaning: str | None = None  # the checksum of its vectors' model; None: it has no vectors


class Generation(Protocol):
    """A new generation being written beside the live one (which keeps serving)."""

    name: str

    def delete(self, article_id: str) -> None:
        """Remove an article the generation was started with (an incremental reindex)."""
        ...

    def add(self, article: Article, vector: np.ndarray | None = None) -> None:
        """Write an article (with its vector when the generation holds vectors)."""
        ...

    def commit(self, manifest: Manifest) -> None:
        """Make everything added durable, with the manifest. Raises IncompleteIndex when the
        generation does not hold the manifest's articles; it is then never published."""
        ...

    def publish(self) -> None:
        """Make this generation the live one, atomically."""
        ...

    def discard(self) -> None:
        """Remove what was written (after a failure); the live generation is untouched."""
        ...


class Engine(Protocol):
    name: str
    where: str  # for messages: the index folder, or the cluster URL and index name

    def snapshot(self) -> Snapshot:
        """This thread's snapshot of the live generation, renewed when a reindex publishes one.
        Raises IndexUnavailable (with advice) when there is no usable index."""
        ...

    def reindex_lock(self, wait: bool, on_wait: Callable[[str], None]) -> AbstractContextManager[None]:
        """Hold this index's reindex lock, or raise ReindexRunning naming its holder (with
        ``wait``, wait for it). A lock whose holder died must not block the next reindex."""
        ...

    def prune(self) -> None:
        """Remove what reindexes that died left behind (the live generation stays)."""
        ...

    def live(self, analysis: AnalysisOptions, full: bool) -> Live:
        """The live generation and, unless ``full``, its manifest if the generation is whole and
        was built with ``analysis``."""
        ...

    def new_generation(
        self, base: Live | None, analysis: AnalysisOptions, parallel: bool, vectors: VectorSpec | None = None
    ) -> Generation:
        """Start a generation: a copy of ``base`` (incremental), or empty. ``parallel``: worth
        writing with several processes. ``vectors``: the articles come with vectors of this
        model (a base must hold the same model's, or none is given)."""
        ...

    def vector_cache(self) -> Path:
        """A folder on this machine where a reindex keeps the vectors it computed (for the next)."""
        ...


class IndexUnavailable(Exception):
    """No usable index at the configured place; the message tells the user what to do."""


class ReindexRunning(Exception):
    """Another reindex holds the lock on this index; the message names it."""


class IncompleteIndex(Exception):
    """A new generation does not hold the articles written to it; it is not published."""

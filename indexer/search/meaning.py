"""Search by meaning, as one step of a search: words and meaning fused into one result set.

The result set is defined once, for every part that counts it (total, facets, timeline,
export, pages): the articles that match the words, plus at most ``FusionOptions.join``
articles found by meaning alone, chosen over the whole archive before any facet is applied
(so a facet value's count is the total its selection gives). Those are marked ("found by
meaning"). Ordered by relevance, the first ``pool`` hits by words and the joiners are ranked
by the fused score (``indexer.meaning.fusion``), the rest of the hits by words follow; in
date order, the joiners follow the hits by words. Where the reader asked for exact words
(quotes, ``field:``, patterns, phrases, ``NOT``/``-``) meaning neither adds nor reorders: the
words decide, as they did before.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer.engines.base import Filters, Page, Snapshot
from indexer.facets import Facet
from indexer.meaning import switch
from indexer.meaning.encoder import Encoder
from indexer.meaning.fusion import DEFAULT_FUSION, FusionOptions, combined, joiners, words_weight
from indexer.meaning.pool import ForkSafePool
from indexer.query.parser import Parsed
from indexer.query.tree import TEXT_FIELDS, And, Node, Or, Term, Terms, walk
from indexer.search.expansion import Alternatives
from indexer.search.matching import AllWordsFirst, Match, added, summed
from indexer.vocabulary import Vocabulary

SIMILAR_BY_MEANING = True  # "more like this" by vectors: docs/relevance.md has the comparison
OFF_NO_VECTORS = "the index holds no vectors: reindex with search by meaning on"


def plain_words(node: Node) -> bool:
    """Whether a query is only words, ANDed or ORed: nothing that asks for exact words."""
    for n in walk(node):
        if isinstance(n, And | Or):
            continue
        if not (isinstance(n, Term) and n.fields == TEXT_FIELDS and not n.exact):
            return False
    return True


def known_share(node: Node, words: Vocabulary, found: Alternatives) -> float:
    """The share of a query's words that the index knows, as written or in another form,
    spelling or script (the alternatives the search added)."""
    leaves = [n for n in walk(node) if isinstance(n, Term)]
    if not leaves:
        return 0.0
    known = sum(1 for n in leaves if words.doc_frequency(n.text) > 0 or found.cache.get((n.text, n.fields)))
    return known / len(leaves)


@dataclass
class Meaning:
    """What meaning did for one search (the JSON's ``meaning``)."""

    on: bool
    off: str | None = None  # why it is off
    weight: float | None = None  # of words in the fusion, for this query
    joined: int = 0  # articles found by meaning alone in the result set (under the filters)
    by_words: int | None = None  # the articles that have the words (the total without meaning)
    marked: set[int] = field(default_factory=set)  # places in the page's hits found by meaning
    embed_ms: float = 0.0  # CPU time of the query's embedding (on a thread of its own)
    embed_wait_ms: float = 0.0  # how long the search waited for it after its search by words


class ByMeaning:
    def __init__(
        self, matching: AllWordsFirst, opts: FusionOptions = DEFAULT_FUSION, semantic: bool | None = None
    ) -> None:
        self.matching = matching
        self.opts = opts
        self.semantic = semantic
        self.similar_by_meaning = SIMILAR_BY_MEANING

    def encoder(self, snap: Snapshot) -> tuple[Encoder | None, str | None]:
        """The encoder when this generation can be searched by meaning, else why not."""
        encoder, off = switch.encoder(self.semantic)
        if encoder is None:
            return None, off
        spec = snap.vectors()
        if spec is None:
            return None, OFF_NO_VECTORS
        if spec.checksum != encoder.checksum:
            return None, f"the index's vectors are of another model ({spec.model}): reindex"
        return encoder, None

    def similar(
        self, snap: Snapshot, article_id: str, count: int
    ) -> list[tuple[dict[str, Any], float]] | None:
        """The articles nearest this one by meaning; None where meaning is off (or it has no vector)."""
        if not self.similar_by_meaning or self.encoder(snap)[0] is None:
            return None
        vector = snap.vector_of(article_id)
        if vector is None:
            return None
        near = [(i, c) for i, c in snap.nearest(vector, count + 1) if i != article_id][:count]
        out = []
        for i, c in near:
            fields = snap.article(i)
            if fields:
                out.append((fields, round(c, 4)))
        return out

    def state(self, snap: Snapshot) -> Meaning:
        """Whether meaning would take part in a search of this generation."""
        encoder, off = self.encoder(snap)
        return Meaning(on=encoder is not None, off=off)

    def run(
        self,
        snap: Snapshot,
        words: Vocabulary,
        parsed: Parsed,
        text: str,
        filters: Filters,
        sort: str,
        start: int,
        count: int,
        facets: Sequence[Facet],
        days: bool,
        fetch: int | None = None,
    ) -> tuple[Match, Meaning]:
        """``fetch``: how many of the hits the caller reads the stored fields of (all by
        default); the others may stay light (``Snapshot.fetched``)."""
        encoder, off = self.encoder(snap)
        fetch = count if fetch is None else min(fetch, count)
        if encoder is None or parsed.node is None or not plain_words(parsed.node):
            light = fetch < count
            match = self.matching.run(snap, words, parsed, filters, sort, start, count, facets, days, light)
            if light:
                match.page.hits = _fetched(snap, match.page.hits, fetch)
            return match, Meaning(on=encoder is not None, off=off)
        opts = self.opts
        relevance = sort == "relevance"
        window = (0, max(opts.pool, start + count)) if relevance else (start, count)
        # The query is embedded beside the search by words (ONNX Runtime lets go of the GIL): a
        # reader waits for the longer of the two, not for both.
        embedding = _embedders.get().submit(_embedded, encoder, text)
        try:
            # Ranked by relevance, the pool's hits are for the fusion: only those shown are fetched.
            first = self.matching.run(snap, words, parsed, filters, sort, *window, facets, days, relevance)
        except BaseException:
            embedding.cancel()
            raise
        waited = time.perf_counter()
        vector, embed_ms = embedding.result()
        embed_wait_ms = (time.perf_counter() - waited) * 1000
        lex = first.page
        pool = lex.hits[: opts.pool] if relevance else []
        hood = snap.neighbourhood(vector, opts.nearest, first.expanded, [r for r, _ in pool])
        join = joiners(hood.nearest, hood.with_words, opts)
        cosine = dict(join)
        jpage = Page(0, [], {}, {} if days else None)
        node = Terms(tuple(i for i, _ in join), fields=("id",)) if join else None
        if node is not None:
            # By date, the joiners follow the hits by words: this page's share of them.
            jstart, jcount = (
                (0, len(join)) if relevance else (max(0, start - lex.total), count - len(lex.hits))
            )
            jpage = snap.search(node, filters, sort, jstart, max(0, jcount), facets, days)
        weight = words_weight(known_share(parsed.node, words, first.found), opts)
        meaning = Meaning(
            on=True, weight=weight, joined=jpage.total, by_words=lex.total, embed_ms=embed_ms,
            embed_wait_ms=embed_wait_ms,
        )  # fmt: skip
        if relevance:
            cands: list[tuple[Any, float | None]] = list(pool) + [(r, None) for r, _ in jpage.hits]
            cos = hood.cosines + [cosine.get(snap.stored(r).get("id", ""), 0.0) for r, _ in jpage.hits]
            scores = combined([s for _, s in cands], cos, weight, opts)
            order = sorted(range(len(cands)), key=lambda i: (-scores[i], i))
            ranked = [(cands[i][0], round(scores[i], 6)) for i in order]
            ranked += [(r, 0.0) for r, _ in lex.hits[opts.pool :]]
            joined_at = {n for n, i in enumerate(order) if i >= len(pool)}
            hits = _fetched(snap, ranked[start : start + count], fetch)
            meaning.marked = {n - start for n in joined_at if start <= n < start + count}
            if first.all_words is not None:
                # Ranked together, articles with some of the words no longer all follow those
                # with every word: no line between them, and the note says so.
                first.all_words = None
                first.notes = ["some_words_ranked" if n == "some_words" else n for n in first.notes]
        else:
            hits = lex.hits + jpage.hits
            meaning.marked = set(range(len(lex.hits), len(hits)))
        first.page = Page(
            lex.total + jpage.total,
            hits,
            added(lex.counts, jpage.counts),
            summed(lex.days or {}, jpage.days or {}) if days else None,
        )
        first.joined = node
        return first, meaning


# Queries embedded at once in a process: one for each web thread of ``khabar serve``'s workers.
EMBEDDERS = 4
_embedders = ForkSafePool(EMBEDDERS, "query-embedding")


def _embedded(encoder: Encoder, text: str) -> tuple[np.ndarray, float]:
    """The query's vector, and the CPU ms it took."""
    cpu = time.thread_time()
    vector = encoder.query(text)
    return vector, (time.thread_time() - cpu) * 1000


def _fetched(snap: Snapshot, hits: list[tuple[Any, float | None]], n: int) -> list[tuple[Any, float | None]]:
    """The hits, the first ``n`` fetched (``Snapshot.fetched``), the rest as they are."""
    refs = [r for r, _ in hits]
    refs = snap.fetched(refs[:n]) + refs[n:]
    return list(zip(refs, [s for _, s in hits], strict=True))

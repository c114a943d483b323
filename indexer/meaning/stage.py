"""The embedding stage of a reindex: every passage the index will hold has its vector first.

Before a generation is written, the articles to be (re)indexed are read once to find the
passages the vector cache lacks, and once more to embed those in batches, each batch appended
to the cache as soon as it is done (``cache``): a reindex killed here resumes where it stopped,
and an incremental one embeds only new and changed articles. The generation then takes each
article's vector from the cache, so the vectors it serves are all of one model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from indexer.crashpoints import crashpoint
from indexer.meaning.cache import VectorCache
from indexer.meaning.encoder import Encoder
from indexer.meaning.passage import key, passage_text
from indexer.records import Article

BATCH = 32  # passages embedded (and appended to the cache) at a time


class Embedder:
    def __init__(self, encoder: Encoder, cache_folder: Path) -> None:
        self.encoder = encoder
        self.cache = VectorCache(cache_folder, encoder.checksum, encoder.dim)
        self.embedded = 0  # passages embedded by this reindex (the rest came from the cache)

    @property
    def meaning(self) -> str:
        """What the vectors are: recorded with each generation, compared at search time."""
        return self.encoder.checksum

    def _key(self, article: Article) -> tuple[bytes, str]:
        text = passage_text(article)
        return key(self.encoder.checksum, text), text

    def fill(
        self,
        articles: Callable[[], Iterable[Article]],
        start: Callable[[int], None] = lambda total: None,
        done: Callable[[int], None] = lambda n: None,
    ) -> int:
        """Embed the passages of ``articles()`` the cache lacks; ``start(total)`` once they are
        counted, ``done(n)`` after each batch. Returns how many were embedded."""
        missing = {k for k, _ in map(self._key, articles()) if k not in self.cache}
        start(len(missing))
        batch: list[tuple[bytes, str]] = []
        for article in articles():
            if not missing:
                break
            k, text = self._key(article)
            if k in missing:
                missing.discard(k)
                batch.append((k, text))
                if len(batch) == BATCH:
                    self._embed(batch, done)
        self._embed(batch, done)
        return self.embedded

    def _embed(self, batch: list[tuple[bytes, str]], done: Callable[[int], None]) -> None:
        if not batch:
            return
        vectors = self.encoder.passages([t for _, t in batch])
        self.cache.add(zip((k for k, _ in batch), vectors, strict=True))
        self.embedded += len(batch)
        done(len(batch))
        batch.clear()
        crashpoint("embedding")  # tests kill a reindex here, after its first batch

    def vector(self, article: Article) -> np.ndarray:
        """The article's vector (from the cache; embedded now if a file changed meanwhile)."""
        k, text = self._key(article)
        found = self.cache.get(k)
        if found is None:
            found = self.encoder.passages([text])[0]
            self.cache.add([(k, found)])
        return found

"""Where Khabar's index lives in a cluster: the connection, the alias, which generation it names,
and the analysis each generation was built with.

The engine (searching) and the writer (reindexing) both start from a Place; neither needs the
other.
"""

from __future__ import annotations

import threading

from opensearchpy import exceptions as osx

from indexer.analysis.pipeline import Pipeline, pipeline
from indexer.engines.base import IndexUnavailable
from indexer.engines.config import EngineConfig
from indexer.engines.opensearch import schema
from indexer.engines.opensearch.connection import Connection
from indexer.ranking import RankingOptions


class Place:
    def __init__(self, config: EngineConfig, ranking: RankingOptions) -> None:
        self.config = config
        self.ranking = ranking
        self.alias = config.opensearch_index
        self.where = config.where
        self.conn = Connection(config)
        self._pipelines: dict[str, Pipeline] = {}
        self._lock = threading.Lock()

    def live_index(self) -> str | None:
        """The concrete articles index the alias names, None when there is none."""
        try:
            # Asked of Khabar's own generations only: on a secured cluster a user who may read
            # them and nothing else may not look the alias up across every index.
            found = self.conn.call(
                lambda c: c.indices.get_alias(
                    index=f"{self.alias}-g*", name=self.alias, params={"allow_no_indices": "true"}
                )
            )
        except osx.NotFoundError as e:
            if isinstance(e.info, dict):  # OpenSearch's own answer: no such alias
                return None
            raise IndexUnavailable(
                f"the server at {self.where} does not answer as an OpenSearch cluster (HTTP 404 where "
                "OpenSearch answers JSON); check --opensearch-url / KHABAR_OPENSEARCH_URL"
            ) from None
        names = sorted(found)
        return names[-1] if names else None

    def no_index(self) -> IndexUnavailable:
        return IndexUnavailable(
            f"no Khabar index {self.alias!r} in the OpenSearch cluster at {self.where}: build one with "
            f"`khabar reindex ARTICLES --engine opensearch --opensearch-index {self.alias}`"
        )

    def pipeline(self, index: str) -> Pipeline:
        """The analysis chain the generation ``index`` was built with (from its mapping)."""
        found = self._pipelines.get(index)
        if found is None:
            meta = self.conn.call(lambda c: c.indices.get_mapping(index=index))
            options = schema.analysis_of(next(iter(meta.values()))["mappings"].get("_meta", {}))
            if options is None:
                raise IndexUnavailable(
                    f"the index {index} in the cluster at {self.where} was built by another version of "
                    f"Khabar; rebuild it with `khabar reindex ARTICLES --engine opensearch --full`"
                )
            with self._lock:
                found = self._pipelines[index] = pipeline(options)
        return found

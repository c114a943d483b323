"""Search engines behind Khabar's engine interface (``base``): ``whoosh``, embedded and the default,
and ``opensearch``, a cluster. Each lives in its own package and is the only code that imports its
library; ``open_engine`` picks one by configuration (``config``) and imports it only then."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from indexer.engines.config import EngineConfig
from indexer.ranking import DEFAULT_RANKING, RankingOptions

if TYPE_CHECKING:
    from indexer.engines.base import Engine


def open_engine(index: Path | str | EngineConfig, ranking: RankingOptions = DEFAULT_RANKING) -> Engine:
    """The engine a configuration names; a path is a Whoosh index folder."""
    config = index if isinstance(index, EngineConfig) else EngineConfig(index_dir=Path(index))
    if config.engine == "opensearch":
        from indexer.engines.opensearch.engine import OpenSearchEngine

        return OpenSearchEngine(config, ranking)
    from indexer.engines.whoosh.engine import WhooshEngine

    return WhooshEngine(config.index_dir, ranking)

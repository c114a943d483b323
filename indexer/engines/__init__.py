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


class MissingDependency(Exception):
    """An engine's library is not installed; the message says which extra installs it."""


# Each engine's library, and the extra of Khabar's that installs it.
LIBRARIES = {"opensearch": ("opensearchpy", "opensearch-py", "opensearch")}


def open_engine(index: Path | str | EngineConfig, ranking: RankingOptions = DEFAULT_RANKING) -> Engine:
    """The engine a configuration names; a path is a Whoosh index folder."""
    config = index if isinstance(index, EngineConfig) else EngineConfig(index_dir=Path(index))
    if config.engine == "opensearch":
        try:
            from indexer.engines.opensearch.engine import OpenSearchEngine
        except ModuleNotFoundError as e:
            module, package, extra = LIBRARIES["opensearch"]
            if (e.name or "").split(".")[0] != module:
                raise
            raise MissingDependency(
                f"the OpenSearch engine needs the {package} package, which is not installed: "
                f"pip install 'khabar[{extra}]'"
            ) from None
        return OpenSearchEngine(config, ranking)
    from indexer.engines.whoosh.engine import WhooshEngine

    return WhooshEngine(config.index_dir, ranking)

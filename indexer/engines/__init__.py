"""Search engines behind Khabar's engine interface (``base``): ``whoosh``, embedded and the default,
and ``opensearch``, a cluster. Each lives in its own package and is the only code that imports its
library; ``open_engine`` picks one by configuration and imports it only then."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from indexer.ranking import DEFAULT_RANKING, RankingOptions

if TYPE_CHECKING:
    from indexer.engines.base import Engine


def open_engine(index: Path | str, ranking: RankingOptions = DEFAULT_RANKING) -> Engine:
    """The Whoosh engine over the index folder ``index``."""
    from indexer.engines.whoosh.engine import WhooshEngine

    return WhooshEngine(Path(index), ranking)

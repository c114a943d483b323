"""Khabar's indexing side: ingestion, Hindi analysis, the query language, the engines and the
search service.

Data flows one way: files -> records (``ingest``) -> analysis (``analysis``) -> index (``build``,
through an engine of ``engines``) -> search service (``search``, with ``query``) -> CLI / web app.
Only ``engines.whoosh`` imports Whoosh, and only ``engines.opensearch`` knows OpenSearch.
"""

__version__ = "0.1.0"

"""Khabar's indexing side: ingestion, Hindi analysis, the index and the search service.

Data flows one way: files -> records (``ingest``) -> analysis (``analysis``) ->
index (``schema``, ``store``, ``build``) -> search service (``search``).
Whoosh is used only inside ``analysis.analyzer``, ``schema``, ``store``, ``build`` and ``search``.
"""

__version__ = "0.1.0"

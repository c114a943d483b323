"""The Whoosh engine: the index in a local folder of generations, searched in this process.

schema    - the fields of a Whoosh index, and an Article as a Whoosh document
analyzer  - the Hindi analysis chain as a (picklable) Whoosh tokenizer
store     - generations on disk, the atomic swap, the reindex lock
fixes     - small corrections to Whoosh 2.7.5 internals, checked against the installed version
docsets   - one generation as numpy arrays (facets, dates, lengths, postings)
evaluate  - the query tree -> matching documents and BM25 scores
scoring   - BM25 with the ranking options' parameters
engine    - the engine and its per-thread snapshots (the interface of ``indexer.engines.base``)
"""

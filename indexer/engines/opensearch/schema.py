"""Khabar's indexes in an OpenSearch cluster, and an Article as an OpenSearch document.

For an index named ``khabar`` (``--opensearch-index``), every generation N is four indexes:

    khabar-gNNNNNN          the articles (the alias ``khabar`` points at the live one)
    khabar-gNNNNNN-vocab    one document per distinct title/body term (alias ``khabar-vocab``):
                            spelling neighbours and sound-alikes are looked up in the cluster
    khabar-gNNNNNN-words    one document per word titles and bodies write, with its term and
                            how many of them write it (alias ``khabar-words``): patterns
    khabar-gNNNNNN-files    the manifest, one document per corpus file (alias ``khabar-files``)

and ``khabar-lock`` holds the reindex lock. Title and body are analysed by Khabar's own Python
chain (the same as the Whoosh engine's) and indexed as their terms, whitespace-separated, in
``t`` and ``b``; stopwords are left out, so positions count kept words only, as in Whoosh. The
text as written is kept in stored fields (``STORED``) for display, snippets and highlighting.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from typing import Any

from indexer.analysis.pipeline import AnalysisOptions, Pipeline
from indexer.engines.base import VectorSpec
from indexer.engines.config import EngineConfig
from indexer.ranking import RankingOptions
from indexer.records import Article, iso_date, local_seconds
from indexer.words import MAX_WORD_CHARS

FORMAT = 4  # bump when the mapping or the meaning of a document changes (4: WORDS)
MAX_RESULT_WINDOW = 110_000  # the web's deepest page: 1,000 pages of 100
MAX_TERM_CHARS = 2000  # Lucene refuses terms over 32,766 bytes; no word is this long anyway
_GEN = re.compile(r"-g(\d{6,})$")


def generation_index(alias: str, n: int) -> str:
    return f"{alias}-g{n:06d}"


def generation_number(alias: str, index: str) -> int | None:
    """N of an articles index ``alias-gNNNNNN``; None for other names."""
    if not index.startswith(alias + "-"):
        return None
    m = _GEN.search(index)
    return int(m.group(1)) if m and index == generation_index(alias, int(m.group(1))) else None


def doc_id(article_id: str) -> str:
    """OpenSearch ids are at most 512 bytes; longer article ids are hashed."""
    raw = article_id.encode("utf-8")
    return article_id if len(raw) <= 500 else "sha1:" + hashlib.sha1(raw).hexdigest()


# Each article's distinct words as written (title and body, no stopwords), space-separated:
# what the research desk counts (``indexer.characteristic``), read for thirty hits a search.
WORDS = "w"
VECTOR = "vec"  # the article's vector (search by meaning), when the generation holds vectors
VECTOR_STORED = "vec_stored"  # the same, stored (float32 bytes): no _source to read it from
HNSW = {
    "name": "hnsw",
    "engine": "lucene",
    "space_type": "cosinesimil",
    "parameters": {"m": 16, "ef_construction": 128},
}


def articles_index(
    config: EngineConfig,
    ranking: RankingOptions,
    analysis: AnalysisOptions,
    vectors: VectorSpec | None = None,
) -> dict[str, Any]:
    """Settings and mappings of a new articles index (written with no replicas and no refresh;
    both are set when the generation is committed). With ``vectors``, a ``knn_vector`` field
    searched by Lucene's HNSW graphs (the k-NN plugin) and the model named in ``_meta``."""
    text = {
        "type": "text",
        "analyzer": "khabar_terms",
        "similarity": "khabar_bm25",
        "index_options": "positions",
    }
    keyword = {"type": "keyword", "store": True}
    stored = {"type": "keyword", "index": False, "doc_values": False, "store": True}
    shown = {"type": "text", "index": False, "store": True}
    body: dict[str, Any] = {
        "settings": {
            "index": {
                "number_of_shards": config.shards,
                "number_of_replicas": 0,
                "refresh_interval": "-1",
                # While the generation is built: no fsync per bulk request. A crash loses only a
                # generation nobody serves; commit flushes it before it is published.
                "translog": {"durability": "async"},
                "max_result_window": MAX_RESULT_WINDOW,
                "similarity": {"khabar_bm25": {"type": "BM25", "k1": ranking.bm25_k1, "b": ranking.bm25_b}},
                "analysis": {
                    "tokenizer": {"khabar_space": {"type": "whitespace", "max_token_length": MAX_TERM_CHARS}},
                    "analyzer": {"khabar_terms": {"type": "custom", "tokenizer": "khabar_space"}},
                },
            }
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"khabar": {"format": FORMAT, "analysis": asdict(analysis)}},
            # No _source: the text as written is kept as stored fields, the terms not at all. A
            # _source that left the terms out cost a quarter of the cluster's indexing work
            # (every document parsed and written again without them).
            "_source": {"enabled": False},
            "properties": {
                "id": keyword,
                "t": text,
                "b": text,
                "title": shown,
                "body": shown,
                WORDS: shown,
                "byline": shown,
                "date": stored,
                "url": stored,
                "category": keyword,
                "source": keyword,
                "author": keyword,
                "year": keyword,
                "month": keyword,
                "tags": keyword,
                "ts": {"type": "long", "store": True},
                "seq": {"type": "long"},
            },
        },
    }
    if vectors is not None:
        body["settings"]["index"]["knn"] = True
        body["mappings"]["properties"][VECTOR] = {
            "type": "knn_vector",
            "dimension": vectors.dim,
            "method": HNSW,
        }
        body["mappings"]["properties"][VECTOR_STORED] = {"type": "binary", "store": True}
        body["mappings"]["_meta"]["khabar"]["meaning"] = asdict(vectors)
    return body


def vectors_of(meta: dict[str, Any]) -> VectorSpec | None:
    """The model of an articles index's vectors, from its mapping's ``_meta``; None: none."""
    found = meta.get("khabar", {}).get("meaning")
    try:
        return VectorSpec(found["model"], found["checksum"], int(found["dim"])) if found else None
    except (KeyError, TypeError, ValueError):
        return None


def vocab_index(config: EngineConfig) -> dict[str, Any]:
    return {
        "settings": {"index": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"}},
        "mappings": {"dynamic": "strict", "properties": {"term": {"type": "keyword"}}},
    }


WORDS_PAGE = 20_000  # words a pattern look-up may read in one request


def words_index(config: EngineConfig) -> dict[str, Any]:
    return {
        "settings": {
            "index": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "refresh_interval": "-1",
                "max_result_window": WORDS_PAGE,
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "word": {"type": "keyword"},
                "term": {"type": "keyword", "index": False},
                "docs": {"type": "long", "index": False},
            },
        },
    }


def files_index(config: EngineConfig) -> dict[str, Any]:
    """One document per corpus file: its key, and its manifest entry as kept (never searched)."""
    return {
        "settings": {"index": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"}},
        "mappings": {
            "dynamic": "strict",
            "properties": {"key": {"type": "keyword"}, "entry": {"type": "object", "enabled": False}},
        },
    }


def analysis_of(mapping_meta: dict[str, Any]) -> AnalysisOptions | None:
    """The analysis an articles index was built with (from its mapping's _meta)."""
    khabar = (mapping_meta or {}).get("khabar") or {}
    if khabar.get("format") != FORMAT:
        return None
    try:
        raw = khabar["analysis"]
        return AnalysisOptions(rules=tuple(raw["rules"]), stopwords=raw["stopwords"], stemmer=raw["stemmer"])
    except (KeyError, TypeError, ValueError):
        return None


def terms(pipeline: Pipeline, text: str) -> tuple[list[str], set[str]]:
    """Index terms of ``text`` in order, stopwords left out (positions count kept words only),
    and its distinct spellings of them."""
    found, spelt = pipeline.index_terms_and_spellings(text)
    return [t if len(t) <= MAX_TERM_CHARS else t[:MAX_TERM_CHARS] for t in found], spelt


def document(
    a: Article, seq: int, pipeline: Pipeline
) -> tuple[dict[str, Any], set[str], list[list[tuple[str, str]]]]:
    """The article as a document, the distinct terms of its title and body, and the words each
    of them writes (``indexer.words``)."""
    (title, title_spelt), (body, body_spelt) = terms(pipeline, a.title), terms(pipeline, a.body)
    pair = pipeline.written_pair
    kept = sorted(w for w in title_spelt | body_spelt if len(w) <= MAX_WORD_CHARS)
    doc: dict[str, Any] = {
        "id": a.id,
        "t": " ".join(title),
        "b": " ".join(body),
        WORDS: " ".join(kept),
        "title": a.title,
        "body": a.body,
        "byline": a.byline,
        "date": iso_date(a.date),
        "url": a.url,
        "tags": list(a.tags),
        "seq": seq,
    }
    for name in ("category", "source", "author"):
        value = getattr(a, name)
        if value:
            doc[name] = value
    if a.date:
        doc.update(
            year=f"{a.date.year:04d}", month=f"{a.date.year:04d}-{a.date.month:02d}", ts=local_seconds(a.date)
        )
    return doc, set(title) | set(body), [[pair(w) for w in title_spelt], [pair(w) for w in body_spelt]]


STORED = ["id", "title", "body", "byline", "date", "url", "category", "source", "author", "tags", "ts"]
# What a shown hit reads: its fields and its kept words (its snippet stops waiting for a query
# word its body does not write: ``Snapshot.spellings``).
SHOWN = [*STORED, WORDS]
_LISTS = {"tags"}


def stored_fields(hit: dict[str, Any]) -> dict[str, Any]:
    """A hit's stored fields as one article's values (OpenSearch answers each as a list)."""
    fields = hit.get("fields") or {}
    return {k: (v if k in _LISTS else v[0]) for k, v in fields.items() if v}


def file_key(key: str) -> str:
    """A manifest key as JSON text: keys of files whose names are not UTF-8 hold lone surrogates,
    which only \\u-escaped JSON can carry."""
    return json.dumps(key)

"""The OpenAPI description of the JSON API, served at /api/openapi.json (tests hold the API to it)."""

from __future__ import annotations

from typing import Any

from indexer import __version__
from indexer.export import FORMATS as EXPORT_FORMATS
from indexer.export import LIMIT as EXPORT_LIMIT
from indexer.facets import FACETS
from indexer.search import MAX_COMPARE, MAX_PER_PAGE, NOTES, SORTS
from indexer.timeline import INTERVALS

STR = {"type": "string"}
NULLABLE_STR = {"type": ["string", "null"]}
URL = {"type": "string", "description": "a URL of this server, relative to its root"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or list(props)}


SCHEMAS: dict[str, Any] = {
    "Hit": _obj(
        {
            "id": STR,
            "title": STR,
            "title_html": {"type": "string", "description": "escaped title, matched words in <mark>"},
            "date": {"type": "string", "description": "ISO date or date-time as given; empty when unknown"},
            "category": STR,
            "source": STR,
            "author": STR,
            "url": STR,
            "score": {"type": ["number", "null"]},
            "snippet": {"type": "string", "description": "escaped ~200 characters, matched words in <mark>"},
            "by_meaning": {
                "type": "boolean",
                "description": "found by meaning alone: the article lacks the query's words",
            },
        }
    ),
    "FacetValue": _obj(
        {
            "value": STR,
            "count": {"type": "integer", "minimum": 0},
            "selected": {"type": "boolean"},
            "toggle_url": {**URL, "description": "the same search with this value added or removed"},
        }
    ),
    "Selection": _obj({"facet": STR, "value": STR, "remove_url": URL}),
    "QuickRange": _obj(
        {
            "key": {"enum": ["last7", "last30", "last365"]},
            "from": STR,
            "to": STR,
            "url": URL,
            "selected": {"type": "boolean"},
        }
    ),
    "PageLink": {
        "oneOf": [
            _obj({"page": {"type": "integer"}, "url": URL, "current": {"type": "boolean"}}),
            {"type": "null"},
        ]
    },
    "SearchResponse": _obj(
        {
            "query": STR,
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "sort": {
                "enum": list(SORTS),
                "description": "the order of the hits: as asked, or newest first when nothing ranks them "
                "(no query, or only filters and exclusions)",
            },
            "filters": {"type": "object", "additionalProperties": {"type": "array", "items": STR}},
            "date_from": NULLABLE_STR,
            "date_to": NULLABLE_STR,
            "took_ms": {"type": "number", "minimum": 0},
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": {
                "type": "object",
                "propertyNames": {"enum": [f.name for f in FACETS]},
                "additionalProperties": {"type": "array", "items": _ref("FacetValue")},
            },
            "note": {"type": ["string", "null"], "description": "an unusual answer explained"},
            "notes": {
                "type": "array",
                "items": {"enum": list(NOTES)},
            },
            "suggestion": {"type": ["string", "null"], "description": "the query respelled (did you mean)"},
            "suggestion_url": URL,
            "all_words": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "when articles with only some of the words follow: how many have all of them "
                "(they come first); null otherwise",
            },
            "transliterations": {
                "type": "object",
                "description": "Latin-letter query words and the Devanagari spellings they also matched",
                "additionalProperties": {"type": "array", "items": STR},
            },
            "variants": {
                "type": "object",
                "description": "rare spellings typed and their far more common candra variants, also "
                "matched (डाक्टर: डॉक्टर), ranked below the spelling typed",
                "additionalProperties": {"type": "array", "items": STR},
            },
            "timeline": {
                "oneOf": [_ref("Timeline"), {"type": "null"}],
                "description": "matching articles per period; null when none is dated",
            },
            "characteristic_words": {"type": "array", "items": _ref("CharacteristicWord"), "maxItems": 15},
            "characteristic_sample": {
                "type": "integer",
                "minimum": 0,
                "description": "best-ranked results the characteristic words were read from",
            },
            "meaning": _obj(
                {
                    "on": {"type": "boolean", "description": "whether search by meaning took part"},
                    "off": {**NULLABLE_STR, "description": "why it is off"},
                    "joined": {"type": "integer", "minimum": 0, "description": "found by meaning alone"},
                    "weight_of_words": {"type": ["number", "null"], "description": "in the fused ranking"},
                }
            ),
            "export_urls": _obj({"csv": URL, "jsonl": URL}),
            "export_limit": {"type": "integer", "description": "articles per export at most"},
            "feed_url": {**URL, "description": "Atom feed of this search's newest 50 articles"},
            "selected": {"type": "array", "items": _ref("Selection")},
            "clear_url": URL,
            "quick_ranges": {"type": "array", "items": _ref("QuickRange")},
            "newest_date": NULLABLE_STR,
            "sort_urls": {"type": "object", "additionalProperties": URL},
            "page_urls": _obj(
                {
                    "prev": {"type": ["string", "null"]},
                    "next": {"type": ["string", "null"]},
                    "pages": {"type": "array", "items": _ref("PageLink")},
                }
            ),
        },
        required=[
            "query",
            "total",
            "page",
            "pages",
            "per_page",
            "sort",
            "filters",
            "took_ms",
            "hits",
            "facets",
            "note",
            "notes",
            "suggestion",
            "transliterations",
            "variants",
            "all_words",
            "timeline",
            "characteristic_words",
            "characteristic_sample",
            "meaning",
            "export_urls",
            "export_limit",
            "feed_url",
            "selected",
            "clear_url",
            "quick_ranges",
            "page_urls",
        ],
    ),
    "Bucket": _obj(
        {
            "start": {"type": "string", "format": "date", "description": "first day of the period"},
            "end": {"type": "string", "format": "date", "description": "last day of the period"},
            "count": {"type": "integer", "minimum": 0, "description": "matching articles published in it"},
            "share": {
                "type": ["number", "null"],
                "minimum": 0,
                "maximum": 1,
                "description": "count / all articles of the period under the same filters; null if none",
            },
            "url": {**URL, "description": "the same search narrowed to this period"},
        }
    ),
    "Series": _obj(
        {
            "query": STR,
            "total": {"type": "integer", "minimum": 0, "description": "dated matching articles"},
            "buckets": {"type": "array", "items": _ref("Bucket")},
            "remove_url": {**URL, "description": "(compared queries) the search without this one"},
        },
        required=["query", "total", "buckets"],
    ),
    "Timeline": _obj(
        {
            "interval": {"enum": list(INTERVALS)},
            "series": {
                "type": "array",
                "items": _ref("Series"),
                "description": "the search first, then each `compare` query",
            },
            "share": {"type": "boolean", "description": "whether the page draws shares (share=1)"},
            "share_url": {**URL, "description": "the same search with the share switch flipped"},
        }
    ),
    "CharacteristicWord": _obj(
        {
            "word": {"type": "string", "description": "as most of the sampled articles write it"},
            "count": {"type": "integer", "minimum": 1, "description": "sampled articles holding it"},
            "score": {"type": "number", "description": "JLH: (fg - bg) * fg / bg, shares of articles"},
            "url": {**URL, "description": "the search with this word added"},
        }
    ),
    "Article": _obj(
        {
            "id": STR,
            "title": STR,
            "body": STR,
            "byline": STR,
            "date": STR,
            "category": STR,
            "source": STR,
            "author": STR,
            "url": STR,
            "tags": {"type": "array", "items": STR},
            "similar": {
                "type": "array",
                "items": _obj({"id": STR, "title": STR, "date": STR, "source": STR}),
            },
        }
    ),
    "Suggestions": _obj(
        {
            "query": STR,
            "suggestions": {
                "type": "array",
                "items": _obj(
                    {
                        "text": STR,
                        "kind": {"enum": ["query", "title"]},
                        "id": NULLABLE_STR,
                    }
                ),
            },
        }
    ),
    "Health": _obj(
        {
            "status": {"const": "ok"},
            "documents": {"type": "integer"},
            "generation": STR,
            "ready": {
                "type": "boolean",
                "description": "false while autocomplete tables are still being built",
            },
        }
    ),
    "Error": _obj({"error": _obj({"status": {"type": "integer"}, "name": STR, "message": STR})}),
}

SEARCH_PARAMS = [
    {
        "name": "q",
        "in": "query",
        "schema": {"type": "string", "maxLength": 500},
        "description": 'words (all required), "phrases", -excluded, field:value, prefix*; Latin letters too',
    },
    *[
        {
            "name": f.name,
            "in": "query",
            "schema": {"type": "array", "items": STR},
            "style": "form",
            "explode": True,
            "description": f"{f.name} values; several combine with OR",
        }
        for f in FACETS
    ],
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "sort", "in": "query", "schema": {"enum": list(SORTS), "default": "relevance"}},
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
    },
    {
        "name": "compare",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string", "maxLength": 500}, "maxItems": MAX_COMPARE},
        "style": "form",
        "explode": True,
        "description": "more queries drawn as series of their own in `timeline`",
    },
    *[
        {
            "name": name,
            "in": "query",
            "schema": {"enum": ["0", "1"], "default": "1"},
            "description": f"0: no `{field}` (saves its time)",
        }
        for name, field in (("timeline", "timeline"), ("words", "characteristic_words"))
    ],
    {
        "name": "share",
        "in": "query",
        "schema": {"enum": ["1"]},
        "description": "the page draws each period's share of all articles instead of counts",
    },
]

EXPORT_PARAMS = [
    *[
        p
        for p in SEARCH_PARAMS
        if p["name"] not in ("page", "per_page", "compare", "share", "timeline", "words")
    ],
    {"name": "format", "in": "query", "schema": {"enum": list(EXPORT_FORMATS), "default": "csv"}},
]
FEED_PARAMS = [p for p in EXPORT_PARAMS if p["name"] not in ("sort", "format")]


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Khabar search API",
            "version": __version__,
            "description": "Full-text search over Hindi news: the JSON twin of every Khabar page.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search articles, with facets and the links of neighbouring states",
                    "parameters": SEARCH_PARAMS,
                    "responses": {
                        "200": _json("SearchResponse", "results"),
                        "400": _json("Error", "bad parameter"),
                    },
                }
            },
            "/export": {
                "get": {
                    "summary": f"Every matching article (at most {EXPORT_LIMIT:,}), in the search's order, "
                    "streamed: CSV (UTF-8 with a BOM; id, date, title, source, category, author, tags, url "
                    "and the first 300 characters) or JSON Lines (whole records). Headers X-Khabar-Total "
                    "and X-Khabar-Exported give the counts.",
                    "parameters": EXPORT_PARAMS,
                    "responses": {
                        "200": {
                            "description": "the articles",
                            "content": {"text/csv": {}, "application/x-ndjson": {}},
                        },
                        "400": {"description": "bad parameter (an HTML error page)"},
                    },
                }
            },
            "/feed": {
                "get": {
                    "summary": "Atom feed (RFC 4287) of the search's newest 50 articles",
                    "parameters": FEED_PARAMS,
                    "responses": {
                        "200": {"description": "the feed", "content": {"application/atom+xml": {}}},
                        "400": {"description": "bad parameter (an HTML error page)"},
                    },
                }
            },
            "/api/article/{id}": {
                "get": {
                    "summary": "One article in full, with the five most similar",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": STR}],
                    "responses": {
                        "200": _json("Article", "the article"),
                        "404": _json("Error", "no such article"),
                    },
                }
            },
            "/api/suggest": {
                "get": {
                    "summary": "Autocomplete: completed queries and headlines for what is being typed",
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}}
                    ],
                    "responses": {
                        "200": _json("Suggestions", "suggestions"),
                        "400": _json("Error", "bad parameter"),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Whether the index is readable",
                    "responses": {"200": _json("Health", "ready"), "503": _json("Error", "no usable index")},
                }
            },
            "/api/openapi.json": {
                "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI"}}}
            },
        },
        "components": {"schemas": SCHEMAS},
    }

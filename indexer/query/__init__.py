"""Khabar's query language, independent of any search engine.

tree     - the query tree (terms, phrases, patterns, And / Or / Not, All)
parser   - query text -> tree, with the index's analysis chain
rewrite  - what the service does with a tree (some of the words, alternatives, highlighting)
"""

from indexer.query.parser import Parsed, parse
from indexer.query.rewrite import (
    Highlight,
    expand_patterns,
    expand_terms,
    highlight_terms,
    plain_terms,
    some_words,
)
from indexer.query.tree import KEYWORD_FIELDS, QUERY_FIELDS, TEXT_FIELDS, show

__all__ = [
    "KEYWORD_FIELDS",
    "QUERY_FIELDS",
    "TEXT_FIELDS",
    "Highlight",
    "Parsed",
    "expand_patterns",
    "expand_terms",
    "highlight_terms",
    "parse",
    "plain_terms",
    "show",
    "some_words",
]

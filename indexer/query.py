"""Parse a reader's query text into an engine query, and list the words to highlight.

Syntax (Whoosh's, trimmed to what a news reader needs):
    कोरोना वैक्सीन          all words required (any word, if that finds nothing)
    "किम जोंग उन"           phrase
    -लॉकडाउन                exclude a word
    category:खेल            a field (title, body, category, source, author, tags, year, month)
    किसान*                  prefix
    OR / AND / NOT, ( )     boolean operators, upper case
A query the parser cannot make sense of is searched again as plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import qparser, query
from whoosh.fields import Schema

from indexer.analysis.normalize import normalize

SEARCH_FIELDS = ("title", "body")
FIELD_BOOSTS = {"title": 2.0, "body": 1.0}
QUERY_FIELDS = ("title", "body", "category", "source", "author", "tags", "year", "month")

_SYNTAX = re.compile(r"[\"'()\[\]{}^~*?:+\-!\\/]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b")


@dataclass(frozen=True)
class Highlight:
    """Which index terms of title and body a result should mark."""

    terms: frozenset[str]
    prefixes: tuple[str, ...] = ()

    def __call__(self, term: str) -> bool:
        return term in self.terms or any(term.startswith(p) for p in self.prefixes)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)


def _parser(schema: Schema, any_word: bool, plain: bool) -> qparser.QueryParser:
    group = qparser.OrGroup.factory(0.9) if any_word else qparser.AndGroup
    if plain:
        plugins = [qparser.WhitespacePlugin()]
        return qparser.MultifieldParser(
            list(SEARCH_FIELDS), schema, FIELD_BOOSTS, group=group, plugins=plugins
        )
    p = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, FIELD_BOOSTS, group=group)
    p.replace_plugin(qparser.FieldsPlugin(expr=r"(?P<text>" + "|".join(QUERY_FIELDS) + r"):"))
    # Words are all required already, so only "-" matters, and only at the start of a word:
    # COVID-19 and विज्ञान-तकनीक stay words. The plus pattern never matches.
    p.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?!)", minusexpr=r"(?:^|(?<=[\s(]))-(?=\S)"))
    return p


def _has_error(q: query.Query) -> bool:
    # Whoosh marks what it could not parse with an ``error`` attribute instead of raising.
    return bool(getattr(q, "error", None)) or any(_has_error(c) for c in q.children())


def parse(text: str, schema: Schema, *, any_word: bool = False) -> tuple[query.Query, bool]:
    """Return (query, plain) where ``plain`` says the text was re-read without syntax.

    The query is ``query.NullQuery`` when nothing searchable is left (only stopwords, say).
    """
    try:
        q = _parser(schema, any_word, plain=False).parse(text)
        if not _has_error(q):
            return q, False
    except Exception:  # a parser bug on odd input must not reach the reader
        pass
    words = _SYNTAX.sub(" ", text)
    return _parser(schema, any_word, plain=True).parse(words), True


def word_count(q: query.Query) -> int:
    """How many separate required pieces a query has (for deciding on the any-word fallback)."""
    if isinstance(q, query.And | query.Or):
        return len(q.subqueries)
    return 1


def highlight_terms(q: query.Query) -> Highlight:
    terms: set[str] = set()
    prefixes: list[str] = []

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)  # the excluded side is never shown
            return
        if isinstance(node, query.Term) and node.fieldname in SEARCH_FIELDS:
            terms.add(node.text)
        elif isinstance(node, query.Phrase) and node.fieldname in SEARCH_FIELDS:
            terms.update(node.words)
        elif isinstance(node, query.Prefix) and node.fieldname in SEARCH_FIELDS:
            prefixes.append(normalize(node.text))
        for child in node.children():
            walk(child)

    walk(q)
    return Highlight(frozenset(terms), tuple(dict.fromkeys(prefixes)))

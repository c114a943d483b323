"""Parse a reader's query text into an engine query, and list the words to highlight.

Syntax (Whoosh's, trimmed to what a news reader needs):
    कोरोना वैक्सीन          all words (the service adds articles with some of them when few have all)
    "किम जोंग उन"           phrase
    -लॉकडाउन                exclude a word
    category:खेल            a field (title, body, category, source, author, tags, year, month)
    किसान*                  prefix (``?`` is a question mark, not a wildcard)
    OR / AND / NOT, ( )     boolean operators, upper case
A query the parser cannot make sense of is searched again as plain words.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from whoosh import qparser, query
from whoosh.fields import Schema

SEARCH_FIELDS = ("title", "body")
DEFAULT_BOOSTS = {"title": 2.0, "body": 1.0}
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


class _StarPlugin(qparser.WildcardPlugin):
    """Only ``*`` is a wildcard. Whoosh also takes ``?`` as one, so the last word of a question
    (``… किसने जीता?``) became a pattern that matches every word but itself."""

    qmarks = ""
    expr = r"(?P<text>[*])"


def _parser(schema: Schema, any_word: bool, plain: bool, boosts: dict[str, float]) -> qparser.QueryParser:
    group = qparser.OrGroup.factory(0.9) if any_word else qparser.AndGroup
    if plain:
        plugins = [qparser.WhitespacePlugin()]
        return qparser.MultifieldParser(list(SEARCH_FIELDS), schema, boosts, group=group, plugins=plugins)
    p = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, boosts, group=group)
    p.remove_plugin_class(qparser.WildcardPlugin)
    p.add_plugin(_StarPlugin())
    p.replace_plugin(qparser.FieldsPlugin(expr=r"(?P<text>" + "|".join(QUERY_FIELDS) + r"):"))
    # Words are all required already, so only "-" matters, and only at the start of a word:
    # COVID-19 and विज्ञान-तकनीक stay words. The plus pattern never matches.
    p.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?!)", minusexpr=r"(?:^|(?<=[\s(]))-(?=\S)"))
    return p


def _has_error(q: query.Query) -> bool:
    # Whoosh marks what it could not parse with an ``error`` attribute instead of raising.
    return bool(getattr(q, "error", None)) or any(_has_error(c) for c in q.children())


def parse(
    text: str,
    schema: Schema,
    *,
    any_word: bool = False,
    boosts: dict[str, float] | None = None,
) -> tuple[query.Query, bool]:
    """Return (query, plain) where ``plain`` says the text was re-read without syntax.

    The query is ``query.NullQuery`` when nothing searchable is left (only stopwords, say).
    """
    try:
        q = _parser(schema, any_word, False, boosts or DEFAULT_BOOSTS).parse(text)
        if not _has_error(q):
            return q, False
    except Exception:  # a parser bug on odd input must not reach the reader
        pass
    words = _SYNTAX.sub(" ", text)
    return _parser(schema, any_word, True, boosts or DEFAULT_BOOSTS).parse(words), True


def _only_words(q: query.Query) -> bool:
    """Whether ``q`` is made of title/body words and phrases only (no NOT, no other field)."""
    if isinstance(q, query.Not | query.AndNot):
        return False
    children = list(q.children())
    if not children:
        return getattr(q, "fieldname", None) in SEARCH_FIELDS
    return all(_only_words(c) for c in children)


def some_words(q: query.Query) -> query.Query | None:
    """``q`` with its words made optional (any of them will do); None when it has fewer than two.

    What is not a word stays required: an excluded word (``-पंजाब``, ``NOT``), another field
    (``category:खेल``). A phrase or a bracketed group counts as one word.
    """
    if isinstance(q, query.AndNot):
        inner = some_words(q.a)
        return query.AndNot(inner, q.b) if inner is not None else None
    if not isinstance(q, query.And):
        return None
    words: list[query.Query] = []
    required: list[query.Query] = []
    for c in q.subqueries:
        (words if _only_words(c) else required).append(c)
    if len(words) < 2:
        return None
    # A plain sum of the words' scores. (Whoosh's coordination bonus, Or(scale=…), seemed worth
    # +0.001 on XQuAD, but its term count shrinks as matchers run dry, so a document's bonus
    # depends on its position in the index; computed consistently it changed nothing.)
    anyword = query.Or(words)
    return query.And([*required, anyword]) if required else anyword


def wanted_leaves(q: query.Query) -> Iterator[query.Query]:
    """Every leaf of ``q`` in query order, except those under NOT or an ANDNOT's excluded side."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from wanted_leaves(q.a)
        return
    children = list(q.children())
    if not children:
        yield q
    for child in children:
        yield from wanted_leaves(child)


def highlight_terms(q: query.Query) -> Highlight:
    terms: set[str] = set()
    prefixes: list[str] = []
    for node in wanted_leaves(q):
        if getattr(node, "fieldname", None) not in SEARCH_FIELDS:
            continue
        if isinstance(node, query.Term):
            terms.add(node.text)
        elif isinstance(node, query.Phrase):
            terms.update(node.words)
        elif isinstance(node, query.Prefix):
            prefixes.append(node.text)  # already normalised by the field's analyzer
    return Highlight(frozenset(terms), tuple(dict.fromkeys(prefixes)))


def plain_terms(q: query.Query, fieldname: str = "body") -> list[str]:
    """The single-word terms of ``q`` in ``fieldname``, in query order, excluded words left out."""
    found = (n.text for n in wanted_leaves(q) if isinstance(n, query.Term) and n.fieldname == fieldname)
    return list(dict.fromkeys(found))


def with_proximity(q: query.Query, boost: float, slop: int, boosts: dict[str, float]) -> query.Query:
    """Add optional clauses that reward query words standing close together, in order.

    Each pair of neighbouring query words becomes a sloppy phrase; matching documents keep
    their score and gain the phrases' scores, so nothing is filtered out.
    """
    words = plain_terms(q)
    if boost <= 0 or len(words) < 2:
        return q
    near = [
        query.Phrase(field, [a, b], slop=slop, boost=boost * boosts.get(field, 1.0))
        for a, b in itertools.pairwise(words)
        for field in SEARCH_FIELDS
    ]
    return query.AndMaybe(q, query.Or(near))


def expand_terms(q: query.Query, alternatives: Callable[[str], list[tuple[str, float]]]) -> query.Query:
    """Give each title/body term the alternatives ``alternatives(term)`` proposes, as an Or.

    Used for words the index does not know (spelling neighbours) and, later, for romanised
    words. Excluded words are left alone.
    """

    def rewrite(node: query.Query) -> query.Query:
        if isinstance(node, query.Not):
            return node
        if isinstance(node, query.AndNot):
            return query.AndNot(rewrite(node.a), node.b)
        if isinstance(node, query.Term) and node.fieldname in SEARCH_FIELDS:
            alts = alternatives(node.text)
            if not alts:
                return node
            return query.Or([node, *(query.Term(node.fieldname, t, boost=node.boost * w) for t, w in alts)])
        return node.apply(rewrite)

    return rewrite(q)

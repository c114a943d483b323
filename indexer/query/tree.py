"""Khabar's own query tree: what a reader asked for, in index terms, for any engine.

The parser builds it from the query text (words already analysed into index terms), the search
service rewrites it (some of the words, spelling and sound-alike alternatives), and an engine
evaluates it. Nodes are small frozen values; a word is searched in every field of ``fields``
(title and body by default), the engine weighting each field by the ranking options.

    Term("किसान")                           किसान in the title or the body
    Term("खेल", ("category",))             a facet value, exactly
    Term("खेलत", exact=True)                "खेलते": this word, no alternatives added
    Phrase(("विराट", "कोहली"))              the words next to each other (stopwords skipped)
    Pattern("किसा*")                        words matching a pattern (``*``: any letters)
    Terms(("किसान", "किसानी"), pattern="किसा*")  the index terms a pattern stands for
    And((a, b, Not(c)))                     a and b, never c
    Or((a, b))                              a or b (the scores of both add up)
    All()                                   every article
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from indexer.query.glob import collapse, glob_match, literal_head

TEXT_FIELDS: tuple[str, ...] = ("title", "body")
# Facet values: searched exactly as written, and only as filters (they add nothing to a score).
KEYWORD_FIELDS: tuple[str, ...] = ("category", "source", "author", "tags", "year", "month")
QUERY_FIELDS: tuple[str, ...] = TEXT_FIELDS + KEYWORD_FIELDS


@dataclass(frozen=True)
class Term:
    text: str  # an index term (analysed for text fields, the value as written for keyword fields)
    fields: tuple[str, ...] = TEXT_FIELDS
    boost: float = 1.0
    # A word in quotes: matched as the index stores it, with no other forms, spellings or
    # sound-alikes added by the service.
    exact: bool = False


@dataclass(frozen=True)
class Phrase:
    terms: tuple[str, ...]  # index terms, in order, stopwords left out
    fields: tuple[str, ...] = TEXT_FIELDS
    boost: float = 1.0


@dataclass(frozen=True)
class Pattern:
    """Words matching ``pattern`` as written (normalised), where ``*`` stands for any run of
    characters; for a facet, its values matching it. The search service turns it into the
    ``Terms`` it stands for before an engine sees it (``indexer/search/patterns.py``)."""

    pattern: str
    fields: tuple[str, ...] = TEXT_FIELDS
    boost: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", collapse(self.pattern))

    @property
    def prefix(self) -> str | None:
        """The text before the only, final ``*`` (``किसा*``); None for other patterns."""
        head, star, tail = self.pattern.partition("*")
        return head if star and not tail else None

    @property
    def literal_prefix(self) -> str:
        """The text before the first ``*``: every matching word starts with it."""
        return literal_head(self.pattern)

    def matches(self, word: str) -> bool:
        return glob_match(self.pattern, word)


@dataclass(frozen=True)
class Terms:
    """Any of these index terms (what a ``Pattern`` stands for in one index), scored as a pattern
    scores: a constant per field. ``pattern`` is the text it came from, for showing."""

    terms: tuple[str, ...]
    fields: tuple[str, ...] = TEXT_FIELDS
    boost: float = 1.0
    pattern: str = ""


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class All:
    """Every article (an empty query, or a query of only exclusions)."""


Leaf = Term | Phrase | Pattern | Terms
Node = Term | Phrase | Pattern | Terms | And | Or | Not | All


def and_(children: list[Node]) -> Node:
    """An And of ``children`` (a bracketed group inside stays a group); the child itself when
    there is one."""
    flat = list(dict.fromkeys(children))  # the same word twice adds nothing but score
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def or_(children: list[Node]) -> Node:
    flat: list[Node] = []
    for c in children:
        flat.extend(c.children if isinstance(c, Or) else (c,))
    flat = list(dict.fromkeys(flat))
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, And | Or):
        return node.children
    if isinstance(node, Not):
        return (node.child,)
    return ()


def walk(node: Node) -> Iterator[Node]:
    yield node
    for c in children(node):
        yield from walk(c)


def wanted_leaves(node: Node) -> Iterator[Leaf]:
    """Every leaf in query order, except those under a Not."""
    if isinstance(node, Not):
        return
    if isinstance(node, Term | Phrase | Pattern | Terms):
        yield node
    for c in children(node):
        yield from wanted_leaves(c)


def in_text(leaf: Leaf) -> bool:
    """Whether a leaf searches words of the title or body (rather than facet values)."""
    return any(f in TEXT_FIELDS for f in leaf.fields)


def scores(node: Node) -> bool:
    """Whether anything in ``node`` ranks articles (words to weigh rather than filters only)."""
    return any(in_text(leaf) for leaf in wanted_leaves(node))


def show(node: Node) -> str:
    """A compact, readable form for tests and debugging: ``(किसान AND NOT पंजाब)``."""

    def fields(n: Leaf) -> str:
        return "" if n.fields == TEXT_FIELDS else ",".join(n.fields) + ":"

    def boost(n: Leaf) -> str:
        return "" if n.boost == 1.0 else f"^{n.boost:g}"

    if isinstance(node, Term):
        text = f'"{node.text}"' if node.exact else node.text
        return f"{fields(node)}{text}{boost(node)}"
    if isinstance(node, Phrase):
        return f'{fields(node)}"{" ".join(node.terms)}"{boost(node)}'
    if isinstance(node, Pattern):
        return f"{fields(node)}{node.pattern}{boost(node)}"
    if isinstance(node, Terms):
        return f"{fields(node)}{node.pattern}{{{','.join(node.terms)}}}{boost(node)}"
    if isinstance(node, Not):
        return f"NOT {show(node.child)}"
    if isinstance(node, All):
        return "*ALL*"
    op = " AND " if isinstance(node, And) else " OR "
    return "(" + op.join(show(c) for c in node.children) + ")"

"""What the search service does with a query tree before an engine sees it, and what it reads
back out of it: the words made optional, alternatives added, the terms to highlight."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from indexer.query.tree import (
    TEXT_FIELDS,
    All,
    And,
    Node,
    Not,
    Or,
    Pattern,
    Phrase,
    Term,
    and_,
    in_text,
    or_,
    wanted_leaves,
)


@dataclass(frozen=True)
class Highlight:
    """Which index terms of title and body a result should mark."""

    terms: frozenset[str]
    prefixes: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = field(default=())
    # One set per word of the query: the word's term and its alternatives. A text where every
    # group has a match holds all the query's words (snippets stop looking there). Empty: unknown.
    groups: tuple[frozenset[str], ...] = ()

    def __call__(self, term: str) -> bool:
        if term in self.terms:
            return True
        if not (self.prefixes or self.patterns):  # the usual case, asked for every word of a body
            return False
        return any(term.startswith(p) for p in self.prefixes) or any(p.matches(term) for p in self.patterns)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.patterns)


def highlight_terms(q: Node) -> Highlight:
    terms: set[str] = set()
    prefixes: list[str] = []
    patterns: list[Pattern] = []
    for leaf in wanted_leaves(q):
        if not in_text(leaf):
            continue
        if isinstance(leaf, Term):
            terms.add(leaf.text)
        elif isinstance(leaf, Phrase):
            terms.update(leaf.terms)
        elif leaf.prefix is not None:
            prefixes.append(leaf.prefix)
        else:
            patterns.append(leaf)
    return Highlight(frozenset(terms), tuple(dict.fromkeys(prefixes)), tuple(dict.fromkeys(patterns)))


def word_groups(q: Node, alternatives: dict[str, list[tuple[str, float]]]) -> tuple[frozenset[str], ...]:
    """Each title/body word of ``q`` (phrase words one by one) with its alternatives; none when
    ``q`` has a pattern (any number of words may match it)."""
    groups: list[frozenset[str]] = []
    for leaf in wanted_leaves(q):
        if not in_text(leaf):
            continue
        if isinstance(leaf, Pattern):
            return ()
        for t in (leaf.text,) if isinstance(leaf, Term) else leaf.terms:
            groups.append(frozenset({t, *(a for a, _ in alternatives.get(t, ()))}))
    return tuple(dict.fromkeys(groups))


def plain_terms(q: Node) -> list[str]:
    """The single-word title/body terms of ``q`` in query order, excluded words left out."""
    found = (leaf.text for leaf in wanted_leaves(q) if isinstance(leaf, Term) and in_text(leaf))
    return list(dict.fromkeys(found))


def _only_words(q: Node) -> bool:
    """Whether ``q`` is made of title/body words, phrases and patterns only (no NOT, no facet)."""
    if isinstance(q, Not | All):
        return False
    if isinstance(q, Term | Phrase | Pattern):
        return all(f in TEXT_FIELDS for f in q.fields)
    return all(_only_words(c) for c in q.children)


def some_words(q: Node) -> Node | None:
    """``q`` with its words made optional (any of them will do); None when it has fewer than two.

    What is not a word stays required: an excluded word (``-पंजाब``, ``NOT``), a facet value
    (``category:खेल``). A phrase or a bracketed group counts as one word.
    """
    if not isinstance(q, And):
        return None
    words: list[Node] = []
    required: list[Node] = []
    for c in q.children:
        (words if _only_words(c) else required).append(c)
    if len(words) < 2:
        return None
    # A plain sum of the words' scores: an article with more of the words ranks higher by itself.
    anyword = or_(words)
    return and_([*required, anyword]) if required else anyword


def expand_terms(q: Node, alternatives: Callable[[str], list[tuple[str, float]]]) -> Node:
    """Give each title/body term the alternatives ``alternatives(term)`` proposes, as an Or of
    weighted terms (spelling neighbours, sound-alikes in the other script). Excluded words,
    quoted words and the words of phrases are left alone."""

    def rewrite(node: Node) -> Node:
        if isinstance(node, Not):
            return node
        if isinstance(node, Term):
            if not in_text(node) or node.exact:
                return node
            alts = alternatives(node.text)
            if not alts:
                return node
            return Or(
                (node, *(replace(node, text=t, boost=node.boost * w) for t, w in alts if t != node.text))
            )
        if isinstance(node, And):
            return And(tuple(rewrite(c) for c in node.children))
        if isinstance(node, Or):
            return Or(tuple(rewrite(c) for c in node.children))
        return node

    return rewrite(q)


__all__ = ["Highlight", "and_", "expand_terms", "highlight_terms", "plain_terms", "some_words"]

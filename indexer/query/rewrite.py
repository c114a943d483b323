"""What the search service does with a query tree before an engine sees it, and what it reads
back out of it: the words made optional, alternatives added, the terms to highlight."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

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
    Terms,
    and_,
    in_text,
    or_,
    wanted_leaves,
)


@dataclass(frozen=True)
class Highlight:
    """Which index terms of title and body a result should mark: ``terms`` wherever they are,
    the terms of ``phrases`` only where they stand side by side (stopwords between them
    skipped, as the index skips them)."""

    terms: frozenset[str]
    # One set per word of the query: the word's term and its alternatives (a pattern's: the
    # terms it stands for; a phrase's: its terms, found together). A text where every group has
    # a match holds all the query's words (snippets stop looking there). Empty: unknown.
    groups: tuple[frozenset[str], ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __call__(self, term: str) -> bool:
        return term in self.terms

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)


def highlight_terms(q: Node) -> Highlight:
    """What to mark: every title/body word, phrase and pattern term of ``q`` that is not
    excluded (patterns count once they stand for their terms: ``expand_patterns``)."""
    terms: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    for leaf in wanted_leaves(q):
        if not in_text(leaf):
            continue
        if isinstance(leaf, Term):
            terms.add(leaf.text)
        elif isinstance(leaf, Terms):
            terms.update(leaf.terms)
        elif isinstance(leaf, Phrase):
            phrases.append(leaf.terms)
    return Highlight(frozenset(terms), phrases=tuple(dict.fromkeys(phrases)))


def word_groups(
    q: Node, alternatives: dict[tuple[str, tuple[str, ...]], list[tuple[str, float]]]
) -> tuple[frozenset[str], ...]:
    """Each title/body word of ``q`` with its alternatives, each phrase's and each pattern's
    terms; none while ``q`` holds a pattern not expanded."""
    groups: list[frozenset[str]] = []
    for leaf in wanted_leaves(q):
        if not in_text(leaf):
            continue
        if isinstance(leaf, Pattern):
            return ()
        if isinstance(leaf, Terms | Phrase):
            groups.append(frozenset(leaf.terms))
            continue
        t = leaf.text
        groups.append(frozenset({t, *(a for a, _ in alternatives.get((t, leaf.fields), ()))}))
    return tuple(dict.fromkeys(groups))


def expand_patterns(q: Node, stands_for: Callable[[Pattern], Terms]) -> Node:
    """``q`` with each pattern replaced by the terms it stands for (``stands_for``)."""

    def rewrite(node: Node) -> Node:
        if isinstance(node, Pattern):
            return stands_for(node)
        if isinstance(node, And):
            return And(tuple(rewrite(c) for c in node.children))
        if isinstance(node, Or):
            return Or(tuple(rewrite(c) for c in node.children))
        if isinstance(node, Not):
            return Not(rewrite(node.child))
        return node

    return rewrite(q)


def plain_terms(q: Node) -> list[str]:
    """The single-word title/body terms of ``q`` in query order, excluded words left out."""
    return list(dict.fromkeys(t.text for t in plain_words(q)))


def plain_words(q: Node) -> list[Term]:
    """The single-word title/body leaves of ``q`` in query order (each once), excluded words
    left out."""
    return list(dict.fromkeys(leaf for leaf in wanted_leaves(q) if isinstance(leaf, Term) and in_text(leaf)))


def _only_words(q: Node) -> bool:
    """Whether ``q`` is made of title/body words, phrases and patterns only (no NOT, no facet)."""
    if isinstance(q, Not | All):
        return False
    if isinstance(q, Term | Phrase | Pattern | Terms):
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


def expand_terms(q: Node, alternatives: Callable[[str, tuple[str, ...]], list[tuple[str, float]]]) -> Node:
    """Give each title/body term the alternatives ``alternatives(term, fields)`` proposes (the
    words of those fields: ``title:आदोलन`` gets the spellings titles hold), as an Or of
    weighted terms (spelling neighbours, sound-alikes in the other script). Excluded words,
    quoted words and the words of phrases are left alone."""

    def rewrite(node: Node) -> Node:
        if isinstance(node, Not):
            return node
        if isinstance(node, Term):
            if not in_text(node) or node.exact:
                return node
            alts = alternatives(node.text, node.fields)
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


__all__ = [
    "Highlight",
    "and_",
    "expand_patterns",
    "expand_terms",
    "highlight_terms",
    "plain_terms",
    "plain_words",
    "some_words",
]

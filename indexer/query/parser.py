"""Query text -> query tree.

Syntax, as a news reader types it:
    कोरोना वैक्सीन          every word (the service adds articles with some of them when few have all)
    "किम जोंग उन"           a phrase
    "खेलते"                 one word as written: no other forms, spellings or sound-alikes added
    -लॉकडाउन, NOT लॉकडाउन   exclude (a hyphen inside a word, as in COVID-19, is part of the word)
    category:खेल            one field: title, body, or a facet (category source author tags year month)
    किसा*, को*ली            a pattern (``?`` is a question mark, not a wildcard)
    a OR b, a AND b, ( )    operators in capitals; explicit AND binds tighter than OR, and OR tighter
                            than words side by side: ``किसान दिल्ली OR मुंबई`` is किसान AND (दिल्ली OR मुंबई)

Words are analysed with the index's own chain. A word that analysis splits in several
(``कोविड-टीका``, ``कोविड,टीका``) gives several words, each matched in any field like words
separated by a space. Nothing raises: unbalanced brackets or quotes and dangling operators are
repaired (and reported), so a malformed query still searches for its words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from indexer.query.tree import (
    KEYWORD_FIELDS,
    QUERY_FIELDS,
    TEXT_FIELDS,
    All,
    And,
    Node,
    Not,
    Pattern,
    Phrase,
    Term,
    and_,
    or_,
)

MAX_DEPTH = 32  # brackets nested deeper than this are read as plain text
# Words and phrases searched; the rest of a longer query is left out (and the answer says so):
# a cluster refuses queries of more than 1,024 clauses, and no reader's question is this long.
MAX_WORDS = 100
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_FIELD = re.compile(r"^(" + "|".join(QUERY_FIELDS) + r"):(.*)$", re.DOTALL)


class Analysis(Protocol):
    """What the parser needs of the analysis chain (``indexer.analysis.pipeline.Pipeline``)."""

    def terms(self, text: str) -> Iterator: ...  # items with .text and .stop

    def normalize(self, word: str) -> str: ...


@dataclass(frozen=True)
class Parsed:
    node: Node | None  # None: nothing searchable (only stopwords or symbols)
    repaired: bool  # the syntax was broken and has been read as well as it could
    truncated: bool = False  # words past MAX_WORDS were left out
    # Several parts side by side at the top (``किसान दिल्ली``): "some of the words" may relax
    # them. A single bracketed group, an OR, or one word is taken as a whole.
    side_by_side: bool = False


@dataclass(frozen=True)
class _Split:
    """The terms of one typed word that analysis split (कोविड-टीका): separate words where words
    stand side by side, a group elsewhere."""

    terms: tuple[Term, ...]

    def group(self) -> Node:
        return And(self.terms)


Item = Node | _Split


def _spliced(items: list[Item | None]) -> list[Node]:
    out: list[Node] = []
    for item in items:
        if isinstance(item, _Split):
            out.extend(item.terms)
        elif item is not None:
            out.append(item)
    return out


def _node(item: Item | None) -> Node | None:
    return item.group() if isinstance(item, _Split) else item


@dataclass(frozen=True)
class _Tok:
    kind: str  # "word" "phrase" "(" ")" "-" "field" "AND" "OR" "NOT"
    text: str = ""


def _starts_a_word(text: str, i: int, toks: list[_Tok]) -> bool:
    """A minus excludes where a word begins: after a space, a bracket, or another minus (--x is
    NOT NOT x). Inside a word (COVID-19, विज्ञान-तकनीक) it is part of the word."""
    if i == 0 or text[i - 1].isspace() or text[i - 1] == "(":
        return True
    return text[i - 1] == "-" and bool(toks) and toks[-1].kind == "-"


def _lex(text: str) -> tuple[list[_Tok], bool]:
    toks: list[_Tok] = []
    repaired = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            toks.append(_Tok(c))
            i += 1
        elif c == '"':
            j = text.find('"', i + 1)
            if j < 0:
                j, repaired = n, True
            toks.append(_Tok("phrase", text[i + 1 : j]))
            i = j + 1
        elif c == "-" and i + 1 < n and not text[i + 1].isspace() and _starts_a_word(text, i, toks):
            toks.append(_Tok("-"))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 1
            word = text[i:j]
            m = _FIELD.match(word)
            if m and (m.group(2) or (j < n and text[j] in '("')):
                toks.append(_Tok("field", m.group(1)))
                if m.group(2):
                    toks.append(_Tok("word", m.group(2)))
            elif word in _OPERATORS:
                toks.append(_Tok(word))
            else:
                toks.append(_Tok("word", word))
            i = j
    return toks, repaired


def _strip_punctuation(word: str) -> str:
    """Punctuation around a pattern (``(किसा*,``) is not part of it; ``*`` is."""
    start, end = 0, len(word)
    while start < end and word[start] != "*" and unicodedata.category(word[start])[0] in "PS":
        start += 1
    while end > start and word[end - 1] != "*" and unicodedata.category(word[end - 1])[0] in "PS":
        end -= 1
    return word[start:end]


class _Parser:
    def __init__(self, toks: list[_Tok], analysis: Analysis) -> None:
        self.toks = toks
        self.pos = 0
        self.analysis = analysis
        self.repaired = False
        self.side_by_side = False

    def peek(self) -> str | None:
        return self.toks[self.pos].kind if self.pos < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def sequence(self, field: str | None, depth: int) -> Node | None:
        """Items side by side: all of them required."""
        items: list[Item | None] = []
        while self.peek() is not None:
            kind = self.peek()
            if kind == ")":
                if depth > 0:
                    break
                self.take()
                self.repaired = True
            elif kind in ("AND", "OR"):  # an operator with nothing on its left
                self.take()
                self.repaired = True
            else:
                items.append(self.either(field, depth))
        nodes = list(dict.fromkeys(_spliced(items)))
        if depth == 0:
            self.side_by_side = len(nodes) > 1
        return and_(nodes) if nodes else None

    def _operand_follows(self) -> bool:
        if self.peek() in (None, ")", "AND", "OR"):
            self.repaired = True
            return False
        return True

    def either(self, field: str | None, depth: int) -> Item | None:
        parts = [self.both(field, depth)]
        while self.peek() == "OR":
            self.take()
            if self._operand_follows():
                parts.append(self.both(field, depth))
        found = [p for p in parts if p is not None]
        if len(found) == 1:
            return found[0]  # a split word stays splittable
        nodes = [n for p in found if (n := _node(p)) is not None]
        return or_(nodes) if nodes else None

    def both(self, field: str | None, depth: int) -> Item | None:
        parts = [self.unary(field, depth)]
        while self.peek() == "AND":
            self.take()
            if self._operand_follows():
                parts.append(self.unary(field, depth))
        found = [p for p in parts if p is not None]
        if len(found) == 1:
            return found[0]
        nodes = _spliced(found)
        return and_(nodes) if nodes else None

    def unary(self, field: str | None, depth: int) -> Item | None:
        negations = 0
        while self.peek() in ("NOT", "-"):  # a loop, not recursion: NOT NOT NOT ... stays flat
            self.take()
            negations += 1
        if negations and not self._operand_follows():
            return None
        node = self.atom(field, depth, negated=negations % 2 == 1)
        if node is None or negations % 2 == 0:
            return node
        return Not(node)

    def atom(self, field: str | None, depth: int, negated: bool = False) -> Item | None:
        tok = self.take()
        if tok.kind == "(":
            if depth >= MAX_DEPTH:
                self.repaired = True
                return None
            inner = self.sequence(field, depth + 1)
            if self.peek() == ")":
                self.take()
            else:
                self.repaired = True
            return inner
        if tok.kind == "field":
            if self.peek() in ("word", "phrase", "("):
                return self.atom(tok.text, depth, negated)
            self.repaired = True
            return None
        if tok.kind == "phrase":
            return self.phrase(tok.text, field)
        if tok.kind == "word":
            return self.word(tok.text, field, negated)
        self.repaired = True  # an operator where a word belongs
        return None

    def _terms(self, text: str) -> list[str]:
        return [t.text for t in self.analysis.terms(text) if not t.stop]

    def word(self, text: str, field: str | None, negated: bool) -> Item | None:
        fields = (field,) if field else TEXT_FIELDS
        if field in KEYWORD_FIELDS:
            value = text.strip()
            if not value:
                return None
            return Pattern(value, fields) if "*" in value else Term(value, fields)
        if "*" in text:
            pattern = re.sub(r"\*+", "*", self.analysis.normalize(_strip_punctuation(text)))
            if not pattern.strip("*"):
                return All()
            return Pattern(pattern, fields)
        terms = self._terms(text)
        if not terms:
            return None
        if len(terms) == 1:
            return Term(terms[0], fields)
        if negated:  # -COVID-19 excludes the compound, not every article with "19" in it
            return Phrase(tuple(terms), fields)
        return _Split(tuple(dict.fromkeys(Term(t, fields) for t in terms)))

    def phrase(self, text: str, field: str | None) -> Node | None:
        fields = (field,) if field else TEXT_FIELDS
        if field in KEYWORD_FIELDS:
            value = text.strip()
            return Term(value, fields) if value else None
        terms = self._terms(text)
        if not terms:
            return None
        return Term(terms[0], fields, exact=True) if len(terms) == 1 else Phrase(tuple(terms), fields)


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def parse(text: str, analysis: Analysis) -> Parsed:
    """The query tree of ``text``; an empty text is All (browse every article)."""
    if not text.strip():
        return Parsed(All(), False)
    toks, repaired = _lex(text)
    words = [i for i, t in enumerate(toks) if t.kind in ("word", "phrase") and _has_letters(t.text)]
    truncated = len(words) > MAX_WORDS
    if truncated:
        toks = toks[: words[MAX_WORDS]]
    p = _Parser(toks, analysis)
    node = p.sequence(None, 0)
    return Parsed(node, repaired or p.repaired, truncated=truncated, side_by_side=p.side_by_side)

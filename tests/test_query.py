"""Query text -> Khabar's query tree: the syntax a reader types, read the same way every time."""

from __future__ import annotations

import pytest

from indexer.analysis.pipeline import pipeline
from indexer.query import parse, show, some_words
from indexer.query.tree import All, And, Not, Pattern, Term


def tree(text: str) -> str | None:
    node = parse(text, pipeline()).node
    return show(node) if node is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("किसान", "किसान"),
        ("किसानों दिल्ली", "(किसान AND दिल्ली)"),  # stemmed, every word required
        ("किसान -पंजाब", "(किसान AND NOT पंजाब)"),
        ("किसान NOT पंजाब", "(किसान AND NOT पंजाब)"),
        ("-रूस", "NOT रूस"),  # only exclusions: every article except (the evaluator's All)
        ("NOT रूस", "NOT रूस"),
        ("NOT NOT रूस", "रूस"),
        ("रूस OR यूक्रेन", "(रूस OR यूक्रेन)"),
        # explicit AND binds tighter than OR, OR tighter than words side by side (as Whoosh read them)
        ("किसान दिल्ली OR मुंबई", "(किसान AND (दिल्ली OR मुंबई))"),
        ("किसान AND दिल्ली OR मुंबई", "((किसान AND दिल्ली) OR मुंबई)"),
        ("किसान OR दिल्ली AND मुंबई", "(किसान OR (दिल्ली AND मुंबई))"),
        ("(किसान OR मजदूर) -पंजाब", "((किसान OR मजदूर) AND NOT पंजाब)"),
        ('"विराट कोहली"', '"विराट कोहली"'),
        ('"बाजार में भारी"', '"बाजार भारी"'),  # the stopword inside is skipped
        ('"रूस"', '"रूस"'),  # a one-word phrase is that word, as written (no alternatives)
        # joined words are separate words, each in any field
        ("कोविड-टीका", "(कोविड AND टीक)"),
        ("कोविड,टीका", "(कोविड AND टीक)"),
        ("कोविड/टीका", "(कोविड AND टीक)"),
        ("COVID-19", "(covid AND 19)"),
        ("-COVID-19", 'NOT "covid 19"'),  # excluded as the compound it is
        ("उतार-चढ़ाव", "(उतार AND चढाव)"),
        ("कोविड-टीका OR रूस", "((कोविड AND टीक) OR रूस)"),  # a group where words are not side by side
        ("(किसान दिल्ली) मुंबई", "((किसान AND दिल्ली) AND मुंबई)"),  # brackets keep their group
        # fields
        ("category:खेल", "category:खेल"),
        ("category:विज्ञान-तकनीक", "category:विज्ञान-तकनीक"),  # facet values are taken as written
        ('source:"दैनिक समाचार"', "source:दैनिक समाचार"),
        ("title:रूस", "title:रूस"),
        ("title:(रूस यूक्रेन)", "(title:रूस AND title:यूक्रेन)"),
        ("nofield:रूस", "(nofield AND रूस)"),  # not a field: its words
        ("Title:रूस", "(title AND रूस)"),  # fields are lower case
        # patterns
        ("किसा*", "किसा*"),
        ("को*ली", "को*ली"),
        ("(आंदोलन*,", "आंदोलन*"),
        ("category:खे*", "category:खे*"),
        ("*", "*ALL*"),
        ("* -रूस", "(*ALL* AND NOT रूस)"),
        # a question mark is punctuation, not a wildcard
        ("कोहली?", "कोहली"),
        ("किसने जीता?", "जीत"),
        # nothing searchable
        ("का की के", None),
        ("-", None),
        (":::", None),
    ],
)
def test_parse(text: str, expected: str | None) -> None:
    assert tree(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("((रूस", "रूस"),
        ("रूस)))", "रूस"),
        ('"विराट कोहली', '"विराट कोहली"'),
        ("रूस OR", "रूस"),
        ("AND रूस", "रूस"),
        ("रूस AND AND यूक्रेन", "(रूस AND यूक्रेन)"),
        ("रूस NOT", "रूस"),
        ("AND OR NOT", None),
        ('"""((', None),
        ("title:", "title"),  # a field name with nothing after it is a word
    ],
)
def test_broken_syntax_is_repaired_and_reported(text: str, expected: str | None) -> None:
    parsed = parse(text, pipeline())
    assert (show(parsed.node) if parsed.node is not None else None) == expected
    assert parsed.repaired or text == "title:"


def test_well_formed_queries_are_not_reported_as_repaired() -> None:
    for text in ("किसान -पंजाब", "(रूस OR यूक्रेन) NOT भारत", '"विराट कोहली" category:खेल', "COVID-19"):
        assert not parse(text, pipeline()).repaired, text


def test_deep_nesting_and_long_negation_chains_do_not_recurse_forever() -> None:
    assert parse("(" * 5000 + "रूस", pipeline()).node is not None
    assert parse("NOT " * 5000 + "रूस", pipeline()).node == Term("रूस")
    assert parse("- " * 5000 + "रूस", pipeline()).node == Term("रूस")


def test_empty_query_is_every_article() -> None:
    assert parse("  ", pipeline()).node == All()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("किसान दिल्ली", "(किसान OR दिल्ली)"),
        ("किसान दिल्ली -पंजाब", "(NOT पंजाब AND (किसान OR दिल्ली))"),  # an exclusion stays required
        ("किसान दिल्ली NOT पंजाब", "(NOT पंजाब AND (किसान OR दिल्ली))"),
        ("कोहली धोनी category:खेल", "(category:खेल AND (कोहली OR धोनी))"),  # so does a facet value
        ('"किम जोंग" परमाणु', '("किम जोंग" OR परमाणु)'),  # a phrase is one word
        ("कोविड-टीका", "(कोविड OR टीक)"),  # joined words relax like separate ones
        ("(रूस OR यूक्रेन) हमला", "(रूस OR यूक्रेन OR हमल)"),  # the same sum as nested
        ("(किसान दिल्ली) मुंबई", "((किसान AND दिल्ली) OR मुंबई)"),  # a bracketed group is one word
        ("(किसान दिल्ली)", None),  # one bracketed group is one word
        ("किसान किसानों", None),  # one word twice
        ("किसान", None),  # nothing to relax
        ("कोहली category:खेल", None),
        ("रूस OR यूक्रेन", None),
    ],
)
def test_some_words(text: str, expected: str | None) -> None:
    parsed = parse(text, pipeline())
    assert parsed.node is not None
    relaxed = some_words(parsed.node) if parsed.side_by_side else None
    assert (show(relaxed) if relaxed is not None else None) == expected


def test_pattern_matching() -> None:
    assert Pattern("को*ली").matches("कोहली") and not Pattern("को*ली").matches("कोहलीा")
    assert Pattern("किसा*").prefix == "किसा" and Pattern("को*ली").prefix is None
    assert Pattern("a.b*").matches("a.bc") and not Pattern("a.b*").matches("axbc")  # dots are literal


def test_trees_are_values() -> None:
    a, b = parse("किसान -पंजाब", pipeline()).node, parse("किसान  -पंजाब", pipeline()).node
    assert a == And((Term("किसान"), Not(Term("पंजाब")))) and a == b and hash(a) == hash(b)

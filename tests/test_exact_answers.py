"""Exact answers: every hit, the total and the facet counts agree with an independent oracle.

A generated corpus (a small vocabulary, so that queries match often) is indexed for real; the
oracle evaluates each generated query on the articles themselves, in plain Python sets, and
the search service must return exactly that set of articles, all of its pages adding up to its
total, the articles with every word first.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.analysis.pipeline import pipeline
from indexer.ranking import DEFAULT_RANKING
from indexer.search import FILL_BELOW, SearchRequest, SearchService
from tests.conftest import Indexes

# Content words of one index term each (checked below); some share beginnings, for patterns.
VOCAB = [
    "किसान", "किसानों", "आंदोलन", "दिल्ली", "मुंबई", "सरकार", "बाजार", "शेयर", "कोरोना", "टीका",
    "चुनाव", "नतीजे", "मौसम", "बारिश", "हॉकी", "क्रिकेट", "भारत", "रूस", "यूक्रेन", "हमला",
    "पुलिस", "अस्पताल", "मरीज", "बजट", "महंगाई", "संसद", "विपक्ष", "मज़दूर", "गांव", "शहर",
]  # fmt: skip
STOP = ["का", "की", "के", "में", "ने", "और"]
CATEGORIES = ["खेल", "राजनीति", "व्यापार", "स्वास्थ्य"]
TAGS = ["चुनाव२०२४", "महामारी", "क्रिकेट", "मानसून"]
YEARS = [2019, 2020, 2021, 2022, None]
ARTICLES = 80
# At least 500 in CI (the issue asks as much); KHABAR_FUZZ_EXAMPLES=20000 for a longer hunt.
EXAMPLES = int(os.environ.get("KHABAR_FUZZ_EXAMPLES", "600" if os.environ.get("CI") else "500"))


@dataclass(frozen=True)
class Doc:
    id: str
    title: tuple[str, ...]  # index terms in order, stopwords left out
    body: tuple[str, ...]
    category: str
    tags: frozenset[str]
    day: date | None


def _terms(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in pipeline().terms(text) if not t.stop)


def _corpus(rnd: random.Random) -> list[dict]:
    records = []
    for n in range(ARTICLES):

        def text(k: int) -> str:
            words = [rnd.choice(VOCAB) for _ in range(k)]
            for _ in range(k // 3):  # stopwords inside, so phrases must skip them
                words.insert(rnd.randrange(len(words) + 1), rnd.choice(STOP))
            return " ".join(words)

        year = rnd.choice(YEARS)
        rec = {
            "id": f"a{n}",
            "title": text(rnd.randint(2, 5)),
            "body": text(rnd.randint(4, 30)),
            "category": rnd.choice(CATEGORIES),
            "tags": rnd.sample(TAGS, rnd.randint(0, 2)),
        }
        if year:
            rec["date"] = f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        records.append(rec)
    return records


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, indexes: Indexes) -> tuple[SearchService, dict[str, Doc]]:
    assert all(len(_terms(w)) == 1 for w in VOCAB)  # one index term each (किसान, किसानों: the same)
    records = _corpus(random.Random(10))
    root = tmp_path_factory.mktemp("oracle")
    with (root / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    config = indexes.build([root / "corpus.jsonl"], "oracle")
    docs = {
        r["id"]: Doc(
            r["id"],
            _terms(r["title"]),
            _terms(r["body"]),
            r["category"],
            frozenset(r["tags"]),
            date.fromisoformat(r["date"]) if "date" in r else None,
        )
        for r in records
    }
    # Spelling and sound-alike help would add articles the oracle does not know of: every word
    # here is in the index, and this corpus has no Latin words, but switch them off to be sure.
    ranking = replace(DEFAULT_RANKING, spelling_weight=0, romanized_weight=0, cross_script_weight=0)
    return SearchService(config, ranking), docs


# -- the oracle: queries as data, evaluated on the documents --------------------------------------

Q = tuple  # ("word", w) ("title", w) ("prefix", p) ("phrase", a, b) ("category", v) ("tags", v)
# ("or", [q...]) ("group", [q...]) ("not", q)


def simplified(q: Q) -> Q:
    """NOT NOT x is x (the parser reads it so: a word again, which "some of the words" may drop)."""
    if q[0] == "not" and q[1][0] == "not":
        return simplified(q[1][1])
    if q[0] in ("or", "group"):
        return (q[0], [simplified(x) for x in q[1]])
    if q[0] == "not":
        return ("not", simplified(q[1]))
    return q


def holds(q: Q, d: Doc) -> bool:
    kind = q[0]
    if kind == "word":
        (t,) = _terms(q[1])
        return t in d.title or t in d.body
    if kind == "title":
        (t,) = _terms(q[1])
        return t in d.title
    if kind == "prefix":
        p = pipeline().normalize(q[1])
        return any(t.startswith(p) for t in d.title + d.body)
    if kind == "phrase":
        want = _terms(q[1]) + _terms(q[2])
        return any(seq[i : i + 2] == want for seq in (d.title, d.body) for i in range(len(seq) - 1))
    if kind == "category":
        return d.category == q[1]
    if kind == "tags":
        return q[1] in d.tags
    if kind == "or":
        return any(holds(x, d) for x in q[1])
    if kind == "group":
        return all(holds(x, d) for x in q[1])
    if kind == "not":
        return not holds(q[1], d)
    raise ValueError(kind)


def is_word(q: Q) -> bool:
    """What "some of the words" may drop: words, phrases and patterns of the text (and groups of
    only those); exclusions and facet values stay required."""
    if q[0] in ("word", "title", "prefix", "phrase"):
        return True
    if q[0] in ("or", "group"):
        return all(is_word(x) for x in q[1])
    return False


def render(q: Q, rnd: random.Random) -> str:
    kind = q[0]
    if kind == "word":
        return q[1]
    if kind == "title":
        return f"title:{q[1]}"
    if kind == "prefix":
        return q[1] + "*"
    if kind == "phrase":
        return f'"{q[1]} {rnd.choice(["", "का "])}{q[2]}"'
    if kind in ("category", "tags"):
        return f"{kind}:{q[1]}"
    if kind == "or":
        return "(" + " OR ".join(render(x, rnd) for x in q[1]) + ")"
    if kind == "group":
        return "(" + " ".join(render(x, rnd) for x in q[1]) + ")"
    return rnd.choice(["-", "NOT "]) + render(q[1], rnd)


word = st.sampled_from(VOCAB)
atom = st.one_of(
    word.map(lambda w: ("word", w)),
    word.map(lambda w: ("title", w)),
    st.tuples(word, st.integers(1, 3)).map(lambda t: ("prefix", t[0][: t[1]])),
    st.tuples(word, word).map(lambda t: ("phrase", *t)),
    st.sampled_from(CATEGORIES).map(lambda v: ("category", v)),
    st.sampled_from(TAGS).map(lambda v: ("tags", v)),
)
expr = st.recursive(
    atom,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: ("or", xs)),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: ("group", xs)),
        inner.map(lambda x: ("not", x)),
    ),
    max_leaves=5,
)
queries = st.lists(expr, min_size=1, max_size=4)
filters = st.fixed_dictionaries(
    {},
    optional={
        "category": st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True),
        "tags": st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True),
    },
)
date_ranges = st.one_of(st.none(), st.tuples(st.sampled_from(YEARS[:-1]), st.sampled_from(YEARS[:-1])))


def expected(items: list[Q], docs: dict[str, Doc], keep) -> tuple[set[str], set[str]]:  # type: ignore[no-untyped-def]
    """(articles with every part, articles the answer holds) as the service promises them."""
    # As the parser reads them: NOT NOT x is x, and a part given twice counts once.
    items = list({repr(q): q for q in map(simplified, items)}.values())
    every = {i for i, d in docs.items() if keep(d) and all(holds(q, d) for q in items)}
    words = [q for q in items if is_word(q)]
    required = [q for q in items if not is_word(q)]
    if len(every) >= FILL_BELOW or len(words) < 2:
        return every, every
    some = {
        i
        for i, d in docs.items()
        if keep(d) and all(holds(q, d) for q in required) and any(holds(q, d) for q in words)
    }
    return every, (some if len(some) > len(every) else every)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=queries,
    chosen=filters,
    years=date_ranges,
    seed=st.integers(0, 10**6),
    per_page=st.sampled_from([3, 10, 100]),
)
def test_every_answer_is_the_oracles(world, items, chosen, years, seed, per_page) -> None:  # type: ignore[no-untyped-def]
    service, docs = world
    rnd = random.Random(seed)
    text = " ".join(render(q, rnd) for q in items)
    date_from = date(min(years), 1, 1) if years else None
    date_to = date(max(years), 12, 31) if years else None

    def keep(d: Doc) -> bool:
        if "category" in chosen and d.category not in chosen["category"]:
            return False
        if "tags" in chosen and not d.tags & set(chosen["tags"]):
            return False
        if years:
            return d.day is not None and date_from <= d.day <= date_to  # type: ignore[operator]
        return True

    every, answer = expected(items, docs, keep)
    hits, total, first = [], None, None
    for page in range(1, ARTICLES // per_page + 3):
        res = service.search(
            SearchRequest(
                q=text, filters=chosen, date_from=date_from, date_to=date_to, page=page, per_page=per_page
            )
        )
        assert "nothing_searchable" not in res.notes, text
        first = first or res
        total = res.total if total is None else total
        assert res.total == total, (text, page)  # every page tells the same total
        hits += res.hits
        if not res.hits:
            break
    got = [h.id for h in hits]
    assert len(got) == len(set(got)), (text, "an article on two pages")
    assert set(got) == answer, (text, chosen, years, sorted(set(got) ^ answer))
    assert total == len(got), text
    if answer != every and every:  # every word first, then some of them
        assert first.all_words == len(every) and set(got[: len(every)]) == every, text
        assert "some_words" in first.notes
    elif answer != every:  # no article has every word: any of them
        assert first.all_words is None and "any_word" in first.notes, text
    # Facet counts come from the same evaluation: a value's count is the number of articles
    # answered with it, when the facet itself is not narrowed.
    if "category" not in chosen:
        cats = Counter(docs[i].category for i in got)
        assert {v.value: v.count for v in first.facets["category"]} == dict(cats), text
    # Ranking: scores never rise down the list within each part.
    scores = [h.score for h in hits]
    cut = len(every) if answer != every else len(scores)
    for part in (scores[:cut], scores[cut:]):
        if all(s is not None for s in part):
            assert part == sorted(part, reverse=True), text


# -- boolean queries, judged by the articles they return ------------------------------------------

BOOLEAN_CORPUS = {
    "r": ("रूस की खबर", "रूस ने बयान दिया।"),
    "u": ("यूक्रेन की खबर", "यूक्रेन में हलचल।"),
    "ru": ("रूस यूक्रेन वार्ता", "दोनों देशों के बीच बातचीत।"),
    "rub": ("रूस यूक्रेन और भारत", "भारत ने दोनों से शांति की अपील की।"),
    "b": ("भारत की खबर", "भारत में बारिश।"),
    "k": ("किसान आंदोलन", "दिल्ली सीमा पर किसान डटे रहे, वार्ता बेनतीजा।"),
}


@pytest.fixture(scope="module")
def boolean_service(tmp_path_factory: pytest.TempPathFactory, indexes: Indexes) -> SearchService:
    root = tmp_path_factory.mktemp("boolean")
    with (root / "b.jsonl").open("w", encoding="utf-8") as fh:
        for i, (title, body) in BOOLEAN_CORPUS.items():
            fh.write(json.dumps({"id": i, "title": title, "body": body, "category": "c" + i[0]}) + "\n")
    return SearchService(indexes.build([root / "b.jsonl"], "boolean"))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("रूस OR यूक्रेन", {"r", "u", "ru", "rub"}),
        ("रूस यूक्रेन", {"ru", "rub"}),
        ("रूस AND यूक्रेन", {"ru", "rub"}),
        ("रूस यूक्रेन -भारत", {"ru"}),  # Whoosh's AndNot returned "rub" here
        ("रूस यूक्रेन NOT भारत", {"ru"}),
        ("(रूस OR यूक्रेन) -भारत", {"r", "u", "ru"}),
        ("(रूस OR भारत) -(यूक्रेन OR बारिश)", {"r"}),
        ("रूस OR (भारत बारिश)", {"r", "ru", "rub", "b"}),
        ("-रूस", {"u", "b", "k"}),  # only exclusions: every article except
        ("NOT रूस", {"u", "b", "k"}),
        ("-रूस -यूक्रेन", {"b", "k"}),
        ("NOT (रूस OR यूक्रेन OR भारत)", {"k"}),
        ("रूस OR NOT भारत", {"r", "u", "ru", "rub", "k"}),
        ('"रूस यूक्रेन" -"यूक्रेन और भारत"', {"ru"}),
        ("category:cr OR category:cu", {"r", "ru", "rub", "u"}),
        ("category:cr -भारत", {"r", "ru"}),
        ("title:वार्ता", {"ru"}),  # वार्ता is also in k's body
        ("वार्ता", {"ru", "k"}),
        ("वार्ता-भारत", set()),  # no article has both (words joined by a hyphen are two words)
    ],
)
def test_boolean_queries_return_the_right_articles(
    boolean_service: SearchService, q: str, expected: set
) -> None:
    """The articles with every required part; with fewer than 10 of them, articles with some of
    the words follow (so the strict answer is the first ``all_words`` hits)."""
    res = boolean_service.search(SearchRequest(q=q, per_page=50))
    got = [h.id for h in res.hits]
    strict = got if res.all_words is None and "any_word" not in res.notes else got[: res.all_words or 0]
    assert set(strict) == expected
    assert res.total == len(got) == len(set(got))


@pytest.mark.parametrize(
    ("q", "relaxed"),
    [
        ("रूस यूक्रेन -भारत", {"ru", "r", "u"}),  # the exclusion holds for the added articles too
        ("रूस यूक्रेन category:cr", {"ru", "rub", "r"}),  # and so does a facet value
        ("वार्ता-भारत", {"ru", "rub", "k", "b"}),
        ("वार्ता,भारत", {"ru", "rub", "k", "b"}),
        ("(रूस यूक्रेन) भारत", {"rub", "ru", "b"}),  # a bracketed group counts as one word
    ],
)
def test_some_of_the_words_keep_what_is_required(
    boolean_service: SearchService, q: str, relaxed: set
) -> None:
    res = boolean_service.search(SearchRequest(q=q, per_page=50))
    assert {h.id for h in res.hits} == relaxed and res.total == len(relaxed)

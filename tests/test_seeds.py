"""The demo corpus in seeds/: what `make run` indexes must read cleanly and give a useful page."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.analysis.pipeline import pipeline
from indexer.build import reindex
from indexer.search import SearchRequest, SearchService
from tests.conftest import SEEDS, Indexes

SEED_ID = "000_07809debebbc832a"


@pytest.fixture(scope="module")
def seeds_service(indexes: Indexes) -> SearchService:
    ix = indexes.config("seeds")
    report = reindex([SEEDS], ix)
    # Every seed reads cleanly, "20 अप्रैल 2021" included (docs/dates.md).
    assert report.problems == []
    assert report.indexed >= 31
    return SearchService(ix)


def test_seed_article_is_copied_unchanged() -> None:
    shared = Path(__file__).parent.parent.parent / "shared" / "seeds" / f"{SEED_ID}.txt"
    if not shared.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    assert (SEEDS / f"{SEED_ID}.txt").read_bytes() == shared.read_bytes()


@pytest.mark.parametrize(("q", "word"), [("रूस", "रूस"), ("पहुँचे", "पहुंच")])
def test_seed_article_is_found_with_highlights(seeds_service: SearchService, q: str, word: str) -> None:
    res = seeds_service.search(SearchRequest(q=q))
    hit = next(h for h in res.hits if h.id == SEED_ID)
    assert f"<mark>{word}" in hit.snippet
    assert "Prone to fits" not in hit.snippet
    assert res.total > 1 and res.facets["category"] and res.facets["year"]


def test_facets_are_meaningful(seeds_service: SearchService) -> None:
    res = seeds_service.search(SearchRequest(q=""))
    assert len(res.facets["category"]) >= 6
    assert len(res.facets["source"]) >= 4
    assert len(res.facets["author"]) >= 10
    assert len(res.facets["year"]) >= 4


@pytest.mark.parametrize(("a", "b"), [("मज़दूर", "मजदूर"), ("हिन्दी", "हिंदी"), ("यहाँ", "यहां"), ("फ़िल्म", "फिल्म")])
def test_spelling_variants_find_the_same_articles(seeds_service: SearchService, a: str, b: str) -> None:
    ids_a = {h.id for h in seeds_service.search(SearchRequest(q=a, per_page=100)).hits}
    ids_b = {h.id for h in seeds_service.search(SearchRequest(q=b, per_page=100)).hits}
    assert ids_a and ids_a == ids_b


def _has_term(svc: SearchService, article_id: str, word: str) -> bool:
    a = svc.article(article_id)
    assert a is not None
    term = pipeline().analyze_word(word)[0]
    return any(t.text == term for t in pipeline().terms(a.title + "\n" + a.body))


@pytest.mark.parametrize("q", ["जताई* -काम", "रूस यूक्रेन -भारत", "रूस -यूक्रेन", "(रूस OR चीन) NOT भारत"])
@pytest.mark.parametrize("per_page", [3, 50, 100])
def test_excluded_words_never_leak_and_totals_match(
    seeds_service: SearchService, q: str, per_page: int
) -> None:
    """Reported on the seeds: `जताई* -काम` gave total 2 and 3 hits, the third containing काम."""
    hits = []
    for page in range(1, 10):
        res = seeds_service.search(SearchRequest(q=q, page=page, per_page=per_page))
        hits += res.hits
        if not res.hits:
            break
    excluded = [w.strip("()") for w in q.replace("NOT ", "-").split() if w.startswith("-")]
    assert hits and res.total == len(hits) == len({h.id for h in hits})
    for h in hits:
        assert not any(_has_term(seeds_service, h.id, w[1:]) for w in excluded), (q, h.id)


def test_only_exclusions_mean_every_article_but(seeds_service: SearchService) -> None:
    minus = {h.id for h in seeds_service.search(SearchRequest(q="-रूस", per_page=100)).hits}
    not_ = {h.id for h in seeds_service.search(SearchRequest(q="NOT रूस", per_page=100)).hits}
    everything = {h.id for h in seeds_service.search(SearchRequest(q="", per_page=100)).hits}
    with_russia = {h.id for h in seeds_service.search(SearchRequest(q="रूस", per_page=100)).hits}
    assert minus == not_ == everything - with_russia and minus


@pytest.mark.parametrize("joined", ["कोविड-टीका", "कोविड,टीका", "कोविड/टीका"])
def test_joined_words_match_like_separate_words(seeds_service: SearchService, joined: str) -> None:
    """One word in the title and the other in the body: found as with a space between them."""
    apart = seeds_service.search(SearchRequest(q="कोविड टीका", per_page=100))
    together = seeds_service.search(SearchRequest(q=joined, per_page=100))
    assert apart.hits and [h.id for h in together.hits] == [h.id for h in apart.hits]
    assert (together.total, together.notes, together.all_words) == (apart.total, apart.notes, apart.all_words)


def test_the_readme_json_example_is_what_the_seeds_answer(indexes: Indexes) -> None:
    """README.md shows /api/search?q=रूस&category=अंतरराष्ट्रीय&per_page=1 on the seeds: its figures
    must be today's (it showed a score of an older ranking)."""
    import re

    from tests.conftest import REPO
    from webapp import create_app

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split("/api/search?q=रूस&category=अंतरराष्ट्रीय&per_page=1` on the seeds answers", 1)[1]
    example = example.split("```", 2)[1]
    ix = indexes.config("readme")
    reindex([SEEDS], ix)
    data = create_app(ix).test_client().get("/api/search?q=रूस&category=अंतरराष्ट्रीय&per_page=1").get_json()
    hit = data["hits"][0]
    assert f'"total": {data["total"]}' in example and f'"pages": {data["pages"]}' in example
    assert f'"id": "{hit["id"]}"' in example and f'"score": {hit["score"]}' in example
    shown = re.search(r'"snippet": "(.*?) …"', example)
    assert shown and hit["snippet"].startswith(shown.group(1)), (shown, hit["snippet"])
    assert f'"value": "राजनीति", "count": {data["facets"]["category"][1]["count"]}' in example

"""The demo corpus in seeds/: what `make run` indexes must read cleanly and give a useful page."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build import reindex
from indexer.search import SearchRequest, SearchService
from tests.conftest import SEEDS

SEED_ID = "000_07809debebbc832a"


@pytest.fixture(scope="module")
def seeds_service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    ix = tmp_path_factory.mktemp("seeds-index")
    report = reindex([SEEDS], ix)
    # The one deliberate problem: an article dated "20 अप्रैल 2021", indexed without a date.
    assert [(p.path, p.skipped) for p in report.problems] == [
        ("राजनीति/up-panchayat-chunav-dusra-charan.txt", False)
    ]
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

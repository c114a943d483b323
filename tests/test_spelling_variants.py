"""Spellings typed the other way round (issue 13, part 3), on both engines: a rare candra
variant also finds the common one, the typed form first; a misspelling is never "corrected" to
an unrelated frequent word."""

from __future__ import annotations

import pytest

from indexer.engines.config import EngineConfig
from indexer.search import SearchRequest, SearchService
from tests.conftest import SEEDS, Indexes, write


@pytest.fixture(scope="module")
def doctors(indexes: Indexes, tmp_path_factory: pytest.TempPathFactory) -> EngineConfig:
    root = tmp_path_factory.mktemp("doctors")
    for n in range(8):  # the common spelling
        write(root, f"common-{n}.txt", f"अस्पताल समाचार {n}\nडॉक्टर ने मरीज़ों की जाँच की। शहर में भीड़ रही।\n")
    write(root, "rare.txt", "पुराना लेख\nडाक्टर साहब गाँव पहुँचे।\n")  # the rare one, without candra
    for n in range(3):
        write(root, f"other-{n}.txt", f"बाज़ार समाचार {n}\nव्यापारियों ने दाम बढ़ाए।\n")
    return indexes.build([root], "doctors")


def test_rare_candra_variant_also_finds_the_common_spelling_typed_form_first(doctors: EngineConfig) -> None:
    svc = SearchService(doctors)
    r = svc.search(SearchRequest(q="डाक्टर"))
    assert r.total == 9  # the one article typed so and the eight with डॉक्टर
    assert r.hits[0].id == "rare"  # the spelling typed ranks first
    assert r.variants == {"डाक्टर": ["डॉक्टर"]}
    assert r.to_json()["variants"] == {"डाक्टर": ["डॉक्टर"]}
    # The common spelling typed gets nothing added: its variant is rarer, not commoner.
    common = svc.search(SearchRequest(q="डॉक्टर"))
    assert common.total == 8 and common.variants == {}


def test_variants_on_the_page(doctors: EngineConfig) -> None:
    from webapp import create_app

    html = create_app(doctors).test_client().get("/?q=डाक्टर").get_data(as_text=True)
    assert "डाक्टर → डॉक्टर" in html


@pytest.fixture(scope="module")
def seeds(indexes: Indexes) -> SearchService:
    return SearchService(indexes.build([SEEDS], "seeds-spelling"))


@pytest.mark.parametrize("word", ["बाढ़", "बाढ़ों"])
def test_flood_is_not_corrected_to_after(seeds: SearchService, word: str) -> None:
    """बाढ़ (flood) is in no seed; बाद (after) and बढ़ (grow) are one letter away and common."""
    r = seeds.search(SearchRequest(q=word))
    assert r.total == 0 and r.suggestion is None


@pytest.mark.parametrize(("typed", "meant"), [("किसन", "किसान"), ("आदोलन", "आंदोलन"), ("कोरना", "कोरोना")])
def test_real_misspellings_are_still_corrected(seeds: SearchService, typed: str, meant: str) -> None:
    r = seeds.search(SearchRequest(q=typed))
    assert r.total > 0 and r.suggestion == meant

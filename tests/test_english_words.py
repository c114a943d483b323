"""English words typed in Latin letters find the Devanagari loanwords Hindi news prints (issue
13, part 2), on both engines: in the service, the JSON and the page."""

from __future__ import annotations

import pytest

from indexer.engines.config import EngineConfig
from indexer.search import SearchRequest, SearchService
from tests.conftest import Indexes, write

ARTICLES = 50
LOANWORDS = {"mobile": "मोबाइल", "curfew": "कर्फ्यू", "station": "स्टेशन", "bank": "बैंक", "police": "पुलिस"}


@pytest.fixture(scope="module")
def loans(indexes: Indexes, tmp_path_factory: pytest.TempPathFactory) -> EngineConfig:
    root = tmp_path_factory.mktemp("loans")
    for english, hindi in LOANWORDS.items():
        for n in range(ARTICLES):
            write(root, f"{english}-{n}.txt", f"शहर की ख़बर {n}\nआज {hindi} के बारे में लोगों ने बात की।\n")
    # Words the Hinglish reading of these English words meets (bank: बांका; police: पोलिश), in
    # one article each: under 5% of the loanword's (title and body counted), as in a real
    # archive, they are left out.
    write(root, "banka.txt", "बांका ज़िला\nबांका में मेला लगा।\n")
    write(root, "polish.txt", "पोलिश फ़िल्म\nएक पोलिश निर्देशक आए।\n")
    return indexes.build([root], "loans")


@pytest.mark.parametrize(("english", "hindi"), LOANWORDS.items())
def test_english_word_finds_the_loanword(loans: EngineConfig, english: str, hindi: str) -> None:
    r = SearchService(loans).search(SearchRequest(q=english, per_page=100))
    assert r.total == ARTICLES and {h.id.rsplit("-", 1)[0] for h in r.hits} == {english}
    assert r.transliterations == {english: [hindi]}


def test_english_word_in_json_and_page(loans: EngineConfig) -> None:
    from webapp import create_app

    client = create_app(loans).test_client()
    data = client.get("/api/search?q=curfew").get_json()
    assert data["total"] == ARTICLES and data["transliterations"] == {"curfew": ["कर्फ्यू"]}
    html = client.get("/?q=curfew").get_data(as_text=True)
    assert '<span lang="en">curfew</span> → <span lang="hi">कर्फ्यू</span>' in html

"""A word also finds its other inflections (issue 13), on both engines: खेलते finds खेलने and
खेल, the form typed first; किमी (kilometre) never finds किम (Kim)."""

from __future__ import annotations

import pytest

from indexer.engines.config import EngineConfig
from indexer.search import SearchRequest, SearchService
from tests.conftest import Indexes, write


@pytest.fixture(scope="module")
def sports(indexes: Indexes, tmp_path_factory: pytest.TempPathFactory) -> EngineConfig:
    root = tmp_path_factory.mktemp("forms")
    write(root, "typed.txt", "मैदान की ख़बर\nबच्चे शाम को मैदान में क्रिकेट खेलते हैं।\n")
    write(root, "infinitive.txt", "स्कूल की ख़बर\nबच्चों को क्रिकेट खेलने के लिए मैदान चाहिए।\n")
    write(root, "first-f.txt", "टीम की ख़बर\nयह टीम की पहली जीत है।\n")
    write(root, "kilometre.txt", "सड़क की ख़बर\nगाँव से शहर तक बीस किमी सड़क बनी।\n")
    write(root, "kim.txt", "कोरिया की ख़बर\nकिम ने मिसाइल परीक्षण देखा।\n")
    write(root, "story.txt", "किताब की ख़बर\nलेखक की नई कहानी छपी।\n")
    for n in range(3):
        write(root, f"games-{n}.txt", f"ओलंपिक की ख़बर {n}\nखेल की तैयारी पूरी हुई।\n")
    for n in range(10):  # 19 articles in all; कहा (said) in 5 of them
        said = "ने कहा कि" if n < 5 else "ने"
        write(root, f"other-{n}.txt", f"बाज़ार की ख़बर {n}\nव्यापारियों {said} दाम बढ़ाए।\n")
    return indexes.build([root], "forms")


def test_other_inflections_are_found_the_form_typed_first(sports: EngineConfig) -> None:
    r = SearchService(sports).search(SearchRequest(q="खेलते"))
    assert r.hits[0].id == "typed"  # the form typed first
    assert {h.id for h in r.hits} == {"typed", "infinitive", "games-0", "games-1", "games-2"}
    assert r.hits[0].score > max(h.score for h in r.hits[1:])


def test_rarer_forms_of_a_common_word_are_not_added(sports: EngineConfig) -> None:
    # खेल (game) is in 3 articles; खेलते and खेलने in one each: rarer, so not added.
    r = SearchService(sports).search(SearchRequest(q="खेल"))
    assert {h.id for h in r.hits} == {"games-0", "games-1", "games-2"}


def test_feminine_finds_masculine_and_back(sports: EngineConfig) -> None:
    svc = SearchService(sports)
    assert [h.id for h in svc.search(SearchRequest(q="पहली")).hits] == ["first-f"]
    assert [h.id for h in svc.search(SearchRequest(q="पहला")).hits] == ["first-f"]


def test_kilometre_and_kim_stay_apart(sports: EngineConfig) -> None:
    svc = SearchService(sports)
    assert [h.id for h in svc.search(SearchRequest(q="किमी")).hits] == ["kilometre"]
    assert [h.id for h in svc.search(SearchRequest(q="किम")).hits] == ["kim"]


def test_a_form_in_many_articles_is_another_word(sports: EngineConfig) -> None:
    """Lucene's stemmer cuts कहानी (story) to कहा (said), which is in 5 of these 19 articles (over
    a fifth): a "form" that common is a different, everyday word, and is not added."""
    assert [h.id for h in SearchService(sports).search(SearchRequest(q="कहानी")).hits] == ["story"]


def test_other_forms_are_highlighted(sports: EngineConfig) -> None:
    r = SearchService(sports).search(SearchRequest(q="खेलते"))
    assert "<mark>खेलने</mark>" in r.hits[1].snippet


def test_an_excluded_word_excludes_only_the_form_typed(sports: EngineConfig) -> None:
    # Exclusions are left as typed: -खेलते removes the article that says खेलते, nothing else.
    r = SearchService(sports).search(SearchRequest(q="क्रिकेट -खेलते"))
    assert [h.id for h in r.hits] == ["infinitive"]


def test_a_quoted_word_is_matched_only_as_written(sports: EngineConfig) -> None:
    svc = SearchService(sports)
    assert [h.id for h in svc.search(SearchRequest(q='"खेलते"')).hits] == ["typed"]
    assert [h.id for h in svc.search(SearchRequest(q='"पहला"')).hits] == []  # no पहली added
    # Nor a spelling neighbour: कहनी (ा dropped) finds कहानी unquoted, nothing quoted.
    assert [h.id for h in svc.search(SearchRequest(q="कहनी")).hits] == ["story"]
    assert svc.search(SearchRequest(q='"कहनी"')).total == 0

"""Search by meaning on both engines, checked against an oracle computed here: the articles'
vectors embedded again from their texts, the words-only result set from the same index with
meaning off, and the joining rule of ``indexer.meaning.fusion`` applied by hand."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from indexer.analysis.pipeline import pipeline
from indexer.build import reindex
from indexer.engines import open_engine
from indexer.engines.base import Filters
from indexer.engines.config import EngineConfig
from indexer.meaning import switch
from indexer.meaning.fusion import (
    DEFAULT_FUSION,
    FusionOptions,
    combined,
    fused,
    joiners,
    normalised,
    ranks,
    reciprocal_ranks,
    words_weight,
)
from indexer.meaning.passage import LEAD_CHARS, lead, passage_text
from indexer.query.parser import parse
from indexer.records import Article
from indexer.search import SearchRequest, SearchService
from tests.conftest import FIXTURES, REPO, Indexes, reindex_paused_at

MEANING = FIXTURES / "meaning"
ARTICLES = [
    json.loads(line) for line in (MEANING / "articles.jsonl").read_text(encoding="utf-8").splitlines()
]
PLAIN = ["सरकार", "किसान आंदोलन", "टीका दुष्प्रभाव", "चुनाव", "शुरुआत", "farmers protest delhi border",
         "vaccine side effects", "kisan andolan", "मेट्रो", "monsoon flooding", "मूसलाधार वर्षा",
         "schools reopen after lockdown", "covid vaccination drive"]  # fmt: skip
EXACT = ['"किसान"', "किसान -सरकार", "category:खेल", "टीका*", "चुनाव NOT बिहार", "title:किसान"]


@pytest.fixture(scope="session")
def encoder():  # type: ignore[no-untyped-def]
    found, off = switch.encoder(True)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"search by meaning must run in CI: {off}")
        pytest.skip(f"search by meaning is off here: {off}")
    return found


@pytest.fixture(scope="session")
def meaning_config(indexes: Indexes, encoder, tmp_path_factory: pytest.TempPathFactory) -> EngineConfig:  # type: ignore[no-untyped-def]
    os.environ.setdefault("KHABAR_VECTOR_CACHE", str(tmp_path_factory.mktemp("vector-cache")))
    config = indexes.config("meaning")
    report = reindex([MEANING], config, semantic=True)
    assert report.indexed == len(ARTICLES) and report.meaning, report
    return config


def _search(service: SearchService, q: str, **kw: object) -> dict:
    return service.search(SearchRequest(q=q, snippets=False, **kw)).to_json()  # type: ignore[arg-type]


def _ids(service: SearchService, q: str, **kw: object) -> list[str]:
    """Every hit of a search, page by page."""
    out: list[str] = []
    page = 1
    while True:
        got = _search(service, q, page=page, per_page=5, **kw)
        out += [h["id"] for h in got["hits"]]
        if page >= got["pages"]:
            return out
        page += 1


# -- the pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "want"),
    [
        ([3.0, 1.0, 2.0], [1.0, 0.0, 0.5]),
        ([2.0, None, 1.0], [1.0, 0.0, 0.0]),
        ([5.0, 5.0], [1.0, 1.0]),
        ([None, None], [0.0, 0.0]),
        ([], []),
    ],
)
def test_normalised(scores: list, want: list) -> None:
    assert normalised(scores) == want


def test_fused_mixes_by_weight() -> None:
    # words: 1, 0, 0 (no words); cosines above the lowest (0.80), in units of 0.1: 0, 1, 0.5
    assert fused([2.0, 1.0, None], [0.80, 0.90, 0.85], 0.5, 0.1) == pytest.approx([0.5, 0.5, 0.25])
    assert fused([2.0, 1.0], [0.5, 0.9], 1.0, 0.1) == [1.0, 0.0]
    assert fused([2.0, 1.0], [0.5, 0.9], 0.0, 0.4) == pytest.approx([0.0, 1.0])
    # Cosines alike: meaning barely reorders what the words ranked (min-max would swap them).
    a, b = fused([3.0, 1.0], [0.800, 0.801], 0.3, 0.15)
    assert a > b


@pytest.mark.parametrize(
    ("scores", "want"),
    [
        ([3.0, 1.0, 2.0], [1, 3, 2]),
        ([2.0, 2.0, 1.0], [1, 1, 3]),
        ([None, 0.5, None, 0.9], [None, 2, None, 1]),
        ([-1.0, 0.0], [2, 1]),
        ([], []),
    ],
)
def test_ranks(scores: list, want: list) -> None:
    assert ranks(scores) == want


def test_reciprocal_ranks() -> None:
    # words ranks 1, 2, none; cosine ranks 3, 1, 2
    got = reciprocal_ranks([2.0, 1.0, None], [0.80, 0.90, 0.85], 0.5, 60)
    assert got == pytest.approx([0.5 / 61 + 0.5 / 63, 0.5 / 62 + 0.5 / 61, 0.5 / 62])
    # Only the order counts: a gap of 0.001 or 0.5 in cosine moves nothing.
    assert reciprocal_ranks([3.0, 1.0], [0.800, 0.801], 0.3, 10) == reciprocal_ranks(
        [3.0, 1.0], [0.3, 0.8], 0.3, 10
    )
    # All weight on words: their order; none: the cosines'.
    a, b = reciprocal_ranks([3.0, 1.0], [0.5, 0.9], 1.0, 60)
    assert a > b
    a, b = reciprocal_ranks([3.0, 1.0], [0.5, 0.9], 0.0, 60)
    assert a < b


def test_combined_picks_the_method() -> None:
    words, cos = [2.0, 1.0, None], [0.80, 0.90, 0.85]
    assert combined(words, cos, 0.5, FusionOptions(cosine_scale=0.1)) == fused(words, cos, 0.5, 0.1)
    rrf = FusionOptions(method="rrf", rrf_k=10)
    assert combined(words, cos, 0.5, rrf) == reciprocal_ranks(words, cos, 0.5, 10)
    with pytest.raises(ValueError, match="unknown fusion method"):
        combined(words, cos, 0.5, FusionOptions(method="borda"))


@pytest.mark.parametrize(("share", "want"), [(1.0, 0.5), (0.5, 0.25), (0.0, 0.0), (2.0, 0.5), (-1.0, 0.0)])
def test_words_weight(share: float, want: float) -> None:
    assert words_weight(share, FusionOptions(weight=0.5)) == want
    assert words_weight(share, FusionOptions(weight=0.5, by_share=False)) == 0.5


def test_joiners_rule() -> None:
    near = [("a", 0.90), ("b", 0.88), ("c", 0.86), ("d", 0.84), ("e", 0.80)]
    opts = FusionOptions(join=2, join_margin=0.05, join_z=-10)
    assert joiners(near, {"a"}, opts) == [("b", 0.88), ("c", 0.86)]  # at most 2, never one with the words
    assert joiners(near, {"b", "c"}, opts) == [("a", 0.90)]  # d is more than 0.05 below a
    # Standing out: mean 0.856, spread 0.0344; 1 deviation above is 0.890.
    assert joiners(near, set(), FusionOptions(join_margin=1, join_z=1.0)) == [("a", 0.90)]
    flat = [(f"x{i}", 0.80 - i / 1000) for i in range(100)]  # everything about as near: none is
    assert joiners(flat, set(), FusionOptions()) == []
    one = [("top", 0.88), *flat[1:]]
    assert joiners(one, set(), FusionOptions()) == [("top", 0.88)]
    assert joiners([("a", 0.7)], set(), FusionOptions()) == []  # alone, it stands out from nothing
    assert joiners([], set(), opts) == []


@pytest.mark.parametrize(
    ("body", "want"),
    [
        ("छोटा पाठ", "छोटा पाठ"),
        ("शब्द " * 200, ("शब्द " * 200)[:LEAD_CHARS].rsplit(" ", 1)[0]),
        ("क्ष" * 400, "क्ष" * 200),  # no space: cut between letters, never inside क्ष
        ("पहली  पंक्ति\n\nदूसरी", "पहली पंक्ति दूसरी"),
    ],
)
def test_lead(body: str, want: str) -> None:
    assert lead(body) == want


def test_passage_is_headline_and_lead() -> None:
    a = Article(id="x", title="  शीर्षक ", body="पाठ")
    assert passage_text(a) == "शीर्षक\nपाठ"
    assert passage_text(Article(id="y", title="", body="केवल पाठ")) == "केवल पाठ"


# -- vectors in the index ---------------------------------------------------------------------


def test_index_holds_the_models_vectors(meaning_config: EngineConfig, encoder) -> None:  # type: ignore[no-untyped-def]
    """Every article's vector is the model's vector of its headline and lead."""
    snap = open_engine(meaning_config).snapshot()
    spec = snap.vectors()
    assert spec is not None and spec.checksum == encoder.checksum and spec.dim == encoder.dim
    texts = [passage_text(Article(id=a["id"], title=a["title"], body=a["body"])) for a in ARTICLES]
    want = encoder.passages(texts)
    for a, v in zip(ARTICLES, want, strict=True):
        near = dict(snap.nearest(v, 3))
        assert near.get(a["id"]) == pytest.approx(1.0, abs=2e-3), (a["id"], near)


def test_a_full_build_with_vectors_is_one_segment_a_shard(
    meaning_config: EngineConfig, indexes: Indexes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a cluster, a knn query searches one graph per segment: a full build is merged (here
    written in batches of three, each made a segment of its own by a refresh)."""
    if meaning_config.engine != "opensearch":
        pytest.skip("the cluster's segments")
    from indexer.engines.opensearch import writer

    collect = writer.OpenSearchGeneration._collect

    def refreshed(self, result):  # type: ignore[no-untyped-def]
        collect(self, result)
        self.conn.call(lambda c: c.indices.refresh(index=self.name))

    from indexer.engines.opensearch.engine import OpenSearchEngine

    monkeypatch.setattr(writer, "BATCH", 3)
    monkeypatch.setattr(OpenSearchEngine, "procs", 1)  # batches sent in turn: a refresh after each
    monkeypatch.setattr(writer.OpenSearchGeneration, "_collect", refreshed)
    written: list[int] = []
    vocab = writer.OpenSearchGeneration._write_vocab

    def counting(self):  # type: ignore[no-untyped-def]
        # At commit, once every batch is in: how many segments the shards hold before the merge.
        self.conn.call(lambda c: c.indices.refresh(index=self.name))
        segments = self.conn.call(lambda c: c.cat.segments(index=self.name, format="json"))
        written.append(max(Counter(s["shard"] for s in segments if s["prirep"] == "p").values()))
        vocab(self)

    monkeypatch.setattr(writer.OpenSearchGeneration, "_write_vocab", counting)
    config = indexes.config("meaning-segments")
    assert reindex([MEANING], config, semantic=True).indexed == len(ARTICLES)
    engine = open_engine(config)
    generation = engine.snapshot().generation
    segments = engine.conn.call(lambda c: c.cat.segments(index=generation, format="json"))  # type: ignore[attr-defined]
    per_shard = Counter(s["shard"] for s in segments if s["prirep"] == "p")
    assert written and written[0] > 1  # several segments were written ...
    assert per_shard and max(per_shard.values()) == 1, per_shard  # ... and merged into one


def test_off_switch_and_what_the_answer_says(indexes: Indexes, encoder) -> None:  # type: ignore[no-untyped-def]
    config = indexes.config("meaning-off")
    report = reindex([MEANING], config, semantic=False)
    assert report.meaning is None and "turned off" in (report.meaning_off or "")
    assert open_engine(config).snapshot().vectors() is None
    got = _search(SearchService(config, semantic=True), "सरकार")
    assert got["meaning"]["on"] is False and "no vectors" in got["meaning"]["off"]
    assert not any(h["by_meaning"] for h in got["hits"])


def test_model_missing_falls_back_to_words(
    indexes: Indexes, monkeypatch: pytest.MonkeyPatch, meaning_config: EngineConfig
) -> None:
    """Where the model cannot load, reindex builds a lexical index and search says why."""

    def unavailable() -> None:
        raise switch.ModelUnavailable("no model for this machine")

    monkeypatch.setattr(switch, "_loaded", {})
    monkeypatch.setattr(switch, "load_encoder", unavailable)
    config = indexes.config("meaning-missing")
    report = reindex([MEANING], config, semantic=True)
    assert report.indexed == len(ARTICLES) and report.meaning is None
    assert "no model for this machine" in (report.meaning_off or "")
    # An index with vectors is searched by words alone, and the answer says why.
    got = _search(SearchService(meaning_config, semantic=True), "सरकार")
    assert got["meaning"] == {"on": False, "off": got["meaning"]["off"], "joined": 0, "weight_of_words": None}
    assert "no model for this machine" in got["meaning"]["off"]
    words = _search(SearchService(meaning_config, semantic=False), "सरकार")
    assert [h["id"] for h in got["hits"]] == [h["id"] for h in words["hits"]]


@pytest.mark.parametrize("text", ["सरकार", "किसान OR मेट्रो", "टीका दुष्प्रभाव", "बारिश", "क्रिकेट"])
def test_neighbourhood_is_nearest_words_and_cosines(meaning_config: EngineConfig, encoder, text: str) -> None:  # type: ignore[no-untyped-def]
    """One visit to the vectors answers what three questions would: checked against cosines
    computed here from every stored vector and against the words' own search."""
    snap = open_engine(meaning_config).snapshot()
    node = parse(text, pipeline()).node
    assert node is not None
    v = encoder.query(text)
    stored = {a["id"]: snap.vector_of(a["id"]) for a in ARTICLES}
    cos = {i: float(np.dot(v, s)) for i, s in stored.items()}
    hits = snap.search(node, Filters(), "relevance", 0, 100, []).hits
    with_words = {snap.stored(r)["id"] for r, _ in hits}
    k = 5
    hood = snap.neighbourhood(v, k, node, [r for r, _ in hits])
    order = sorted(cos, key=lambda i: -cos[i])
    assert [i for i, _ in hood.nearest] == sorted(order[:k], key=lambda i: (-round(cos[i], 4), i)) or (
        abs(cos[order[k - 1]] - cos[order[k]]) < 1e-4  # a tie at the edge: either may be in
    )
    for i, c in hood.nearest:
        assert c == pytest.approx(cos[i], abs=1e-4)
    assert hood.with_words == with_words & {i for i, _ in hood.nearest}
    assert hood.cosines == pytest.approx([cos[snap.stored(r)["id"]] for r, _ in hits], abs=1e-4)
    assert snap.neighbourhood(v, k, node, []).cosines == []


def test_neighbourhood_gives_the_cosine_of_every_hit_asked_about(
    meaning_config: EngineConfig, encoder
) -> None:  # type: ignore[no-untyped-def]
    """The hits asked about may be far from the query vector and outnumbered by its nearest (a
    cluster returns k of those per shard): each still gets its own cosine."""
    snap = open_engine(meaning_config).snapshot()
    node = parse("मेट्रो OR किसान OR चुनाव", pipeline()).node
    assert node is not None
    v = encoder.query("monsoon flooding")
    hits = [r for r, _ in snap.search(node, Filters(), "relevance", 0, 100, []).hits]
    assert len(hits) >= 3
    want = [float(np.dot(v, snap.vector_of(snap.stored(r)["id"]))) for r in hits]
    for k in (1, 2):
        assert snap.neighbourhood(v, k, node, hits).cosines == pytest.approx(want, abs=1e-4)


@pytest.mark.parametrize("text", ["किसान OR मेट्रो", "किसान OR मेट्रो OR बारिश OR टीका"])
def test_light_hits_fetched_are_the_full_hits(meaning_config: EngineConfig, text: str) -> None:
    """The fusion's pool is searched light (ids for ranking); the hits shown, fetched, hold what
    a full search gives, in the order asked for."""
    snap = open_engine(meaning_config).snapshot()
    node = parse(text, pipeline()).node
    assert node is not None
    full = snap.search(node, Filters(), "relevance", 0, 20, [])
    light = snap.search(node, Filters(), "relevance", 0, 20, [], light=True)
    assert len(full.hits) > 1 and light.total == full.total
    assert [snap.stored(r)["id"] for r, _ in light.hits] == [snap.stored(r)["id"] for r, _ in full.hits]
    assert [s for _, s in light.hits] == pytest.approx([s for _, s in full.hits])
    refs = [r for r, _ in light.hits][::-1]  # any order, any subset
    assert [snap.stored(r) for r in snap.fetched(refs)] == [snap.stored(r) for r, _ in full.hits][::-1]
    assert snap.fetched([]) == []


# -- one defined result set -------------------------------------------------------------------


def _oracle(snap, encoder, q: str, lexical: set[str], opts: FusionOptions = DEFAULT_FUSION) -> set[str]:  # type: ignore[no-untyped-def]
    """The articles meaning adds to ``q``: the nearest by cosine that lack its words."""
    return {i for i, _ in joiners(snap.nearest(encoder.query(q), opts.nearest), lexical, opts)}


@pytest.mark.parametrize("q", PLAIN)
def test_result_set_is_words_plus_joiners(meaning_config: EngineConfig, encoder, q: str) -> None:  # type: ignore[no-untyped-def]
    both, words = SearchService(meaning_config, semantic=True), SearchService(meaning_config, semantic=False)
    lexical = set(_ids(words, q))
    joined = _oracle(open_engine(meaning_config).snapshot(), encoder, q, lexical)
    got = _search(both, q, per_page=100)
    ids = [h["id"] for h in got["hits"]]
    assert set(ids) == lexical | joined and len(ids) == len(set(ids))
    assert got["total"] == len(lexical | joined) and got["meaning"]["joined"] == len(joined)
    assert {h["id"] for h in got["hits"] if h["by_meaning"]} == joined
    assert _ids(both, q) == ids  # pages of 5 list the same articles in the same order
    newest = [h["id"] for h in _search(both, q, per_page=100, sort="newest")["hits"]]
    assert set(newest) == set(ids)
    # Facets count the same set: each value's count is the total its selection gives.
    for facet in ("category", "author"):
        for v in got["facets"][facet]:
            chosen = _search(both, q, per_page=100, filters={facet: [v["value"]]})
            assert chosen["total"] == v["count"], (facet, v)
            assert {h["id"] for h in chosen["hits"]} <= set(ids)
    # The export lists the same articles in the same order.
    total, articles = both.export(SearchRequest(q=q), 10_000)
    assert total == len(ids) and [a.id for a in articles] == ids


@pytest.mark.parametrize("q", EXACT)
def test_exact_words_are_never_loosened(meaning_config: EngineConfig, q: str) -> None:
    """Quotes, fields, patterns, NOT: the result set and its order are the words' alone."""
    both, words = SearchService(meaning_config, semantic=True), SearchService(meaning_config, semantic=False)
    a, b = _search(both, q, per_page=100), _search(words, q, per_page=100)
    assert [h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]] and a["total"] == b["total"]
    assert not any(h["by_meaning"] for h in a["hits"])


def test_an_exclusion_always_excludes(meaning_config: EngineConfig) -> None:
    both = SearchService(meaning_config, semantic=True)
    for h in _search(both, "किसान -सरकार", per_page=100)["hits"]:
        assert h["id"] != "kisan-2"


@pytest.mark.parametrize(
    ("q", "want"),
    [
        ("farmers protest delhi border", "kisan-1"),  # English finds the Hindi article
        ("vaccine side effects", "tika-1"),
        ("kisan andolan", "kisan-1"),  # romanised Hindi: transliteration and meaning
        ("सरकार ने ईंधन पर टैक्स कम नहीं किया", "hukumat-1"),  # हुकूमत, शुल्क: other words, same news
        ("मूसलाधार वर्षा", "barish-1"),  # "torrential rain": the article says भारी बारिश
        ("monsoon flooding", "barish-1"),  # no word in common at all
        ("schools reopen after lockdown", "school-1"),
    ],
)
def test_meaning_finds_what_words_miss(meaning_config: EngineConfig, q: str, want: str) -> None:
    got = _search(SearchService(meaning_config, semantic=True), q)
    assert got["meaning"]["on"] is True
    assert got["hits"] and got["hits"][0]["id"] == want, [h["id"] for h in got["hits"]]


def test_page_marks_articles_found_by_meaning(
    meaning_config: EngineConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp import create_app

    monkeypatch.setenv("KHABAR_SEMANTIC", "1")
    app = create_app(meaning_config)
    client = app.test_client()
    data = client.get("/api/search", query_string={"q": "monsoon flooding"}).get_json()
    marked = [h for h in data["hits"] if h["by_meaning"]]
    assert marked and data["meaning"]["on"] is True
    html = client.get("/", query_string={"q": "monsoon flooding", "lang": "hi"}).get_data(as_text=True)
    assert html.count("अर्थ से मिला") == len(marked)
    html = client.get("/", query_string={"q": "monsoon flooding", "lang": "en"}).get_data(as_text=True)
    assert html.count("found by meaning") == len(marked)
    monkeypatch.setenv("KHABAR_SEMANTIC", "0")
    off = create_app(meaning_config).test_client()
    page = off.get("/", query_string={"q": "किसान", "lang": "en"}).get_data(as_text=True)
    assert "Search by meaning is off" in page


def test_server_timing_says_where_the_time_went(
    meaning_config: EngineConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page and JSON carry each step of the search in Server-Timing: embedding only where
    meaning took part, the steps together no longer than the search took, the embedding's CPU
    time (beside the search by words, so not one of those steps) within it too."""
    from webapp import create_app

    monkeypatch.setenv("KHABAR_SEMANTIC", "1")
    client = create_app(meaning_config).test_client()
    for url in ("/api/search", "/"):
        r = client.get(url, query_string={"q": "monsoon flooding"})
        steps = dict(part.split(";dur=") for part in r.headers["Server-Timing"].split(", "))
        assert list(steps) == ["parse", "match", "embed", "present", "desk", "suggest", "render"], steps
        ms = {k: float(v) for k, v in steps.items()}
        assert all(v >= 0 for v in ms.values()) and ms["embed"] > 0 and ms["render"] > 0
        if url == "/api/search":
            took = r.get_json()["took_ms"]
            assert sum(v for k, v in ms.items() if k not in ("render", "embed")) <= took + 0.5
            assert ms["embed"] <= took + 0.5
    exact = client.get("/api/search", query_string={"q": '"किसान"'})
    assert "embed;dur=0.0" in exact.headers["Server-Timing"]  # exact words: no embedding


def test_the_query_is_embedded_beside_the_search_by_words(
    meaning_config: EngineConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a thread of its own, started before the words are searched, and the same answer as
    embedding it first on the caller's thread."""
    import threading

    from indexer.meaning.encoder import Encoder
    from indexer.search import matching

    monkeypatch.setenv("KHABAR_SEMANTIC", "1")
    events: list[tuple[str, str]] = []
    embed, run = Encoder.query, matching.AllWordsFirst.run

    def query(self: Encoder, text: str) -> np.ndarray:
        events.append(("embed", threading.current_thread().name))
        return embed(self, text)

    def words(self: matching.AllWordsFirst, *args, **kwargs):  # type: ignore[no-untyped-def]
        events.append(("words", threading.current_thread().name))
        return run(self, *args, **kwargs)

    service = SearchService(meaning_config)
    before = service.search(SearchRequest(q="monsoon flooding"))
    monkeypatch.setattr(Encoder, "query", query)
    monkeypatch.setattr(matching.AllWordsFirst, "run", words)
    after = service.search(SearchRequest(q="monsoon flooding"))
    caller = threading.current_thread().name
    assert ("words", caller) in events
    assert [kind for kind, _ in events].count("embed") == 1
    assert all(name.startswith("query-embedding") for kind, name in events if kind == "embed")
    assert [(h.id, h.score) for h in after.hits] == [(h.id, h.score) for h in before.hits]


# -- computed once ----------------------------------------------------------------------------


def test_incremental_reindex_embeds_only_what_changed(
    tmp_path: Path, encoder, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KHABAR_VECTOR_CACHE", str(tmp_path / "vector-cache"))  # its own: counts embeddings
    corpus = tmp_path / "c"
    shutil.copytree(MEANING, corpus)
    ix = tmp_path / "ix"
    first = reindex([corpus], ix, semantic=True)
    assert first.embedded == len(ARTICLES)
    lines = (corpus / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[0])
    changed["body"] += " किसानों ने ट्रैक्टर रैली की घोषणा की।"
    lines[0] = json.dumps(changed, ensure_ascii=False)
    (corpus / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = reindex([corpus], ix, semantic=True)
    assert second.embedded == 1 and second.indexed == len(ARTICLES)
    snap = open_engine(ix).snapshot()
    v = encoder.passages([passage_text(Article(id="", title=changed["title"], body=changed["body"]))])[0]
    assert snap.nearest(v, 1)[0][0] == changed["id"]
    assert reindex([corpus], ix, semantic=True).up_to_date
    # Meaning turned off: a full rebuild without vectors (never vectors of another generation).
    off = reindex([corpus], ix, semantic=False)
    assert not off.incremental and open_engine(ix).snapshot().vectors() is None


def test_a_reindex_killed_while_embedding_resumes(
    tmp_path: Path, encoder, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KHABAR_VECTOR_CACHE", str(tmp_path / "vector-cache"))  # its own: counts embeddings
    corpus = tmp_path / "c"
    corpus.mkdir()
    many = [
        {"id": f"n{i}", "title": f"{a['title']} ({i})", "body": a["body"]} for i, a in enumerate(ARTICLES * 4)
    ]  # 48 articles: the first batch of 32 is in the cache when the kill comes
    (corpus / "many.jsonl").write_text(
        "\n".join(json.dumps(m, ensure_ascii=False) for m in many), encoding="utf-8"
    )
    ix = tmp_path / "ix"
    os.environ["KHABAR_SEMANTIC"] = "1"
    try:
        with reindex_paused_at("embedding", corpus, ix) as proc:
            proc.kill()
    finally:
        os.environ["KHABAR_SEMANTIC"] = "0"
    assert not (ix / "CURRENT").exists()  # nothing was published
    report = reindex([corpus], ix, semantic=True)
    assert report.indexed == 48 and report.embedded == 48 - 32


def test_cli_no_semantic(tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "KHABAR_SEMANTIC": "1"}
    run = [sys.executable, "-m", "indexer.cli"]
    out = subprocess.run([*run, "reindex", str(MEANING), "--index", str(tmp_path / "ix"), "--no-semantic"],
                         cwd=REPO, env=env, capture_output=True, text=True, check=True)  # fmt: skip
    assert "Search by meaning is off" in out.stdout
    got = subprocess.run([*run, "search", "किसान", "--index", str(tmp_path / "ix"), "--json"],
                         cwd=REPO, env=env, capture_output=True, text=True, check=True)  # fmt: skip
    assert json.loads(got.stdout)["meaning"]["on"] is False


def test_vectors_are_unit_length(meaning_config: EngineConfig, encoder) -> None:  # type: ignore[no-untyped-def]
    q = encoder.query("किसान आंदोलन")
    assert np.linalg.norm(q) == pytest.approx(1.0, abs=1e-3)


def test_more_like_this_by_meaning(meaning_config: EngineConfig, encoder) -> None:  # type: ignore[no-untyped-def]
    """Similar articles are the nearest to the article's own vector, itself left out."""
    service = SearchService(meaning_config, semantic=True)
    snap = open_engine(meaning_config).snapshot()
    ids = sorted(a["id"] for a in ARTICLES)
    matrix = np.stack([snap.vector_of(i) for i in ids])  # type: ignore[arg-type]
    for article in ("barish-1", "kisan-1", "tika-2"):
        cos = matrix @ matrix[ids.index(article)]
        want = [ids[n] for n in np.argsort(-cos) if ids[n] != article][:3]
        got = [h.id for h in service.similar(article, 3)]
        assert got == want, (article, got, want)
    assert service.similar("no-such-article", 3) == []
    # Meaning off: by words, as before.
    words = SearchService(meaning_config, semantic=False).similar("kisan-1", 3)
    assert "kisan-1" not in [h.id for h in words]

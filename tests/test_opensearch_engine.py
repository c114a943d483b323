"""The OpenSearch engine on a real 3-node cluster: generations behind aliases, incremental
reindexes, the lock, a reindex killed at any moment, a node killed while clients search, and a
cluster that cannot be reached. (The service-level tests run against this engine too: see the
``engine`` fixture in conftest.py.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.analysis.pipeline import pipeline
from indexer.benchmark.measure import serving
from indexer.build import Progress, reindex
from indexer.engines.base import IndexUnavailable, ReindexRunning
from indexer.engines.config import EngineConfig, from_options, redact
from indexer.engines.opensearch import localcluster, writer
from indexer.engines.opensearch.connection import make_client
from indexer.engines.opensearch.translate import Translator
from indexer.query import parse
from indexer.query.tree import Pattern, Terms
from indexer.ranking import DEFAULT_RANKING
from indexer.search import SearchRequest, SearchService
from tests.conftest import CORPUS, REPO, reindex_paused_at, write

# -- without a cluster: the translation and the configuration -------------------------------------


def dsl(text: str) -> dict:
    node = parse(text, pipeline()).node
    assert node is not None
    return Translator(DEFAULT_RANKING).query(node)


K = 1.0  # OpenSearch's BM25 keeps BM25's (k1 + 1), as Whoosh does: no factor to put back
T = DEFAULT_RANKING.title_boost


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "किसान",
            {"bool": {"should": [{"term": {"t": {"value": "किसान", "boost": T * K}}},
                                 {"term": {"b": {"value": "किसान", "boost": K}}}],
                      "minimum_should_match": 1}},
        ),
        (
            "category:खेल",
            {"constant_score": {"filter": {"term": {"category": "खेल"}}, "boost": 0.0}},
        ),
        (
            "-रूस",
            {"bool": {"filter": [{"match_all": {}}], "must_not": [
                {"bool": {"should": [{"term": {"t": {"value": "रूस", "boost": T * K}}},
                                     {"term": {"b": {"value": "रूस", "boost": K}}}],
                          "minimum_should_match": 1}}]}},
        ),
        (
            'title:"विराट कोहली"',
            {"match_phrase": {"t": {"query": "विराट कोहली", "boost": T * K}}},
        ),
    ],
)  # fmt: skip
def test_translation(text: str, expected: dict) -> None:
    assert dsl(text) == expected


def test_the_terms_a_pattern_stands_for() -> None:
    """Patterns reach an engine as the terms they stand for (the service finds them)."""
    translate = Translator(DEFAULT_RANKING).query
    assert translate(Terms(("किसान", "किसानी"), ("title",), pattern="किसा*")) == {
        "constant_score": {"filter": {"terms": {"t": ["किसान", "किसानी"]}}, "boost": T}
    }
    assert translate(Terms(("खेल",), ("category",))) == {
        "constant_score": {"filter": {"terms": {"category": ["खेल"]}}, "boost": 0.0}
    }
    assert translate(Terms((), ("title", "body"))) == {
        "bool": {"should": [{"match_none": {}}, {"match_none": {}}], "minimum_should_match": 1}
    }
    with pytest.raises(TypeError):
        translate(Pattern("किसा*"))


def test_and_with_exclusions_and_or() -> None:
    q = dsl("title:रूस (title:भारत OR title:चीन) -title:यूक्रेन")
    assert set(q["bool"]) == {"must", "must_not"} and len(q["bool"]["must"]) == 2
    assert q["bool"]["must"][1]["bool"]["minimum_should_match"] == 1


def test_configuration_precedence_and_no_credentials_in_messages() -> None:
    env = {
        "KHABAR_ENGINE": "opensearch",
        "KHABAR_OPENSEARCH_URL": "https://u:secret@a.example:9200, https://b.example:9200",
        "KHABAR_OPENSEARCH_INDEX": "news",
        "KHABAR_OPENSEARCH_PASSWORD": "hunter2",
    }
    c = from_options(environ=env)
    assert c.engine == "opensearch" and c.opensearch_index == "news" and len(c.opensearch_urls) == 2
    assert (
        "secret" not in c.where and "hunter2" not in repr(c) and "secret" not in redact(c.opensearch_urls[0])
    )
    assert from_options(engine="whoosh", environ=env).engine == "whoosh"  # an option beats the environment
    assert from_options(opensearch_index="other", environ=env).opensearch_index == "other"
    assert from_options(environ={}).engine == "whoosh" and from_options(environ={}).index_dir == Path("index")
    for bad in ({"engine": "solr"}, {"opensearch_index": "Upper"}, {"opensearch_url": "ftp://x"}):
        with pytest.raises(ValueError):
            from_options(environ={}, **bad)  # type: ignore[arg-type]


# -- on the cluster ------------------------------------------------------------------------------


@pytest.fixture
def cluster_config(
    opensearch_cluster: localcluster.ClusterInfo, request: pytest.FixtureRequest
) -> EngineConfig:
    """A fresh index name in the session's cluster, removed afterwards."""
    name = "t-" + request.node.name.lower().replace("[", "-").replace("]", "")[:60]
    config = EngineConfig(
        engine="opensearch",
        opensearch_urls=tuple(opensearch_cluster.urls),
        opensearch_index=name,
        shards=3,
        replicas=1,
    )
    yield config
    client = make_client(config)
    client.indices.delete(index=f"{name}-*", params={"ignore_unavailable": "true"})


def _cli_engine(config: EngineConfig) -> list[str]:
    return ["--engine", "opensearch", "--opensearch-url", ",".join(config.opensearch_urls),
            "--opensearch-index", config.opensearch_index]  # fmt: skip


def _indices(config: EngineConfig) -> list[str]:
    found = make_client(config).indices.get(index=f"{config.opensearch_index}-g*")
    return sorted(found)


def _ids(svc: SearchService) -> list[str]:
    out: list[str] = []
    page = 1
    while True:
        res = svc.search(SearchRequest(q="", per_page=100, page=page))
        out += [h.id for h in res.hits]
        if len(out) >= res.total or not res.hits:
            return out
        page += 1


def test_generations_incremental_reindex_and_aliases(cluster_config: EngineConfig, corpus_copy: Path) -> None:
    first = reindex([corpus_copy], cluster_config)
    assert first.published and first.indexed == 9 and not first.incremental
    svc = SearchService(cluster_config)
    assert svc.doc_count() == 9 and svc.generation().endswith("-g000001")
    assert reindex([corpus_copy], cluster_config).up_to_date  # the manifest lives in the cluster

    # Change one file, add one, delete one: only they are read; the rest comes from the clone.
    write(corpus_copy, "खेल/cricket-final.txt", "---\ndate: 2021-04-21\n---\nनया शीर्षक\nबदला हुआ पाठ पेंगुइन।\n")
    write(corpus_copy, "नया/extra.txt", "अतिरिक्त ख़बर\nयह नई फ़ाइल है, पेंगुइन भी।\n")
    (corpus_copy / "खेल" / "hockey-bronze.txt").unlink()
    second = reindex([corpus_copy], cluster_config)
    assert second.incremental and second.indexed == 2 and second.removed == 1 and second.unchanged == 6
    time.sleep(1.1)  # a thread looks the alias up again at most once a second
    assert svc.generation().endswith("-g000002") and svc.doc_count() == 9
    assert {h.id for h in svc.search(SearchRequest(q="पेंगुइन")).hits} == {"खेल/cricket-final", "नया/extra"}
    ids = _ids(svc)
    assert len(ids) == len(set(ids)) == 9 and "खेल/hockey-bronze" not in ids
    # The incremental generation's vocabulary knows the new words (spelling help in the cluster).
    assert svc.search(SearchRequest(q="पेंगुन")).suggestion == "पेंगुइन"

    third = reindex([corpus_copy], cluster_config, full=True)
    assert third.published and not third.incremental
    # The live generation and the one before it are kept (searches may still read it); older go.
    names = _indices(cluster_config)
    assert {n.rsplit("-g", 1)[1][:6] for n in names} == {"000002", "000003"}


def test_the_dfs_phase_only_where_words_score(cluster_config: EngineConfig) -> None:
    """Term statistics across shards matter to scores only: a search of ids (the articles
    meaning adds) skips the DFS phase, a search of words keeps it, and both find the same."""
    from indexer.engines import open_engine
    from indexer.engines.base import Filters
    from indexer.facets import FACETS

    reindex([CORPUS], cluster_config, semantic=False)
    snap = open_engine(cluster_config).snapshot()
    sent: list[dict] = []
    call = snap._call  # type: ignore[attr-defined]

    class Recorder:
        def __init__(self, client) -> None:  # type: ignore[no-untyped-def]
            self.client = client

        def search(self, **kw):  # type: ignore[no-untyped-def]
            sent.append(kw.get("params") or {})
            return self.client.search(**kw)

    snap._call = lambda what: call(lambda c: what(Recorder(c)))  # type: ignore[attr-defined]
    words = parse("भारत OR दिल्ली", snap.pipeline).node
    found = snap.search(words, Filters(), "relevance", 0, 10, list(FACETS), True)
    assert found.total >= 3 and sent[-1] == {"search_type": "dfs_query_then_fetch"}
    ids = tuple(snap.stored(r)["id"] for r, _ in found.hits[:3])
    by_id = snap.search(Terms(ids, fields=("id",)), Filters(), "relevance", 0, 10, list(FACETS), True)
    assert sent[-1] == {}
    assert sorted(snap.stored(r)["id"] for r, _ in by_id.hits) == sorted(ids) and by_id.total == 3
    assert sum(by_id.days.values()) == 3 and sum(by_id.counts["category"].values()) <= 3


def test_a_second_reindex_is_refused_then_waits(cluster_config: EngineConfig) -> None:
    with reindex_paused_at("read", CORPUS, Path("unused"), *_cli_engine(cluster_config)) as first:
        with pytest.raises(ReindexRunning, match=f"pid {first.pid}"):
            reindex([CORPUS], cluster_config)
        waited: list[str] = []

        class Note(Progress):
            def waiting(self, holder: str) -> None:
                waited.append(holder)

        done: list[object] = []
        t = threading.Thread(
            target=lambda: done.append(reindex([CORPUS], cluster_config, wait=True, progress=Note()))
        )
        t.start()
        time.sleep(2)
        assert not done and waited and f"pid {first.pid}" in waited[0]
    # Leaving the block killed the first reindex (SIGKILL): its lock is left behind, stale once
    # its heartbeat stops; the waiting reindex takes it over and runs.
    t.join(timeout=writer.LOCK_STALE_S + 60)
    assert done and getattr(done[0], "published", False)


@pytest.mark.parametrize("point", ["read", "write", "commit", "committed", "swap"])
def test_kill_at_each_point_leaves_the_live_generation(
    cluster_config: EngineConfig, corpus_copy: Path, point: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reindex([corpus_copy], cluster_config)
    svc = SearchService(cluster_config)
    live = svc.generation()
    write(corpus_copy, "नया/extra.txt", "अतिरिक्त ख़बर\nपेंगुइन की नई ख़बर।\n")
    with reindex_paused_at(point, corpus_copy, Path("unused"), *_cli_engine(cluster_config)):
        pass  # leaving the block kills it there, writing processes and all
    time.sleep(1.1)
    assert svc.generation() == live and svc.doc_count() == 9
    assert svc.search(SearchRequest(q="पेंगुइन")).total == 0
    monkeypatch.setattr(writer, "LOCK_STALE_S", 0.5)  # the killed reindex's lock: stale at once here
    again = reindex([corpus_copy], cluster_config)
    assert again.published
    time.sleep(1.1)
    assert svc.search(SearchRequest(q="पेंगुइन")).total == 1 and svc.doc_count() == 10
    # The half-built generation of the killed reindex is gone.
    gens = {n.rsplit("-g", 1)[1][:6] for n in _indices(cluster_config)}
    assert len(gens) <= 2


def test_a_node_killed_while_eight_clients_search(
    cluster_config: EngineConfig, opensearch_cluster: localcluster.ClusterInfo
) -> None:
    """Every search gets an answer once the replicas have taken over; errors in the window are
    counted and reported."""
    reindex([CORPUS], replace(cluster_config, shards=3, replicas=1))
    info = opensearch_cluster
    health = make_client(cluster_config).cluster.health(
        index=cluster_config.opensearch_index + "-g*",
        params={"wait_for_status": "green", "timeout": "60s", "request_timeout": 70},
    )
    assert health["status"] == "green"
    svc = SearchService(cluster_config)
    words = ["रूस", "कोहली", "किसान", "मुंबई", "बारिश", "शेयर", "चंद्रयान", "हॉकी"]
    expected = {w: svc.search(SearchRequest(q=w)).total for w in words}
    outcomes: list[tuple[float, bool]] = []
    stop = threading.Event()

    def client(n: int) -> None:
        i = n
        while not stop.is_set():
            w = words[i % len(words)]
            try:
                ok = svc.search(SearchRequest(q=w)).total == expected[w]
            except IndexUnavailable:
                ok = False
            outcomes.append((time.monotonic(), ok))
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    victim = info.nodes[1]
    killed = time.monotonic()
    localcluster.kill_node(victim.index, info)
    try:
        localcluster.wait_for_health(info, "yellow", nodes=len(info.nodes) - 1, timeout=90,
                                     watch=[n for n in info.nodes if n is not victim])  # fmt: skip
        settled = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
        localcluster.restart_node(victim.index, info, timeout=120)
    during = [ok for at, ok in outcomes if killed <= at <= settled]
    after = [ok for at, ok in outcomes if at > settled]
    print(
        f"\nnode killed: {len(during)} searches in the {settled - killed:.1f} s before the cluster settled, "
        f"{during.count(False)} without an answer; {len(after)} after, {after.count(False)} without"
    )
    assert after and all(after)  # once the replicas have taken over, every search is answered
    assert outcomes and sum(ok for _, ok in outcomes) > 0.9 * len(outcomes)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_cluster_is_a_503_and_a_clear_cli_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    config = EngineConfig(engine="opensearch", opensearch_urls=(url,), opensearch_index="khabar")
    with pytest.raises(IndexUnavailable, match=r"cannot reach the OpenSearch cluster at http://127\.0\.0\.1"):
        SearchService(config).search(SearchRequest(q="रूस"))

    from webapp import create_app

    client = create_app(config).test_client()
    page = client.get("/?q=रूस")
    assert page.status_code == 503 and "cannot reach" in page.get_data(as_text=True)
    api = client.get("/api/search?q=रूस")
    assert api.status_code == 503 and "cannot reach" in api.get_json()["error"]["message"]

    for args in (["search", "रूस"], ["reindex", str(CORPUS)]):
        done = subprocess.run(
            [sys.executable, "-m", "indexer.cli", *args, "--engine", "opensearch", "--opensearch-url", url],
            capture_output=True, text=True, timeout=120, cwd=REPO,
        )  # fmt: skip
        assert done.returncode == 3 and "cannot reach the OpenSearch cluster" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_a_wrong_url_or_index_is_a_clear_error(
    opensearch_cluster: localcluster.ClusterInfo, corpus_index: Path
) -> None:
    """A URL that is not a cluster (a Khabar web server), and a cluster without the index."""
    with serving(corpus_index) as base:
        config = EngineConfig(engine="opensearch", opensearch_urls=(base,))
        with pytest.raises(IndexUnavailable, match="does not answer as an OpenSearch cluster"):
            SearchService(config).search(SearchRequest(q="रूस"))

    config = EngineConfig(
        engine="opensearch", opensearch_urls=tuple(opensearch_cluster.urls), opensearch_index="nothing-here"
    )
    with pytest.raises(
        IndexUnavailable, match=r"no Khabar index 'nothing-here'.*khabar reindex ARTICLES --engine opensearch"
    ):
        SearchService(config).search(SearchRequest(q="रूस"))
    env = {**os.environ, "KHABAR_OPENSEARCH_PASSWORD": "not-printed-anywhere"}
    done = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "search", "रूस", "--engine", "opensearch",
         "--opensearch-url", "http://user:secret-pw@127.0.0.1:" + str(_closed_port())],
        capture_output=True, text=True, timeout=120, cwd=REPO, env=env,
    )  # fmt: skip
    assert done.returncode == 3 and "secret-pw" not in done.stderr + done.stdout
    assert "not-printed-anywhere" not in done.stderr + done.stdout


def test_khabar_cluster_command_is_there() -> None:
    done = subprocess.run([sys.executable, "-m", "indexer.cli", "cluster", "--help"], capture_output=True,
                          text=True, timeout=60, cwd=REPO)  # fmt: skip
    assert done.returncode == 0 and "start" in done.stdout and "stop" in done.stdout

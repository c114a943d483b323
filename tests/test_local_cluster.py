"""The local OpenSearch cluster: three real JVMs on 127.0.0.1, one of them killed with SIGKILL.

No mocks: the cluster is built from Maven Central artifacts (cached after the first run) and
started by tests/opensearch_cluster.py. Without java or mvn these tests skip with a message saying
what to install, except under CI=true, where they fail.
"""

from __future__ import annotations

import argparse
import json
import math
import threading
import time
import urllib.error
from pathlib import Path
from typing import Any

import pytest

from indexer.engines.opensearch import localcluster
from indexer.engines.opensearch.localcluster import ClusterInfo, request
from tests.opensearch_cluster import NODES, opensearch_cluster_fixture  # noqa: F401 (a pytest fixture)

INDEX = "khabar-fault-test"
TOPICS = ["किसान आंदोलन", "क्रिकेट मैच", "चुनाव परिणाम", "मौसम विभाग", "शेयर बाज़ार"]
DOCS = [
    {
        "id": i,
        "title": f"{TOPICS[i % len(TOPICS)]} पर ख़बर {i}",
        "body": f"किसानों ने {i} दिन बाद बात की",
        "n": i,
    }
    for i in range(40)
]


def _search_all(url: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
    body = {"query": query or {"match_all": {}}, "size": 100, "track_total_hits": True}
    return request(f"{url}/{INDEX}/_search", "POST", body, timeout=10)


def _ids(answer: dict[str, Any]) -> set[int]:
    return {hit["_source"]["id"] for hit in answer["hits"]["hits"]}


def _bulk(url: str) -> dict[str, Any]:
    lines = []
    for doc in DOCS:
        lines.append(json.dumps({"index": {"_index": INDEX, "_id": str(doc["id"])}}))
        lines.append(json.dumps(doc, ensure_ascii=False))
    return request(f"{url}/_bulk?refresh=true", "POST", "\n".join(lines) + "\n", timeout=60)


def test_three_nodes_each_its_own_jvm_and_green(opensearch_cluster: ClusterInfo) -> None:
    info = opensearch_cluster
    assert len(info.nodes) == NODES
    pids = {n.pid for n in info.nodes}
    assert len(pids) == NODES and all(n.alive() for n in info.nodes)
    health = localcluster.health(info.url)
    assert health["status"] == "green" and health["number_of_nodes"] == NODES
    nodes = request(f"{info.url}/_nodes/http,process,plugins")["nodes"].values()
    assert {n["name"] for n in nodes} == {n.name for n in info.nodes}
    assert {n["process"]["id"] for n in nodes} == pids  # one JVM per node
    for node in nodes:
        assert node["version"] == localcluster.OPENSEARCH_VERSION
        assert node["http"]["publish_address"].startswith("127.0.0.1:")  # loopback only
        assert all(
            a.startswith("127.0.0.1:") or a.startswith("[::ffff:127.0.0.1]:")
            for a in node["http"]["bound_address"]
        )
        classes = {p["classname"] for p in node["plugins"]}
        assert "org.opensearch.analysis.common.CommonAnalysisPlugin" in classes
        assert "org.opensearch.painless.PainlessPlugin" in classes
    # analysis-common's Hindi analyzer is there (the stemmer turns किसानों into किसान).
    tokens = request(f"{info.url}/_analyze", "POST", {"analyzer": "hindi", "text": "किसानों"})["tokens"]
    assert [t["token"] for t in tokens] == ["किसान"]


def test_starting_a_running_cluster_only_prints_its_url(
    opensearch_cluster: ClusterInfo, capsys: pytest.CaptureFixture[str]
) -> None:
    again = localcluster.start(nodes=NODES, state_dir=Path(opensearch_cluster.state_dir))
    assert [n.pid for n in again.nodes] == [n.pid for n in opensearch_cluster.nodes]
    assert capsys.readouterr().out.strip() == opensearch_cluster.url
    result = localcluster.status(Path(opensearch_cluster.state_dir), out=lambda _line: None)
    assert result["running"] and all(n["alive"] for n in result["nodes"])
    assert result["health"]["status"] == "green"


def test_searches_survive_sigkill_of_a_node(opensearch_cluster: ClusterInfo) -> None:
    info = opensearch_cluster
    url = info.url
    if _exists(url):
        request(f"{url}/{INDEX}", "DELETE")
    request(
        f"{url}/{INDEX}",
        "PUT",
        {
            "settings": {"number_of_shards": 3, "number_of_replicas": 1},
            "mappings": {
                "properties": {
                    "title": {"type": "text", "analyzer": "hindi"},
                    "body": {"type": "text", "analyzer": "hindi"},
                    "id": {"type": "integer"},
                    "n": {"type": "integer"},
                }
            },
        },
    )
    localcluster.wait_for_health(info, "green", timeout=60)
    bulk = _bulk(url)
    assert not bulk["errors"]
    all_ids = {d["id"] for d in DOCS}
    assert _ids(_search_all(url)) == all_ids
    # Every node holds shards: 3 primaries and 3 replicas on 3 nodes (once the cluster has
    # finished moving shards about; other tests' indexes live in this cluster too).
    # The health wait can return just before the balancer moves another shard (a relocating
    # shard's node then reads "node-0 -> address id node-1"): wait until every shard has started.
    request(f"{url}/_cluster/health?wait_for_no_relocating_shards=true&timeout=60s", timeout=70)
    deadline = time.monotonic() + 60
    while True:
        shards = request(f"{url}/_cat/shards/{INDEX}?format=json")
        if all(s["state"] == "STARTED" for s in shards) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert {s["node"] for s in shards} == {n.name for n in info.nodes}

    # Kill the elected cluster manager: its shards' replicas must take over and a new one be elected.
    manager_id = request(f"{url}/_cluster/state/master_node")["master_node"]
    manager_name = request(f"{url}/_nodes/{manager_id}/none")["nodes"][manager_id]["name"]
    victim = next(n for n in info.nodes if n.name == manager_name)
    survivors = [n for n in info.nodes if n is not victim]

    # Clients keep searching through the surviving nodes while the node dies.
    answers: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def search_loop() -> None:
        while not stop.is_set() and len(answers) + len(errors) < 2000:
            for node in survivors:
                try:
                    answers.append(len(_ids(_search_all(node.url))))
                except (OSError, ValueError) as exc:
                    errors.append(f"{node.name}: {exc}")
            time.sleep(0.02)

    searcher = threading.Thread(target=search_loop, daemon=True)
    searcher.start()
    killed_at = time.monotonic()
    try:
        localcluster.kill_node(victim.index, info)
        assert not victim.alive()
        localcluster.wait_for_health(info, "yellow", nodes=NODES - 1, timeout=90, watch=survivors)
        recovered_in = time.monotonic() - killed_at
        # This index's health: other tests' indexes share the cluster.
        health = request(f"{survivors[0].url}/_cluster/health/{INDEX}")
        assert health["status"] in ("yellow", "green") and health["unassigned_shards"] <= 3
        assert health["active_primary_shards"] == 3  # every primary lives on: replicas were promoted
        for node in survivors:
            answer = _search_all(node.url)
            assert answer["_shards"]["failed"] == 0
            assert answer["hits"]["total"]["value"] == len(DOCS)
            assert _ids(answer) == all_ids
            stemmed = _search_all(node.url, {"match": {"body": "किसान"}})  # hindi analyzer: किसानों
            assert _ids(stemmed) == all_ids
        new_manager = request(f"{survivors[0].url}/_cat/cluster_manager?format=json")[0]["node"]
        assert new_manager != victim.name
    finally:
        stop.set()
        searcher.join(timeout=30)
        if not victim.alive():
            localcluster.restart_node(victim.index, info, timeout=120)
    print(
        f"\nkilled {victim.name} (cluster manager); yellow, {NODES - 1} nodes, after {recovered_in:.1f} s; "
        f"{len(answers)} searches during the kill, {sum(a == len(DOCS) for a in answers)} complete, "
        f"{len(errors)} errors"
    )

    # Back with the same data: green with every node, and the restarted node answers.
    assert victim.alive() and localcluster.load(info.state_dir) == info
    localcluster.wait_for_health(info, "green", timeout=120)
    assert _ids(_search_all(victim.url)) == all_ids
    request(f"{url}/{INDEX}", "DELETE")


def _exists(url: str, index: str = INDEX) -> bool:
    try:
        request(f"{url}/{index}", "HEAD")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return False
        raise
    return True


KNN_INDEX = "khabar-knn-test"
KNN_PLUGIN = "org.opensearch.knn.plugin.KNNPlugin"
# Four dimensions, a keyword to filter on. Nearest to [1, 0, 0, 0]: a, b, f, c, d, e; b and e are "en".
VECTORS: dict[str, tuple[list[float], str]] = {
    "a": ([1.0, 0.0, 0.0, 0.0], "hi"),
    "b": ([0.9, 0.1, 0.0, 0.0], "en"),
    "c": ([0.7, 0.7, 0.0, 0.0], "hi"),
    "d": ([0.0, 1.0, 0.0, 0.0], "hi"),
    "e": ([0.0, 0.0, 1.0, 0.0], "en"),
    "f": ([0.95, 0.05, 0.1, 0.0], "hi"),
}


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / math.sqrt(sum(x * x for x in a)) / math.sqrt(sum(y * y for y in b))


def _hits(answer: dict[str, Any]) -> list[tuple[str, float]]:
    return [(hit["_id"], hit["_score"]) for hit in answer["hits"]["hits"]]


def test_knn_vectors_filtered_knn_query_and_exact_scores(opensearch_cluster: ClusterInfo) -> None:
    info = opensearch_cluster
    url = info.url
    # The k-NN plugin zip is loaded on every node (a classpath plugin: named by its class, version NA).
    nodes = request(f"{url}/_nodes/plugins")["nodes"].values()
    assert all(KNN_PLUGIN in {p["classname"] for p in n["plugins"]} for n in nodes)
    rows = request(f"{url}/_cat/plugins?format=json")
    assert {r["name"] for r in rows if r["component"] == KNN_PLUGIN} == {n.name for n in info.nodes}

    if _exists(url, KNN_INDEX):
        request(f"{url}/{KNN_INDEX}", "DELETE")
    vector = {"name": "hnsw", "engine": "lucene", "space_type": "cosinesimil"}
    request(
        f"{url}/{KNN_INDEX}",
        "PUT",
        {
            "settings": {"index.knn": True, "number_of_shards": 2, "number_of_replicas": 1},
            "mappings": {
                "properties": {
                    "v": {"type": "knn_vector", "dimension": 4, "method": vector},
                    "lang": {"type": "keyword"},
                }
            },
        },
    )
    try:
        lines = []
        for doc_id, (v, lang) in VECTORS.items():
            lines.append(json.dumps({"index": {"_index": KNN_INDEX, "_id": doc_id}}))
            lines.append(json.dumps({"v": v, "lang": lang}))
        assert not request(f"{url}/_bulk?refresh=true", "POST", "\n".join(lines) + "\n", timeout=60)["errors"]
        query = [1.0, 0.0, 0.0, 0.0]

        def knn(**extra: Any) -> list[tuple[str, float]]:
            body = {"size": 3, "query": {"knn": {"v": {"vector": query, "k": 3, **extra}}}}
            return _hits(request(f"{url}/{KNN_INDEX}/_search", "POST", body))

        # Lucene scores cosinesimil as (1 + cos) / 2. The filter applies during the search (efficient
        # filtering): the three nearest "hi" documents, not the "hi" ones among the three nearest.
        assert [h for h, _ in knn()] == ["a", "b", "f"]
        filtered = knn(filter={"term": {"lang": "hi"}})
        assert [h for h, _ in filtered] == ["a", "f", "c"]
        for doc_id, score in filtered:
            assert score == pytest.approx((1 + _cosine(VECTORS[doc_id][0], query)) / 2, abs=1e-5)

        # Exact scores of given documents: the k-NN scoring script over an ids query. For indexes made
        # by k-NN 2.19 or later it gives (1 + cos) / 2 for cosinesimil, the scale of the knn query
        # (older indexes got 1 + cos).
        given = ["a", "c", "d", "e"]
        other = [1.0, 1.0, 0.0, 0.0]
        params = {"field": "v", "query_value": other, "space_type": "cosinesimil"}
        script = {"lang": "knn", "source": "knn_score", "params": params}
        body = {"query": {"script_score": {"query": {"ids": {"values": given}}, "script": script}}}
        exact = _hits(request(f"{url}/{KNN_INDEX}/_search", "POST", body))
        order = [h for h, _ in exact]
        assert sorted(order) == sorted(given) and order[0] == "c" and order[-1] == "e"  # a, d tie
        for doc_id, score in exact:
            assert score == pytest.approx((1 + _cosine(VECTORS[doc_id][0], other)) / 2, abs=1e-6)

        # k-NN's Painless functions are there too (the launcher hands Painless its extensions).
        painless = {"source": "1.0 + cosineSimilarity(params.q, doc['v'])", "params": {"q": other}}
        body = {"query": {"script_score": {"query": {"ids": {"values": given}}, "script": painless}}}
        for doc_id, score in _hits(request(f"{url}/{KNN_INDEX}/_search", "POST", body)):
            assert score == pytest.approx(1 + _cosine(VECTORS[doc_id][0], other), abs=1e-6)
    finally:
        request(f"{url}/{KNN_INDEX}", "DELETE")


def test_analysis_common_painless_scripts(opensearch_cluster: ClusterInfo) -> None:
    """analysis-common extends Painless too: a predicate_token_filter script compiles."""
    keep_long = {"type": "predicate_token_filter", "script": {"source": "token.getTerm().length() > 3"}}
    body = {"tokenizer": "whitespace", "filter": [keep_long], "text": "रूस किसानों ab abcdef"}
    tokens = request(f"{opensearch_cluster.url}/_analyze", "POST", body)["tokens"]
    assert [t["token"] for t in tokens] == ["किसानों", "abcdef"]


def _plugin_zip(target: Path, name: str, jars: list[str], opensearch_version: str) -> Path:
    folder = target / "plugins" / name
    folder.mkdir(parents=True)
    (folder / localcluster.PLUGIN_DESCRIPTOR).write_text(
        f"# a comment\nname={name}\nversion={opensearch_version}.0\nclassname=org.example.{name}.Plugin\n"
        f"opensearch.version={opensearch_version}\nextended.plugins=lang-painless\n"
    )
    for jar in jars:
        (folder / jar).write_bytes(b"PK")
    return folder


def test_plugin_zip_jars_are_settled_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = localcluster.OPENSEARCH_VERSION
    assert localcluster.jar_artifact("guava-32.1.3-jre.jar") == ("guava", "32.1.3-jre")
    assert localcluster.jar_artifact("netty-transport-native-unix-common-4.1.118.Final.jar") == (
        "netty-transport-native-unix-common",
        "4.1.118.Final",
    )
    assert localcluster.jar_artifact("scala-java8-compat_3-1.0.2.jar") == ("scala-java8-compat_3", "1.0.2")
    (tmp_path / "lib").mkdir()
    for jar in (f"opensearch-{version}.jar", "netty-common-4.1.118.Final.jar"):
        (tmp_path / "lib" / jar).write_bytes(b"PK")
    netty = "netty-common-4.1.118.Final.jar"
    one = _plugin_zip(tmp_path, "one", ["one-1.0.jar", "guava-33.4.0-jre.jar", netty], version)
    two = _plugin_zip(tmp_path, "two", ["two-1.0.jar", "guava-33.4.0-jre.jar"], version)
    found = localcluster.settle_plugin_jars(tmp_path, log=print)
    assert [d["name"] for d in found] == ["one", "two"]
    assert found[0]["extended.plugins"] == "lang-painless" and "# a comment" not in str(found[0])
    # A jar already on the classpath in the same version is kept once.
    assert sorted(p.name for p in one.glob("*.jar")) == ["guava-33.4.0-jre.jar", "one-1.0.jar"]
    assert sorted(p.name for p in two.glob("*.jar")) == ["two-1.0.jar"]
    assert netty in capsys.readouterr().out
    home = tmp_path
    (home / "classes").mkdir()
    entries = localcluster.classpath(home).split(":")
    assert entries == [str(home / "classes"), str(home / "lib" / "*"), str(one / "*"), str(two / "*")]

    # The same library in two versions is a choice to make in the pom, not a guess.
    _plugin_zip(tmp_path, "three", ["guava-32.1.3-jre.jar"], version)
    conflict = r"three has guava-32\.1\.3-jre\.jar, the plugin zip one has guava-33\.4\.0-jre\.jar"
    with pytest.raises(localcluster.ClusterError, match=conflict):
        localcluster.settle_plugin_jars(tmp_path)


def test_a_plugin_zip_for_another_opensearch_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    _plugin_zip(tmp_path, "old", ["old-1.0.jar"], "2.19.6")
    with pytest.raises(localcluster.ClusterError, match=r"built for OpenSearch 2\.19\.6"):
        localcluster.settle_plugin_jars(tmp_path)


def test_missing_java_or_maven_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no java, no mvn
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(localcluster.ToolMissing, match="apt-get install openjdk-17-jdk-headless maven"):
        localcluster.require_tools()


def test_cluster_command_without_a_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="khabar")
    localcluster.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["cluster", "status", "--state", str(tmp_path)])
    assert args.func(args) == 1
    assert "no cluster running" in capsys.readouterr().out
    args = parser.parse_args(["cluster", "stop", "--state", str(tmp_path)])
    assert args.func(args) == 0
    assert "no cluster running" in capsys.readouterr().err
    start = parser.parse_args(["cluster", "start", "--nodes", "5", "--heap", "1g"])
    assert (start.nodes, start.heap, start.cluster_action) == (5, "1g", "start")

"""The local OpenSearch cluster: three real JVMs on 127.0.0.1, one of them killed with SIGKILL.

No mocks: the cluster is built from Maven Central artifacts (cached after the first run) and
started by tests/opensearch_cluster.py. Without java or mvn these tests skip with a message saying
what to install, except under CI=true, where they fail.
"""

from __future__ import annotations

import argparse
import json
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
    request(f"{url}/_cluster/health?wait_for_no_relocating_shards=true&timeout=60s", timeout=70)
    shards = request(f"{url}/_cat/shards/{INDEX}?format=json")
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


def _exists(url: str) -> bool:
    try:
        request(f"{url}/{INDEX}", "HEAD")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return False
        raise
    return True


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

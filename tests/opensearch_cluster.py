"""A real local OpenSearch 2.19.1 cluster with k-NN (3 nodes, one JVM each) for tests, shared by the session.

Use it from any test file:

    from tests.opensearch_cluster import opensearch_cluster_fixture  # noqa: F401 (a pytest fixture)

    def test_something(opensearch_cluster: ClusterInfo) -> None:
        ...  # opensearch_cluster.url, .urls, .alive_urls()

The cluster starts once per pytest session, on ports from 19200 (HTTP) and 19300 (transport) so
that it does not meet a developer's `khabar cluster start` on 9200, with its state in a pytest temp
folder, and is stopped when the session ends. Without java or mvn the tests that use it are
skipped with a message saying what to install, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from indexer.engines.opensearch import localcluster
from indexer.engines.opensearch.localcluster import ClusterInfo

TEST_HTTP_PORT = 19200
TEST_TRANSPORT_PORT = 19300
TEST_CLUSTER_NAME = "khabar-test"
NODES = 3

_shared: dict[str, Any] = {}


def require_java_and_maven() -> None:
    """Skip the calling test when java or mvn is missing (fail under CI=true)."""
    try:
        localcluster.require_tools()
    except localcluster.ToolMissing as exc:
        missing = str(exc)
    else:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{missing} (CI=true: the OpenSearch cluster tests must run)", pytrace=False)
    pytest.skip(missing)


def shared_cluster(config: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> ClusterInfo:
    """Start the session's cluster the first time it is asked for; stop it when the session ends."""
    if "error" in _shared:
        pytest.fail(f"the OpenSearch test cluster failed to start earlier: {_shared['error']}", pytrace=False)
    if "info" not in _shared:
        state = tmp_path_factory.mktemp("opensearch-cluster")
        try:
            info = localcluster.start(
                nodes=NODES,
                heap="512m",
                state_dir=state,
                http_port=TEST_HTTP_PORT,
                transport_port=TEST_TRANSPORT_PORT,
                cluster_name=TEST_CLUSTER_NAME,
                fresh=True,
            )
        except localcluster.ClusterError as exc:
            _shared["error"] = str(exc)
            raise
        _shared["info"] = info
        config.add_cleanup(lambda: localcluster.stop(state))
    return _shared["info"]


@pytest.fixture(scope="session", name="opensearch_cluster")
def opensearch_cluster_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> ClusterInfo:
    """A running 3-node OpenSearch cluster on 127.0.0.1, green when handed over."""
    require_java_and_maven()
    info = shared_cluster(request.config, tmp_path_factory).refresh()
    # A test before may have killed a node (and failed before restarting it): give back a whole cluster.
    for node in info.nodes:
        if not node.alive():
            localcluster.restart_node(node.index, info)
    localcluster.wait_for_health(info, "green", timeout=120)
    return info

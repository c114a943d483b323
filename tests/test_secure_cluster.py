"""Khabar against a secured cluster (issue 22): `khabar cluster start --secure` (TLS on HTTP and
between two nodes, a CA and certificates made here, users admin, writer and reader), and every
command of Khabar with each user: what each may do, what each may not, every TLS and password
mistake a one-line error, and the passwords nowhere they should not be.

Each `khabar` here is a process of its own, as a user runs it. Nothing leaves this machine: the
cluster is on 127.0.0.1, and the tests of a remote host refuse before connecting."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from indexer.engines.opensearch import localcluster, security
from indexer.engines.opensearch.localcluster import ClusterInfo
from tests.conftest import FIXTURES, REPO, SEEDS
from tests.opensearch_cluster import require_java_and_maven

SECURE_HTTP_PORT = 19250
SECURE_TRANSPORT_PORT = 19350
INDEX = "khabar-sec"  # under Khabar's default name: the roles are written for khabar and khabar-*


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Any:
    require_java_and_maven()
    state = tmp_path_factory.mktemp("secure-cluster")
    info = localcluster.start(
        nodes=2,
        heap="512m",
        state_dir=state,
        http_port=SECURE_HTTP_PORT,
        transport_port=SECURE_TRANSPORT_PORT,
        cluster_name="khabar-secure-test",
        fresh=True,
        secure=True,
    )
    yield info
    localcluster.stop(state)


@pytest.fixture(scope="module")
def creds(cluster: ClusterInfo) -> dict[str, dict[str, str]]:
    assert cluster.credentials_file is not None
    return security.read_credentials(cluster.credentials_file)


@pytest.fixture(scope="module")
def files(cluster: ClusterInfo, creds: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each user's password in a file of its own (mode 0600), for KHABAR_OPENSEARCH_PASSWORD_FILE."""
    folder = tmp_path_factory.mktemp("passwords")
    out = {}
    for user, c in creds.items():
        path = folder / f"{user}.pw"
        path.write_text(c["password"] + "\n")
        path.chmod(0o600)
        out[user] = path
    return out


def env_of(cluster: ClusterInfo, files: dict[str, Path], user: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHABAR_OPENSEARCH")}
    env.update(
        KHABAR_ENGINE="opensearch",
        KHABAR_OPENSEARCH_URL=",".join(cluster.urls),
        KHABAR_OPENSEARCH_INDEX=INDEX,
        KHABAR_OPENSEARCH_CA=str(cluster.ca_file),
        KHABAR_OPENSEARCH_USER=user,
        KHABAR_OPENSEARCH_PASSWORD_FILE=str(files[user]),
        KHABAR_SEMANTIC="0",
    )
    env.update(extra)
    return env


def khabar(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indexer.cli", *args], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def as_admin(cluster: ClusterInfo, path: str, method: str = "GET", body: Any = None) -> Any:
    return localcluster.request(f"{cluster.url}{path}", method, body, access=cluster.access())


def as_user(
    cluster: ClusterInfo, creds: dict, user: str, path: str, method: str = "GET", body: Any = None
) -> int:
    """The HTTP status of one request as ``user``."""
    access = localcluster.Access(cluster.ca_file, user, creds[user]["password"])
    try:
        localcluster.request(f"{cluster.url}{path}", method, body, access=access)
    except urllib.error.HTTPError as e:
        return e.code
    return 200


@pytest.fixture(scope="module")
def built(cluster: ClusterInfo, files: dict[str, Path]) -> dict[str, str]:
    """The seeds indexed by the writer."""
    run = khabar(env_of(cluster, files, "writer"), "reindex", str(SEEDS), "--shards", "2", "--replicas", "1")
    assert run.returncode == 0, run.stderr
    return {"stdout": run.stdout, "stderr": run.stderr}


# -- the cluster ----------------------------------------------------------------------------------


def test_the_cluster_says_where_its_ca_and_credentials_are(cluster: ClusterInfo, creds: dict) -> None:
    status = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "cluster", "status", "--json", "--state", cluster.state_dir],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert status.returncode == 0, status.stderr
    found = json.loads(status.stdout)
    assert found["url"].startswith("https://127.0.0.1:") and found["secure"] is True
    assert (
        Path(found["ca_file"]) == cluster.ca_file
        and Path(found["credentials_file"]) == cluster.credentials_file
    )
    assert found["health"]["number_of_nodes"] == 2 and found["health"]["status"] == "green"
    assert stat.S_IMODE(os.stat(found["credentials_file"]).st_mode) == 0o600
    assert set(creds) == {"admin", "writer", "reader"} and all(
        len(c["password"]) >= 24 for c in creds.values()
    )
    for secret in (c["password"] for c in creds.values()):
        assert secret not in status.stdout + status.stderr


def test_tls_and_passwords_are_required(cluster: ClusterInfo, creds: dict) -> None:
    assert cluster.ca_file is not None
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        localcluster.request(f"{cluster.url}/", access=localcluster.Access(cluster.ca_file))
    assert anonymous.value.code == 401
    plain = cluster.url.replace("https://", "http://")
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        localcluster.request(f"{plain}/", timeout=5)  # no plain HTTP at all
    roles = {
        user: as_admin(cluster, f"/_plugins/_security/api/internalusers/{user}")[user]
        for user in ("writer", "reader")
    }
    assert roles  # the users exist, with bcrypt hashes and not passwords
    authinfo = localcluster.request(
        f"{cluster.url}/_plugins/_security/authinfo",
        access=localcluster.Access(cluster.ca_file, "reader", creds["reader"]["password"]),
    )
    assert authinfo["roles"] == ["khabar_reader"]
    # Between the nodes, too: the node certificates are ours, and the nodes met over TLS.
    nodes = as_admin(cluster, "/_nodes/transport")["nodes"]
    assert len(nodes) == 2


def test_the_roles_in_the_cluster_are_the_documented_ones(cluster: ClusterInfo) -> None:
    """docs/scaling.md prints the roles' JSON; the cluster holds the same, and so does the code."""
    docs = (REPO / "docs" / "scaling.md").read_text(encoding="utf-8")
    written = json.loads(docs.split("<!-- roles -->")[1].split("```json")[1].split("```")[0])
    assert written == security.roles("khabar")
    for name, role in security.roles("khabar").items():
        held = as_admin(cluster, f"/_plugins/_security/api/roles/{name}")[name]
        assert held["cluster_permissions"] == role["cluster_permissions"]
        assert (
            held["index_permissions"][0]["index_patterns"] == role["index_permissions"][0]["index_patterns"]
        )
        assert (
            held["index_permissions"][0]["allowed_actions"] == role["index_permissions"][0]["allowed_actions"]
        )


# -- Khabar with each user ----------------------------------------------------------------------------


def test_the_writer_builds_and_the_reader_searches_exports_and_serves(
    cluster: ClusterInfo, files: dict[str, Path], creds: dict, built: dict, tmp_path: Path
) -> None:
    reader = env_of(cluster, files, "reader")
    found = khabar(reader, "search", "किसान", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] > 0
    exported = khabar(reader, "export", "किसान", "--format", "jsonl")
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == json.loads(found.stdout)["total"]
    # eval: the writer indexes the judged documents, the reader runs the judged queries on them
    ev = FIXTURES / "eval"
    writer = env_of(cluster, files, "writer", KHABAR_OPENSEARCH_INDEX=f"{INDEX}-eval")
    assert khabar(writer, "reindex", str(ev / "docs.jsonl"), "--shards", "1").returncode == 0
    judged = {**reader, "KHABAR_OPENSEARCH_INDEX": f"{INDEX}-eval"}
    scored = khabar(
        judged, "eval", "--queries", str(ev / "queries.tsv"), "--qrels", str(ev / "qrels.txt"), "--json"
    )
    assert scored.returncode == 0, scored.stderr
    means = json.loads(scored.stdout)
    assert any("ndcg" in k.lower() and v > 0 for k, v in means.items() if isinstance(v, float))
    # The web app, as `khabar serve` runs it, with the reader
    from indexer.engines.config import from_options
    from webapp import create_app

    config = from_options(environ=reader)
    client = create_app(config).test_client()
    page = client.get("/?q=किसान")
    api = client.get("/api/search?q=किसान")
    assert page.status_code == 200 and api.status_code == 200 and api.get_json()["total"] > 0
    for body in (page.get_data(as_text=True), api.get_data(as_text=True)):
        for c in creds.values():
            assert c["password"] not in body


def test_the_reader_cannot_reindex_and_the_index_is_untouched(
    cluster: ClusterInfo, files: dict[str, Path], built: dict
) -> None:
    reader = env_of(cluster, files, "reader")
    before = khabar(reader, "search", "किसान", "--json", "--limit", "50")
    run = khabar(reader, "reindex", str(SEEDS), "--full")
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not allow this user" in lines[0] and "no permissions for [" in lines[0]
    assert "Traceback" not in run.stderr
    after = khabar(reader, "search", "किसान", "--json", "--limit", "50")
    assert json.loads(after.stdout)["hits"] == json.loads(before.stdout)["hits"]


@pytest.mark.parametrize(
    "mistake",
    ["wrong password", "no CA", "a foreign CA", "an expired CA", "a host name not on the certificate"],
)
def test_each_tls_or_password_mistake_is_one_line(
    cluster: ClusterInfo, files: dict[str, Path], built: dict, tmp_path: Path, mistake: str
) -> None:
    env = env_of(cluster, files, "reader")
    expect = ""
    if mistake == "wrong password":
        wrong = tmp_path / "wrong.pw"
        wrong.write_text("not-the-password\n")
        env["KHABAR_OPENSEARCH_PASSWORD_FILE"] = str(wrong)
        expect = "refused the credentials (401)"
    elif mistake == "no CA":
        del env["KHABAR_OPENSEARCH_CA"]
        expect = "is not signed by the CAs this machine trusts"
    elif mistake == "a foreign CA":
        other = security.make_certificates(tmp_path / "other")
        env["KHABAR_OPENSEARCH_CA"] = str(other.cert(security.CA))
        expect = "is not signed by the CA in"
    elif mistake == "an expired CA":
        env["KHABAR_OPENSEARCH_CA"] = str(_expired_copy_of_the_ca(cluster, tmp_path))
        expect = "has expired"
    else:
        env["KHABAR_OPENSEARCH_URL"] = ",".join(u.replace("127.0.0.1", "127.1") for u in cluster.urls)
        expect = "is not for that host name"
    run = khabar(env, "search", "किसान")
    lines = run.stderr.strip().splitlines()
    assert run.returncode != 0 and len(lines) == 1 and expect in lines[0], run.stderr
    assert "Traceback" not in run.stderr and not run.stdout.strip()


def _expired_copy_of_the_ca(cluster: ClusterInfo, tmp_path: Path) -> Path:
    """The cluster's own CA certificate (same name and key), re-signed with a validity that ended."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    paths = security.Paths(Path(cluster.state_dir) / localcluster.SECURITY_DIR)
    ca = x509.load_pem_x509_certificate(paths.cert(security.CA).read_bytes())
    key = serialization.load_pem_private_key(paths.key(security.CA).read_bytes(), password=None)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    builder = (
        x509.CertificateBuilder()
        .subject_name(ca.subject)
        .issuer_name(ca.subject)
        .public_key(ca.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(past - dt.timedelta(days=365))
        .not_valid_after(past)
    )
    for ext in ca.extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    out = tmp_path / "expired-ca.pem"
    out.write_bytes(builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))  # type: ignore[arg-type]
    return out


def test_the_reader_and_the_writer_cannot_touch_other_indexes(
    cluster: ClusterInfo, creds: dict, files: dict[str, Path], built: dict
) -> None:
    as_admin(cluster, "/someone-else", "PUT", {"settings": {"number_of_shards": 1, "number_of_replicas": 1}})
    as_admin(cluster, "/someone-else/_doc/1?refresh=true", "PUT", {"secret": "not Khabar's"})
    for user in ("reader", "writer"):
        assert as_user(cluster, creds, user, "/someone-else/_search") == 403
        assert as_user(cluster, creds, user, "/someone-else/_doc/1") == 403
        assert as_user(cluster, creds, user, "/_all/_search") == 403 or user == "reader"
    assert as_user(cluster, creds, "writer", "/someone-else/_doc/2", "PUT", {"x": 1}) == 403
    assert as_user(cluster, creds, "writer", "/someone-else", "DELETE") == 403
    assert as_user(cluster, creds, "reader", f"/{INDEX}-g000001/_doc/x", "PUT", {"x": 1}) == 403
    # Khabar itself, pointed at the other index: a one-line refusal
    run = khabar(env_of(cluster, files, "reader", KHABAR_OPENSEARCH_INDEX="someone-else"), "search", "x")
    assert run.returncode != 0 and len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert as_admin(cluster, "/someone-else/_doc/1")["_source"] == {"secret": "not Khabar's"}


def test_the_passwords_appear_nowhere(
    cluster: ClusterInfo, files: dict[str, Path], creds: dict, built: dict
) -> None:
    """Not in what any command prints, not in --help, not in the process list of a running
    server, not in the server's own log."""
    secrets = [c["password"] for c in creds.values()]
    printed = [built["stdout"], built["stderr"]]
    reader = env_of(cluster, files, "reader")
    for args in (["search", "किसान"], ["search", "--help"], ["reindex", "--help"], ["serve", "--help"],
                 ["cluster", "status"], ["cluster", "status", "--json"]):  # fmt: skip
        run = khabar({**reader, "KHABAR_CLUSTER_STATE": cluster.state_dir}, *args)
        printed += [run.stdout, run.stderr]
    port = _free_port()
    log = Path(cluster.state_dir) / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "indexer.cli", "serve", "--port", str(port), "--workers", "2"],
            cwd=REPO, env=reader, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_for(port)
        # `khabar serve` as the reader answers the page and its JSON
        q = urllib.parse.quote("किसान")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q={q}", timeout=60) as r:
            api = r.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q={q}", timeout=60) as r:
            page = r.read().decode()
        assert json.loads(api)["total"] > 0 and "किसान" in page
        printed += [api, page]
        ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        environ = "".join(
            Path(f"/proc/{pid}/cmdline").read_text(errors="replace") for pid in _tree(server.pid)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    printed += [ps, environ, log.read_text()]
    for text in printed:
        for secret in secrets:
            assert secret not in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the server on {port} did not start")


def _tree(pid: int) -> list[int]:
    out = [pid]
    for child in Path("/proc").glob("[0-9]*"):
        try:
            if int((child / "stat").read_text().split()[3]) == pid:
                out += _tree(int(child.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


# -- what is not a password ---------------------------------------------------------------------------


def test_api_keys_are_refused_with_the_reason() -> None:
    from indexer.engines.config import NO_API_KEYS, from_options

    with pytest.raises(ValueError, match="OpenSearch has no API keys"):
        from_options(engine="opensearch", environ={"KHABAR_OPENSEARCH_API_KEY": "abc"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHABAR_OPENSEARCH")}
    run = khabar({**env, "KHABAR_ENGINE": "opensearch"}, "search", "x", "--opensearch-api-key", "abc")
    assert run.returncode == 2 and NO_API_KEYS in run.stderr and "abc" not in run.stderr


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        _Recorder.seen.append(dict(self.headers))
        body = json.dumps(
            {"error": {"type": "index_not_found_exception", "reason": "no such index"}, "status": 404}
        )
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: Any) -> None:
        pass


def test_aws_sigv4_signs_each_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """Amazon OpenSearch Service: requests signed with SigV4 (the aws extra), tried against a
    server on this machine that records what it is sent; the secret key is never sent."""
    pytest.importorskip("botocore")
    from indexer.engines import open_engine
    from indexer.engines.base import IndexUnavailable
    from indexer.engines.config import from_options

    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for name, value in {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "sekrit-not-to-send",
                            "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent",
                            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        config = from_options(
            engine="opensearch",
            opensearch_url=f"http://127.0.0.1:{server.server_port}",
            aws_region="ap-south-1",
            environ={},
        )
        with pytest.raises(IndexUnavailable):
            open_engine(config).snapshot()
    finally:
        server.shutdown()
    assert _Recorder.seen
    auth = _Recorder.seen[0]["Authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/ap-south-1/es/aws4_request" in auth and "X-Amz-Date" in _Recorder.seen[0]
    assert all("sekrit-not-to-send" not in json.dumps(h) for h in _Recorder.seen)

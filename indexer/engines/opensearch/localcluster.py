"""A local OpenSearch 2.19.1 cluster with k-NN on 127.0.0.1: one JVM per node, built from Maven Central.

    python -m indexer.engines.opensearch.localcluster start [--nodes 3] [--heap 512m]
    python -m indexer.engines.opensearch.localcluster status
    python -m indexer.engines.opensearch.localcluster stop

(and `khabar cluster start|stop|status` once indexer/cli.py calls register()).

start() builds the launcher in cluster/ (pom.xml and a small Node subclass, see cluster/README.md)
with Maven the first time, into KHABAR_CLUSTER_HOME (default ~/.cache/khabar/opensearch-2.19.1):
the server and its modules in lib/, each plugin zip (k-NN) unpacked in plugins/NAME. It then
starts each node as its own `java` process, bound to 127.0.0.1 only, with its own config, data
and log folders under the state folder (KHABAR_CLUSTER_STATE, default ~/.cache/khabar/cluster),
waits for health green with every node, and writes cluster.json there: pids, ports and the URL.
Plain HTTP, no security plugin, no credentials; with ``secure`` (`khabar cluster start
--secure`), the security plugin with TLS on HTTP and between nodes, certificates, users and
roles of its own (``security``). kill_node() and restart_node() exist for fault tests: SIGKILL one
node and bring it back with its data.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from indexer.engines.opensearch import security

OPENSEARCH_VERSION = "2.19.1"  # plugin zips must be built for exactly this version (cluster/pom.xml)
LAUNCHER_CLASS = "khabar.opensearch.LocalNode"
SOURCE_DIR = Path(__file__).resolve().with_name("cluster")
STATE_FILE = "cluster.json"
SECURITY_DIR = "security"  # a secured cluster's CA, certificates and keys
LAYOUT_FILE = "layout.json"
PLUGIN_DESCRIPTOR = "plugin-descriptor.properties"
HOST = "127.0.0.1"
DEFAULT_HTTP_PORT = 9200
DEFAULT_TRANSPORT_PORT = 9300
DEFAULT_CLUSTER_NAME = "khabar"
INSTALL_HINT = "sudo apt-get install openjdk-17-jdk-headless maven"

# Node processes started by this Python process, by pid (to reap them and to kill them safely).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class ClusterError(RuntimeError):
    """The local cluster could not be built, started, stopped or reached."""


class ToolMissing(ClusterError):
    """java or mvn is not installed."""


@dataclass
class NodeInfo:
    index: int
    name: str
    pid: int
    http_port: int
    transport_port: int
    home: str
    scheme: str = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{HOST}:{self.http_port}"

    @property
    def log(self) -> Path:
        return Path(self.home) / "logs" / "node.log"

    def alive(self) -> bool:
        return _is_our_process(self.pid, Path(self.home))


@dataclass
class Access:
    """How to reach a cluster's nodes: the CA to trust and the user to be (the administrator of
    a secured local cluster), or nothing for a plain one."""

    ca_file: Path | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    def context(self) -> ssl.SSLContext | None:
        return ssl.create_default_context(cafile=str(self.ca_file)) if self.ca_file else None

    def headers(self) -> dict[str, str]:
        if self.user is None:
            return {}
        token = b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
        return {"Authorization": f"Basic {token}"}


@dataclass
class ClusterInfo:
    state_dir: str
    cluster_name: str
    heap: str
    nodes: list[NodeInfo] = field(default_factory=list)
    version: str = OPENSEARCH_VERSION
    secure: bool = False

    @property
    def ca_file(self) -> Path | None:
        return security.Paths(Path(self.state_dir) / SECURITY_DIR).cert(security.CA) if self.secure else None

    @property
    def credentials_file(self) -> Path | None:
        return Path(self.state_dir) / security.CREDENTIALS if self.secure else None

    def access(self) -> Access:
        """The administrator's access (a secured cluster), else none."""
        if not self.secure or self.credentials_file is None:
            return Access()
        admin = security.read_credentials(self.credentials_file)["admin"]
        return Access(self.ca_file, admin["user"], admin["password"])

    @property
    def url(self) -> str:
        """The first node's URL (the one printed by start)."""
        return self.nodes[0].url

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    def alive_urls(self) -> list[str]:
        return [n.url for n in self.nodes if n.alive()]

    def refresh(self) -> ClusterInfo:
        """Take the pids and ports in the state file (another process may have restarted a node)."""
        current = _read_state(Path(self.state_dir))
        if current is not None and [n.name for n in current.nodes] == [n.name for n in self.nodes]:
            for mine, recorded in zip(self.nodes, current.nodes, strict=True):
                mine.pid, mine.http_port, mine.transport_port = (
                    recorded.pid,
                    recorded.http_port,
                    recorded.transport_port,
                )
        return self

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["url"] = self.url
        data["ca_file"] = str(self.ca_file) if self.ca_file else None
        data["credentials_file"] = str(self.credentials_file) if self.credentials_file else None
        for node, raw in zip(self.nodes, data["nodes"], strict=True):
            raw["url"] = node.url
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClusterInfo:
        nodes = [
            NodeInfo(
                index=n["index"],
                name=n["name"],
                pid=n["pid"],
                http_port=n["http_port"],
                transport_port=n["transport_port"],
                home=n["home"],
                scheme=n.get("scheme", "http"),
            )
            for n in data["nodes"]
        ]
        return cls(
            state_dir=data["state_dir"],
            cluster_name=data["cluster_name"],
            heap=data["heap"],
            nodes=nodes,
            version=data.get("version", OPENSEARCH_VERSION),
            secure=bool(data.get("secure", False)),
        )


# -- where things live ------------------------------------------------------------------------------


def cluster_home() -> Path:
    """Where the built launcher is cached (KHABAR_CLUSTER_HOME, default ~/.cache/khabar/opensearch-2.19.1)."""
    env = os.environ.get("KHABAR_CLUSTER_HOME")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "khabar" / f"opensearch-{OPENSEARCH_VERSION}"


def default_state_dir() -> Path:
    """Where nodes keep data, logs and cluster.json (KHABAR_CLUSTER_STATE, else ~/.cache/khabar/cluster)."""
    env = os.environ.get("KHABAR_CLUSTER_STATE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "khabar" / "cluster"


def _state_dir(state_dir: Path | str | None) -> Path:
    return Path(state_dir).expanduser().resolve() if state_dir is not None else default_state_dir().resolve()


# -- tools and build ---------------------------------------------------------------------------------


def find_java() -> str:
    """The java to run nodes with: $JAVA_HOME/bin/java, else java on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if not java:
        raise ToolMissing(f"java is not installed (OpenSearch needs Java 11 or newer): {INSTALL_HINT}")
    return java


def find_mvn() -> str:
    mvn = shutil.which("mvn")
    if not mvn:
        raise ToolMissing(f"mvn (Maven) is not installed; it builds the OpenSearch launcher: {INSTALL_HINT}")
    return mvn


def java_major_version(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise ClusterError(f"cannot tell the version of {java}: {(out.stderr or out.stdout).strip()[:200]}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def require_tools() -> tuple[str, str]:
    """Return (java, mvn), or raise ToolMissing saying what to install."""
    java = find_java()
    mvn = find_mvn()
    if shutil.which("javac") is None and not (Path(java).parent / "javac").is_file():
        raise ToolMissing(f"javac (a JDK, not only a JRE) is not installed: {INSTALL_HINT}")
    major = java_major_version(java)
    if major < 11:
        raise ToolMissing(f"OpenSearch needs Java 11 or newer, {java} is Java {major}: {INSTALL_HINT}")
    return java, mvn


def _source_fingerprint() -> str:
    digest = hashlib.sha256(OPENSEARCH_VERSION.encode())
    files = [SOURCE_DIR / "pom.xml", *sorted(p for p in (SOURCE_DIR / "src").rglob("*") if p.is_file())]
    for path in files:
        digest.update(str(path.relative_to(SOURCE_DIR)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _is_built(home: Path, fingerprint: str) -> bool:
    stamp = home / "build.stamp"
    return (
        stamp.is_file()
        and stamp.read_text().strip() == fingerprint
        and (home / "classes").is_dir()
        and any((home / "lib").glob("opensearch-*.jar"))
    )


def build(force: bool = False, log: Callable[[str], None] | None = None) -> Path:
    """Build the launcher into cluster_home() unless an up-to-date build is cached there.

    Maven runs offline first (-o, everything already in ~/.m2), then online if that fails.
    Returns the folder that holds classes/, lib/ and plugins/ (one folder per plugin zip).
    """
    log = log or _err
    home = cluster_home()
    fingerprint = _source_fingerprint()
    if not force and _is_built(home, fingerprint):
        return home
    _, mvn = require_tools()
    with _locked(home / ".build.lock"):
        if not force and _is_built(home, fingerprint):
            return home
        log(f"building the OpenSearch {OPENSEARCH_VERSION} launcher in {home} with Maven")
        started = time.monotonic()
        work = home / "build"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        shutil.copy2(SOURCE_DIR / "pom.xml", work / "pom.xml")
        shutil.copytree(SOURCE_DIR / "src", work / "src")
        goals = ["compile"]  # the pom binds copying lib/ and unpacking the plugin zips to compile
        base = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(work / "pom.xml")]
        how = "offline, from ~/.m2"
        offline = subprocess.run([*base, "-o", *goals], capture_output=True, text=True)
        if offline.returncode != 0:
            how = "downloading from Maven Central"
            log(f"not everything is in ~/.m2 yet: {how}")
            online = subprocess.run([*base, *goals], capture_output=True, text=True)
            if online.returncode != 0:
                tail = _tail_text((online.stdout + online.stderr).strip(), 40)
                raise ClusterError(f"Maven could not build the OpenSearch launcher in {work}:\n{tail}")
        zips = settle_plugin_jars(work / "target", log)
        for name in ("classes", "lib", "plugins", SECURE_PLUGINS):
            shutil.rmtree(home / name, ignore_errors=True)
            if (work / "target" / name).exists():
                (work / "target" / name).rename(home / name)
        shutil.rmtree(work, ignore_errors=True)
        (home / "build.stamp").write_text(fingerprint + "\n")
        plugins = ", ".join(f"{d['name']} {d['version']}" for d in zips) or "none"
        log(f"built in {time.monotonic() - started:.1f} s ({how}); plugin zips: {plugins}")
    return home


def read_descriptor(path: Path) -> dict[str, str]:
    """A plugin-descriptor.properties as a dict (key=value lines; # and ! start comments)."""
    result: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and line[0] not in "#!" and "=" in line:
            key, value = line.split("=", 1)
            result[key.strip()] = value.strip()
    return result


_JAR = re.compile(r"(?P<artifact>.+?)-(?P<version>\d[^/]*)\.jar")


def jar_artifact(filename: str) -> tuple[str, str]:
    """('guava', '32.1.3-jre') for guava-32.1.3-jre.jar: Maven's artifactId-version[-classifier].jar."""
    match = _JAR.fullmatch(filename)
    if not match:
        return filename.removesuffix(".jar"), ""
    return match["artifact"], match["version"]


SECURE_PLUGINS = "plugins-secure"  # the security plugin: loaded by a --secure cluster only


def plugin_dirs(root: Path, secure: bool = False) -> list[Path]:
    """The unpacked plugin zips under root (root/plugins/NAME with a plugin-descriptor.properties),
    and with ``secure`` those of root/plugins-secure after them."""
    found: list[Path] = []
    for sub in ("plugins", SECURE_PLUGINS) if secure else ("plugins",):
        plugins = root / sub
        if plugins.is_dir():
            found += sorted(d for d in plugins.iterdir() if (d / PLUGIN_DESCRIPTOR).is_file())
    return found


def settle_plugin_jars(target: Path, log: Callable[[str], None] | None = None) -> list[dict[str, str]]:
    """Check the plugin zips that Maven unpacked in target/plugins; return their descriptors.

    Every jar ends up on one classpath, so each library must be there once: a plugin's jar that
    target/lib (or a plugin zip before it, by name) already holds in the same version is removed;
    the same library in two versions stops the build, to be settled in pom.xml with <excludes> on
    the artifactItem whose copy is not wanted. A zip built for another OpenSearch version stops it
    too: OpenSearch would refuse to load it.
    """
    log = log or _err
    seen: dict[str, Path] = {}
    for jar in sorted((target / "lib").glob("*.jar")):
        seen.setdefault(jar_artifact(jar.name)[0], jar)
    descriptors: list[dict[str, str]] = []
    conflicts: list[str] = []
    for folder in plugin_dirs(target, secure=True):
        descriptor = read_descriptor(folder / PLUGIN_DESCRIPTOR)
        name = descriptor.get("name", folder.name)
        built_for = descriptor.get("opensearch.version")
        if built_for != OPENSEARCH_VERSION:
            raise ClusterError(
                f"the plugin zip {name} {descriptor.get('version', '?')} is built for OpenSearch "
                f"{built_for}, the launcher is {OPENSEARCH_VERSION}: a plugin only loads into the version "
                "it was built for"
            )
        if not descriptor.get("classname"):
            raise ClusterError(f"{folder / PLUGIN_DESCRIPTOR} names no classname")
        dropped: list[str] = []
        for jar in sorted(folder.glob("*.jar")):
            artifact, _ = jar_artifact(jar.name)
            other = seen.get(artifact)
            if other is None:
                seen[artifact] = jar
            elif other.name == jar.name:
                jar.unlink()  # the same jar again: one copy on the classpath is enough
                dropped.append(jar.name)
            else:
                where = "lib" if other.parent.name == "lib" else f"the plugin zip {other.parent.name}"
                conflicts.append(f"{name} has {jar.name}, {where} has {other.name}")
        if dropped:
            log(f"{name}: {len(dropped)} jar(s) already on the classpath, kept once: {', '.join(dropped)}")
        descriptors.append(descriptor)
    if conflicts:
        raise ClusterError(
            "the same library in two versions would be on the launcher's classpath: "
            + "; ".join(conflicts)
            + ". Choose one copy in cluster/pom.xml: <excludes> on the artifactItem of the zip whose copy "
            "is not wanted (or pin the library as a dependency and exclude it from every zip)."
        )
    return descriptors


def classpath(home: Path, secure: bool = False) -> str:
    """classes, lib/* and each plugin zip's folder/*: the launcher loads every zip it finds there."""
    entries = [home / "classes", home / "lib" / "*", *(d / "*" for d in plugin_dirs(home, secure))]
    return os.pathsep.join(str(e) for e in entries)


# -- processes ---------------------------------------------------------------------------------------


def _is_our_process(pid: int, node_home: Path) -> bool:
    """True when pid is alive and is our launcher for that node (not a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        if sys.platform.startswith("linux"):
            return False
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            if fh.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                return False
    except OSError:
        return False
    config = str(node_home / "config").encode()
    return LAUNCHER_CLASS.encode() in cmdline and config in cmdline


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Java's server sockets do
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def _free_ports(first: int, count: int, taken: set[int]) -> list[int]:
    ports: list[int] = []
    port = first
    while len(ports) < count:
        if port > 65535:
            raise ClusterError(f"no {count} free ports on {HOST} from {first} up")
        if port not in taken and _port_free(port):
            ports.append(port)
        port += 1
    return ports


def _node_settings(node: NodeInfo, cluster_name: str, names: list[str], seeds: list[str]) -> dict[str, Any]:
    home = Path(node.home)
    settings: dict[str, Any] = {
        "cluster.name": cluster_name,
        "node.name": node.name,
        "path.home": str(home),
        "path.data": str(home / "data"),
        "path.logs": str(home / "logs"),
        "network.host": HOST,
        "http.port": node.http_port,
        "transport.port": node.transport_port,
        # Development and tests on one machine: no memory locking, no seccomp, no disk-full guesses
        # (a nearly full disk would otherwise leave replicas unassigned), no geoip/ML downloads
        # (those plugins are not on the classpath at all).
        "bootstrap.memory_lock": False,
        "bootstrap.system_call_filter": False,
        "cluster.routing.allocation.disk.threshold_enabled": False,
        "action.auto_create_index": True,
    }
    if len(names) == 1:
        settings["discovery.type"] = "single-node"
    else:
        settings["discovery.seed_hosts"] = seeds
        settings["cluster.initial_cluster_manager_nodes"] = names
    return settings


def _write_config(node: NodeInfo, settings: dict[str, Any]) -> None:
    config = Path(node.home) / "config"
    config.mkdir(parents=True, exist_ok=True)
    for sub in ("data", "logs", "tmp"):
        (Path(node.home) / sub).mkdir(parents=True, exist_ok=True)
    # JSON is YAML: OpenSearch reads opensearch.yml with a YAML parser.
    lines = ["# Written by indexer/engines/opensearch/localcluster.py; rewritten at every start."]
    lines += [f"{key}: {json.dumps(value)}" for key, value in settings.items()]
    (config / "opensearch.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _jvm_options(heap: str, node_home: Path) -> list[str]:
    return [
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:G1ReservePercent=25",
        "-XX:InitiatingHeapOccupancyPercent=30",
        "-Xss1m",
        f"-Djava.io.tmpdir={node_home / 'tmp'}",
        f"-XX:ErrorFile={node_home / 'logs' / 'hs_err_pid%p.log'}",
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        "-Djna.nosys=true",
        "-XX:-OmitStackTraceInFastThrow",
        "-Dio.netty.noUnsafe=true",
        "-Dio.netty.noKeySetOptimization=true",
        "-Dio.netty.recycler.maxCapacityPerThread=0",
        "-Dlog4j.shutdownHookEnabled=false",
        "-Dlog4j2.disable.jmx=true",
        "-Dlog4j2.formatMsgNoLookups=true",
        "-Dopensearch.networkaddress.cache.ttl=60",
    ]


def _spawn(node: NodeInfo, heap: str, home: Path, java: str, secure: bool = False) -> int:
    node_home = Path(node.home)
    node.log.parent.mkdir(parents=True, exist_ok=True)
    with open(node.log, "ab") as out:
        out.write(f"\n==== khabar: starting {node.name} at {time.strftime('%F %T')} ====\n".encode())
        out.flush()
        proc = subprocess.Popen(
            [
                java,
                *_jvm_options(heap, node_home),
                "-cp",
                classpath(home, secure),
                LAUNCHER_CLASS,
                f"{node_home}/config",
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=node_home,
            start_new_session=True,  # outlives the command that started it; Ctrl-C there does not reach it
        )
    _CHILDREN[proc.pid] = proc
    # For a moment after Popen returns, /proc/PID/cmdline can still be empty: wait until the process
    # shows as our launcher, so that alive() (and so stop and the failure checks) can trust it.
    deadline = time.monotonic() + 10.0
    while not _is_our_process(proc.pid, node_home) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    return proc.pid


def _reap(pid: int) -> None:
    """Collect a child that has exited, so it is not left a zombie (no-op for other processes)."""
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is not None:
            del _CHILDREN[pid]
        return
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _running(node: NodeInfo) -> bool:
    """alive(), or a child of this process not yet reaped (its pid cannot have been reused)."""
    child = _CHILDREN.get(node.pid)
    return node.alive() or (child is not None and child.poll() is None)


def _signal_and_wait(nodes: list[NodeInfo], sig: int, timeout: float) -> list[NodeInfo]:
    for node in nodes:
        if _running(node):
            with contextlib.suppress(ProcessLookupError):
                os.kill(node.pid, sig)
    deadline = time.monotonic() + timeout
    while True:
        for node in nodes:
            _reap(node.pid)
        left = [n for n in nodes if _running(n)]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.2)


# -- HTTP ------------------------------------------------------------------------------------------


def request(
    url: str, method: str = "GET", body: Any = None, timeout: float = 10.0, access: Access | None = None
) -> Any:
    """One JSON request to a node; raises urllib.error.URLError/HTTPError."""
    data = None
    access = access or Access()
    headers = {"Accept": "application/json", **access.headers()}
    if body is not None:
        if isinstance(body, (bytes, str)):
            data = body.encode() if isinstance(body, str) else body
            headers["Content-Type"] = "application/x-ndjson"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=timeout, context=access.context()) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def health(
    url: str, params: dict[str, str | int] | None = None, timeout: float = 5.0, access: Access | None = None
) -> dict[str, Any]:
    """GET /_cluster/health from one node; params such as {"wait_for_status": "green", "timeout": "2s"}."""
    query = urllib.parse.urlencode(params or {})
    return request(f"{url}/_cluster/health" + (f"?{query}" if query else ""), timeout=timeout, access=access)


def wait_for_health(
    info: ClusterInfo,
    status: str = "green",
    nodes: int | None = None,
    timeout: float = 180.0,
    watch: list[NodeInfo] | None = None,
) -> dict[str, Any]:
    """Wait until some live node reports the cluster at `status` (or better) with `nodes` nodes.

    `nodes` defaults to every node of the cluster. Fails at once, with the end of its log, when a
    node of `watch` (default: the nodes alive now) exits meanwhile.
    """
    want = len(info.nodes) if nodes is None else nodes
    watched = [n for n in info.nodes if n.alive()] if watch is None else watch
    params: dict[str, str | int] = {"wait_for_status": status, "wait_for_nodes": want, "timeout": "2s"}
    access = info.access()
    deadline = time.monotonic() + timeout
    last: Any = "no answer yet"
    while time.monotonic() < deadline:
        for node in info.nodes:
            if not node.alive():
                _reap(node.pid)
                continue
            try:
                answer = health(node.url, params, timeout=5.0, access=access)
            except urllib.error.HTTPError as exc:  # 408: not there yet; the body says how far
                try:
                    last = json.loads(exc.read() or b"{}")
                except ValueError:
                    last = f"HTTP {exc.code}"
                continue
            except (OSError, ValueError) as exc:
                last = f"{node.name}: {exc}"
                continue
            if not answer.get("timed_out") and answer.get("number_of_nodes") == want:
                return answer
            last = answer
        dead = [n for n in watched if not n.alive()]
        if dead:
            node = dead[0]
            raise ClusterError(
                f"{node.name} (pid {node.pid}) exited while starting; end of {node.log}:\n{_tail(node.log)}"
            )
        time.sleep(1.0)
    worst = _worst_node(info)
    raise ClusterError(
        f"the cluster did not reach {status} with {want} nodes within {timeout:.0f} s (last health: {last}); "
        f"the end of {worst.log}:\n{_tail(worst.log)}"
    )


def _worst_node(info: ClusterInfo) -> NodeInfo:
    for node in info.nodes:
        if not node.alive():
            return node
    for node in info.nodes:
        try:
            request(f"{node.url}/", timeout=3.0, access=info.access())
        except (OSError, ValueError):
            return node
    return info.nodes[0]


def _tail_text(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64_000))
            text = fh.read().decode("utf-8", "replace")
    except OSError as exc:
        return f"(no log: {exc})"
    return _tail_text(text, lines)


# -- state ----------------------------------------------------------------------------------------


def _read_state(state: Path) -> ClusterInfo | None:
    try:
        return ClusterInfo.from_json(json.loads((state / STATE_FILE).read_text()))
    except (OSError, ValueError, KeyError):
        return None


def _write_state(info: ClusterInfo) -> None:
    path = Path(info.state_dir) / STATE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info.to_json(), indent=2) + "\n")
    tmp.replace(path)


def load(state_dir: Path | str | None = None) -> ClusterInfo | None:
    """The cluster recorded in the state folder (running or not), or None."""
    return _read_state(_state_dir(state_dir))


def _prepare_layout(
    state: Path, nodes: int, cluster_name: str, fresh: bool, log: Callable[[str], None], secure: bool = False
) -> bool:
    """Keep node data across stop/start, unless the number of nodes, the cluster name or its
    security changed; returns whether the nodes start from no data."""
    layout: dict[str, Any] = {"version": OPENSEARCH_VERSION, "nodes": nodes, "cluster_name": cluster_name}
    if secure:
        layout["secure"] = True
    path = state / LAYOUT_FILE
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        old = None
    node_dirs = sorted(state.glob("node-*"))
    if node_dirs and (fresh or old != layout):
        if not fresh:
            log(f"the cluster in {state} was {old}; starting a new one with {nodes} nodes (old data removed)")
        for d in node_dirs:
            shutil.rmtree(d)
        node_dirs = []
    state.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(layout) + "\n")
    return not node_dirs


# -- public API -------------------------------------------------------------------------------------


def start(
    nodes: int = 3,
    heap: str = "512m",
    state_dir: Path | str | None = None,
    *,
    http_port: int = DEFAULT_HTTP_PORT,
    transport_port: int = DEFAULT_TRANSPORT_PORT,
    cluster_name: str = DEFAULT_CLUSTER_NAME,
    timeout: float = 240.0,
    fresh: bool = False,
    secure: bool = False,
    log: Callable[[str], None] | None = None,
) -> ClusterInfo:
    """Start `nodes` OpenSearch nodes (one JVM each) on 127.0.0.1 and wait for health green.

    When the cluster in state_dir is already running, print its URL and return it. Node data is kept
    between stop and start (fresh=True wipes it). Prints the URL of the first node on stdout.
    ``secure``: the security plugin, TLS on HTTP and between nodes, and the certificates, users and
    roles of ``security`` (made with the nodes' data, kept with it).
    """
    log = log or _err
    if nodes < 1:
        raise ClusterError("a cluster needs at least one node")
    if not re.fullmatch(r"\d+[kmgKMG]", heap):
        raise ClusterError(f"heap must look like 512m or 1g, not {heap!r}")
    state = _state_dir(state_dir)
    java, _ = require_tools()
    home = build(log=log)
    with _locked(state / ".start.lock"):
        existing = _read_state(state)
        if existing is not None:
            alive = [n for n in existing.nodes if n.alive()]
            if alive and existing.secure != secure:
                kind = "secured" if existing.secure else "plain"
                raise ClusterError(
                    f"a {kind} cluster is running in {state}: `khabar cluster stop` first "
                    f"(a {'plain' if existing.secure else 'secured'} one starts with its own data)"
                )
            if alive and existing.version != OPENSEARCH_VERSION:
                log(
                    f"the cluster running in {state} is OpenSearch {existing.version}, not "
                    f"{OPENSEARCH_VERSION}: `khabar cluster stop` and start it again for "
                    f"{OPENSEARCH_VERSION} (its data is then removed)"
                )
                if len(alive) != len(existing.nodes):
                    raise ClusterError(
                        f"cannot start {OPENSEARCH_VERSION} nodes into an {existing.version} cluster"
                    )
            if len(alive) == len(existing.nodes):
                if len(existing.nodes) != nodes:
                    log(f"{len(existing.nodes)} node(s) already running (stop them to change that)")
                print(existing.url, flush=True)
                return existing
            if alive:
                down = [n for n in existing.nodes if not n.alive()]
                log(f"{len(down)} of {len(existing.nodes)} nodes are down; starting them again")
                for node in down:
                    _start_node(existing, node.index, java, home)
                _write_state(existing)
                wait_for_health(existing, "green", timeout=timeout, watch=existing.nodes)
                print(existing.url, flush=True)
                return existing
            (state / STATE_FILE).unlink(missing_ok=True)  # stale: none of its nodes runs

        new = _prepare_layout(state, nodes, cluster_name, fresh, log, secure)
        paths, creds = _security(state, new) if secure else (None, None)
        http_ports = _free_ports(http_port, nodes, set())
        transport_ports = _free_ports(transport_port, nodes, set(http_ports))
        names = [f"{cluster_name}-{i}" for i in range(nodes)]
        seeds = [f"{HOST}:{p}" for p in transport_ports]
        info = ClusterInfo(state_dir=str(state), cluster_name=cluster_name, heap=heap, secure=secure)
        began = time.monotonic()
        for i, name in enumerate(names):
            node = NodeInfo(
                index=i,
                name=name,
                pid=0,
                http_port=http_ports[i],
                transport_port=transport_ports[i],
                home=str(state / f"node-{i}"),
                scheme="https" if secure else "http",
            )
            info.nodes.append(node)
            settings = _node_settings(node, cluster_name, names, seeds)
            if paths is not None and creds is not None:
                config = Path(node.home) / "config"
                config.mkdir(parents=True, exist_ok=True)
                settings.update(security.node_settings(paths, config))
                security.write_security_config(config / "opensearch-security", creds)
            _write_config(node, settings)
            node.pid = _spawn(node, heap, home, java, secure)
        _write_state(info)
        pids = ", ".join(str(n.pid) for n in info.nodes)
        log(f"started {nodes} OpenSearch {OPENSEARCH_VERSION} node(s), pids {pids}; waiting for green")
        try:
            wait_for_health(info, "green", timeout=timeout, watch=info.nodes)
        except BaseException:
            _signal_and_wait(info.nodes, signal.SIGKILL, 10.0)
            (state / STATE_FILE).unlink(missing_ok=True)
            raise
        log(f"green with {nodes} node(s) in {time.monotonic() - began:.1f} s; state in {state / STATE_FILE}")
        if secure:
            log(
                f"TLS with the CA {info.ca_file}; the users' passwords are in "
                f"{info.credentials_file} (mode 0600)"
            )
    print(info.url, flush=True)
    return info


def _security(state: Path, new: bool) -> tuple[security.Paths, dict[str, dict[str, str]]]:
    """The certificates and credentials of a secured cluster in ``state``: made for new nodes
    (no data yet), kept with the data otherwise (the security index holds the users)."""
    folder = state / SECURITY_DIR
    paths = security.Paths(folder)
    credentials = state / security.CREDENTIALS
    if new or not credentials.is_file() or not paths.cert(security.CA).is_file():
        shutil.rmtree(folder, ignore_errors=True)
        paths = security.make_certificates(folder)
        return paths, security.make_credentials(credentials)
    return paths, security.read_credentials(credentials)


def _start_node(info: ClusterInfo, index: int, java: str, home: Path) -> NodeInfo:
    """Start node `index` again with the config, data and ports it had."""
    node = info.nodes[index]
    for port in (node.http_port, node.transport_port):
        if not _port_free(port):
            raise ClusterError(f"cannot start {node.name} again: port {port} on {HOST} is taken")
    node.pid = _spawn(node, info.heap, home, java, info.secure)
    return node


def stop(state_dir: Path | str | None = None, timeout: float = 30.0) -> bool:
    """Stop every node (SIGTERM, then SIGKILL after `timeout` s) and remove the state file.

    Returns False when no cluster was recorded in the state folder.
    """
    state = _state_dir(state_dir)
    info = _read_state(state)
    if info is None:
        return False
    left = _signal_and_wait(info.nodes, signal.SIGTERM, timeout)
    if left:
        _err(f"SIGKILL for {', '.join(n.name for n in left)}: still running {timeout:.0f} s after SIGTERM")
        left = _signal_and_wait(left, signal.SIGKILL, 10.0)
    if left:
        raise ClusterError(f"could not stop {', '.join(f'{n.name} (pid {n.pid})' for n in left)}")
    (state / STATE_FILE).unlink(missing_ok=True)
    return True


def status(state_dir: Path | str | None = None, out: Callable[[str], None] = print) -> dict[str, Any]:
    """Print which nodes are alive and the cluster's health; return the same as a dict."""
    state = _state_dir(state_dir)
    info = _read_state(state)
    if info is None:
        out(f"no cluster running (no {state / STATE_FILE})")
        return {"running": False, "state_dir": str(state)}
    result: dict[str, Any] = {
        "running": False,
        "state_dir": str(state),
        "url": info.url,
        "urls": info.urls,
        "secure": info.secure,
        "ca_file": str(info.ca_file) if info.ca_file else None,
        "credentials_file": str(info.credentials_file) if info.credentials_file else None,
        "nodes": [],
    }
    for node in info.nodes:
        alive = node.alive()
        result["nodes"].append({"name": node.name, "pid": node.pid, "url": node.url, "alive": alive})
        up = "up" if alive else "DOWN"
        out(f"{node.name}  pid {node.pid:<8} {node.url}  transport port {node.transport_port}  {up}")
    for url in info.alive_urls():
        try:
            h = health(url, access=info.access())
        except (OSError, ValueError) as exc:
            result["health_error"] = str(exc)
            continue
        result.update(running=True, health=h)
        out(
            f"cluster {h['cluster_name']}: {h['status']}, {h['number_of_nodes']} node(s), "
            f"{h['active_primary_shards']} primary / {h['active_shards']} active shard(s), "
            f"{h['unassigned_shards']} unassigned"
        )
        break
    else:
        out("no node answers: " + result.get("health_error", "all nodes are down"))
    return result


def kill_node(i: int, state_dir: Path | str | ClusterInfo | None = None) -> NodeInfo:
    """SIGKILL node i (for fault tests) and wait until its process is gone. The state file keeps it.

    state_dir may be the ClusterInfo that start() returned.
    """
    info = _cluster(state_dir)
    node = _node(info, i)
    if _signal_and_wait([node], signal.SIGKILL, 15.0):
        raise ClusterError(f"{node.name} (pid {node.pid}) survived SIGKILL")
    return node


def restart_node(
    i: int, state_dir: Path | str | ClusterInfo | None = None, timeout: float = 180.0, wait: str = "green"
) -> ClusterInfo:
    """Start node i again (same ports and data) and wait until the cluster is `wait` with every node.

    state_dir may be the ClusterInfo that start() returned: it is updated in place (the new pid).
    """
    info = _cluster(state_dir)
    node = _node(info, i)
    if node.alive():
        raise ClusterError(f"{node.name} is running (pid {node.pid}); kill_node({i}) first")
    _reap(node.pid)
    if info.version != OPENSEARCH_VERSION:
        raise ClusterError(
            f"the cluster is OpenSearch {info.version}; this launcher starts {OPENSEARCH_VERSION} nodes"
        )
    java, _ = require_tools()
    _start_node(info, i, java, build())
    _write_state(info)
    wait_for_health(info, wait, timeout=timeout, watch=[node])
    return info


def _cluster(target: Path | str | ClusterInfo | None) -> ClusterInfo:
    if isinstance(target, ClusterInfo):
        return target.refresh()
    return _require_state(target)


def _require_state(state_dir: Path | str | None) -> ClusterInfo:
    state = _state_dir(state_dir)
    info = _read_state(state)
    if info is None:
        raise ClusterError(f"no cluster recorded in {state / STATE_FILE}; start one first")
    return info


def _node(info: ClusterInfo, i: int) -> NodeInfo:
    if not 0 <= i < len(info.nodes):
        raise ClusterError(f"no node {i}: the cluster has nodes 0..{len(info.nodes) - 1}")
    return info.nodes[i]


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- command line -----------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add `cluster start|stop|status` to an argparse subparsers object (khabar's CLI calls this)."""
    cluster = subparsers.add_parser(
        "cluster",
        help=f"run a local OpenSearch {OPENSEARCH_VERSION} cluster on 127.0.0.1",
        description=f"A local OpenSearch {OPENSEARCH_VERSION} cluster on 127.0.0.1, one JVM per node, "
        "built from Maven Central (needs java and mvn).",
    )
    actions = cluster.add_subparsers(dest="cluster_action", metavar="start|stop|status", required=True)
    state_help = "folder for data, logs, cluster.json ($KHABAR_CLUSTER_STATE, else ~/.cache/khabar/cluster)"
    p_start = actions.add_parser("start", help="start the cluster and wait for green; print its URL")
    p_start.add_argument("--nodes", type=int, default=3, help="number of nodes, one JVM each (default 3)")
    p_start.add_argument("--heap", default="512m", help="heap per node, e.g. 512m or 1g (default 512m)")
    p_start.add_argument("--state", type=Path, default=None, help=state_help)
    p_start.add_argument("--port", type=int, default=DEFAULT_HTTP_PORT, help="first HTTP port to try (9200)")
    p_start.add_argument("--timeout", type=float, default=240.0, help="seconds to wait for green (240)")
    p_start.add_argument("--fresh", action="store_true", help="delete the nodes' data first")
    p_start.add_argument(
        "--secure",
        action="store_true",
        help="the security plugin: TLS on HTTP and between nodes, a CA and certificates made here, and "
        "users admin, writer and reader whose passwords are written to credentials.json in the state folder",
    )
    p_stop = actions.add_parser("stop", help="stop every node (SIGTERM, then SIGKILL)")
    p_stop.add_argument("--state", type=Path, default=None, help=state_help)
    p_status = actions.add_parser("status", help="print the nodes alive and the cluster health")
    p_status.add_argument("--state", type=Path, default=None, help=state_help)
    p_status.add_argument(
        "--json",
        action="store_true",
        help="one JSON object: url, urls, secure, ca_file, credentials_file, nodes, health",
    )
    cluster.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    try:
        if args.cluster_action == "start":
            info = start(
                nodes=args.nodes,
                heap=args.heap,
                state_dir=args.state,
                http_port=args.port,
                timeout=args.timeout,
                fresh=args.fresh,
                secure=args.secure,
            )
            # Every node's URL: the client goes on through the others when one is lost.
            use = f"export KHABAR_ENGINE=opensearch KHABAR_OPENSEARCH_URL={','.join(info.urls)}"
            if info.secure:
                use += f" KHABAR_OPENSEARCH_CA={info.ca_file} KHABAR_OPENSEARCH_USER=reader"
                use += " KHABAR_OPENSEARCH_PASSWORD_FILE=<a file holding the reader's password, from "
                use += f"{info.credentials_file}>"
            _err(f"use it: {use}")
        elif args.cluster_action == "stop":
            if stop(args.state):
                _err("stopped")
            else:
                _err(f"no cluster running (no {_state_dir(args.state) / STATE_FILE})")
        elif args.json:
            found = status(args.state, out=lambda line: None)
            print(json.dumps(found, ensure_ascii=False, indent=2))
            return 0 if found["running"] else 1
        else:
            return 0 if status(args.state)["running"] else 1
    except ClusterError as exc:
        _err(f"error: {exc}")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer.engines.opensearch.localcluster")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["cluster", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

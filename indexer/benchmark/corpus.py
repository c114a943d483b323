"""A deterministic synthetic news corpus made of real Hindi headlines and sentences.

Headlines are sampled whole (each keeps its own category); bodies are 8 to 40 real sentences;
dates spread over ten years; about 12 sources and 200 authors. The same sources, size and seed
always give the same articles, so runs can be compared.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from indexer.ingest import Article, read_corpus

SOURCES = [f"समाचार स्रोत {n}" for n in range(1, 13)]
AUTHORS = [f"संवाददाता {n:03d}" for n in range(1, 201)]
START = datetime(2015, 1, 1)
SPAN_DAYS = 3652
_SENTENCE = re.compile(r"(?<=[।?!])\s+|\n+")
MIN_SENTENCE, MAX_SENTENCE = 20, 400


@dataclass
class Material:
    headlines: list[tuple[str, str]]  # (headline, category)
    sentences: list[str]

    @property
    def ok(self) -> bool:
        return bool(self.headlines) and len(self.sentences) >= 40


def _headline_records(paths: list[Path]) -> Iterator[tuple[str, str]]:
    """Titles of JSON Lines records, bodies or not (a headline collection has no bodies)."""
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*.jsonl")))]
    for f in files:
        with f.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                title = rec.get("title") or rec.get("headline") if isinstance(rec, dict) else None
                if isinstance(title, str) and title.strip():
                    yield title.strip(), str(rec.get("category") or "")


def gather(paths: list[Path]) -> Material:
    """Headlines and sentences from real articles (any format ``khabar reindex`` reads)."""
    headlines: dict[str, str] = {}
    sentences: list[str] = []
    for item in read_corpus(paths):
        if isinstance(item, Article):
            headlines.setdefault(item.title, item.category)
            sentences += [
                s.strip()
                for s in _SENTENCE.split(item.body)
                if MIN_SENTENCE <= len(s.strip()) <= MAX_SENTENCE
            ]
    for title, category in _headline_records(paths):
        headlines.setdefault(title, category)
    usable = [(t, c or "समाचार") for t, c in headlines.items() if len(t) < 300]
    return Material(usable, sentences)


def articles(material: Material, n: int, seed: int = 2026) -> Iterator[dict]:
    rnd = random.Random(seed)
    heads, sents = material.headlines, material.sentences
    for i in range(n):
        title, category = heads[rnd.randrange(len(heads))]
        body = " ".join(sents[rnd.randrange(len(sents))] for _ in range(rnd.randint(8, 40)))
        when = START + timedelta(days=rnd.randrange(SPAN_DAYS), minutes=rnd.randrange(1440))
        yield {
            "id": f"syn-{i:07d}",
            "title": title,
            "body": body,
            "date": when.strftime("%Y-%m-%dT%H:%M:00+05:30"),
            "category": category,
            "source": SOURCES[rnd.randrange(len(SOURCES))],
            "author": AUTHORS[int(rnd.paretovariate(1.2)) % len(AUTHORS)],
        }


def write(material: Material, n: int, path: Path, seed: int = 2026) -> int:
    """Write ``n`` synthetic articles as JSON Lines; returns the bytes of article text written."""
    text_bytes = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for a in articles(material, n, seed):
            text_bytes += len(a["title"].encode()) + len(a["body"].encode())
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    return text_bytes

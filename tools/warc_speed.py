"""How fast Khabar reads a web archive: pages a second through reading and extraction (and,
with --reindex, through a whole `khabar reindex`). Figures only, no pass or fail.

    python -m tools.warc_speed SOURCES ... [--size-mb 1000] [--warc FILE] [--reindex DIR]

SOURCES are files `reindex` reads (as for `khabar bench`): their headlines and sentences make
synthetic stories, rendered in the thirteen page shapes of tools/make_web_pages and padded as
news sites pad their pages (inline scripts and styles, a mega-menu and a footer of links:
about 100 KB of HTML a page), written as a gzipped WARC of SIZE MB (once: an existing FILE is
reused). Every twentieth page is a section front, and every fiftieth story is captured twice.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from indexer.benchmark import corpus as bench
from indexer.ingest import read_corpus
from indexer.records import Article
from tools import make_web_pages as shapes

HOSTS = ["navyugtimes.example", "prabhatsamvad.example", "janpathnews.example", "bharatvarta.example"]


def padding(rnd: random.Random) -> tuple[str, str]:
    """(head, foot) as a news site's template adds them: state and analytics scripts, styles,
    a mega-menu and a footer of links."""
    state = {
        "ads": [{"slot": f"div-gpt-{n}", "sizes": [[300, 250], [728, 90]]} for n in range(60)],
        "trending": [{"id": rnd.randrange(10**6), "title": "समाचार " * 6} for _ in range(80)],
    }
    css = "".join(f".c{n}{{margin:{n % 7}px;padding:{n % 5}px;color:#{n % 999:03d}}}" for n in range(900))
    head = f"<style>{css}</style><script>window.__STATE__={json.dumps(state, ensure_ascii=False)}</script>"
    menu = "".join(f'<li><a href="/section/{n}">विभाग {n}</a></li>' for n in range(150))
    foot = "".join(f'<a href="/topic/{n}">विषय {n}</a> ' for n in range(250))
    return head, f"<div class='mega-menu'><ul>{menu}</ul></div><footer>{foot}</footer>"


def stories(sources: list[Path], seed: int = 2026):  # type: ignore[no-untyped-def]
    material = bench.gather(sources)
    rnd = random.Random(seed)
    for n, a in enumerate(bench.articles(material, 10**9, seed)):
        sentences = a["body"].split("। ")
        paras = ["। ".join(sentences[i : i + 4]).strip() for i in range(0, len(sentences), 4)]
        when = datetime.fromisoformat(a["date"])
        host = HOSTS[n % len(HOSTS)]
        yield (
            Article(
                id=a["id"],
                title=a["title"],
                body="\n\n".join(p for p in paras if p),
                date=when,
                category=a["category"],
                source=a["source"],
                author=a["author"],
                url=f"https://{host}/{when:%Y/%m/%d}/{a['id']}",
                tags=[],
            ),
            rnd,
        )


def make(sources: list[Path], path: Path, size_mb: int) -> int:
    """Write the archive; returns the pages written."""
    makers = list(shapes.SHAPES.values()) + list(shapes.HELD_OUT.values())
    pages = 0
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        start = datetime(2024, 6, 1)
        for n, (a, rnd) in enumerate(stories(sources)):
            head, foot = padding(rnd)
            html = makers[n % len(makers)](a)
            if n % 20 == 19:
                html = shapes.not_articles([a] * 30)[0][1]
            html = html.replace("</head>", head + "</head>", 1).replace("</body>", foot + "</body>", 1)
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            captures = 2 if n % 50 == 7 else 1
            for c in range(captures):
                when = (start + timedelta(seconds=n * 7 + c * 86400)).strftime("%Y-%m-%dT%H:%M:%SZ")
                rec = w.create_warc_record(
                    a.url,
                    "response",
                    payload=io.BytesIO(html.encode()),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": when},
                )
                w.write_record(rec)
                pages += 1
            if n % 500 == 0 and fh.tell() > size_mb * 1024 * 1024:
                break
    os.replace(tmp, path)
    return pages


def per_page(warc: Path, n: int) -> None:
    """CPU ms a page of Khabar's whole extraction, in this process, with each main-text
    extractor, over the archive's first ``n`` pages (three rounds, the best kept)."""
    from indexer.ingest.web.extract import EXTRACTORS
    from indexer.ingest.web.readers import read_page
    from indexer.ingest.web.warc import Captured, read_records

    pages = []
    with warc.open("rb") as fh:
        for rec in read_records(fh):
            if isinstance(rec, Captured) and not rec.feed:
                pages.append(rec)
            if len(pages) >= n:
                break
    kb = sum(len(p.body) for p in pages) / len(pages) / 1024
    for name in EXTRACTORS:
        os.environ["KHABAR_EXTRACTOR"] = name
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            for p in pages:
                read_page(p.number, p.url, p.captured, p.body, p.content_type)
            best = min(best, (time.process_time() - t0) * 1000 / len(pages))
        print(
            f"extraction with {name}: {best:.1f} ms of CPU a page "
            f"({len(pages)} pages of {kb:.0f} KB on average)"
        )
    os.environ.pop("KHABAR_EXTRACTOR", None)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sources", nargs="+", type=Path)
    p.add_argument("--size-mb", type=int, default=1000)
    p.add_argument("--warc", type=Path, default=Path("/tmp/khabar-news.warc.gz"))
    p.add_argument(
        "--reindex", type=Path, help="also index the archive into this (new) folder, --no-semantic"
    )
    p.add_argument("--sample", type=int, default=400, help="pages timed one by one with each extractor")
    args = p.parse_args()
    if not args.warc.exists():
        t0 = time.perf_counter()
        n = make(args.sources, args.warc, args.size_mb)
        print(
            f"wrote {args.warc}: {n} captures, {args.warc.stat().st_size / 1e6:.0f} MB "
            f"in {time.perf_counter() - t0:.0f} s"
        )
    size = args.warc.stat().st_size
    per_page(args.warc, args.sample)
    t0 = time.perf_counter()
    articles = notices = captures = 0
    for item in read_corpus([args.warc]):
        if isinstance(item, Article):
            articles += 1
        elif item.notice:
            notices += 1
    seconds = time.perf_counter() - t0
    captures = articles + notices
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"read and extracted: {captures} pages in {seconds:.1f} s = {captures / seconds:.0f} pages/s "
        f"({size / 1e6 / seconds:.1f} MB/s compressed), {articles} articles, {notices} left out; "
        f"peak memory of the reading process {rss:.0f} MB; {os.cpu_count()} cores"
    )
    if args.reindex:
        cmd = [
            sys.executable,
            "-m",
            "indexer.cli",
            "reindex",
            str(args.warc),
            "--index",
            str(args.reindex),
            "--no-semantic",
            "--full",
        ]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - t0
        print(
            f"khabar reindex --no-semantic: {captures} pages in {seconds:.1f} s "
            f"= {captures / seconds:.0f} pages/s"
        )


if __name__ == "__main__":
    main()

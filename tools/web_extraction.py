"""How well each library gets the article out of our judged pages (tests/fixtures/web): the
figures of docs/ingestion.md.

    python -m tools.web_extraction [JUDGED_DIR]

For every article page: headline, date and author exact-match rates, and the body's token F1
(words as ICU breaks them) against what was judged; for the pages that are not articles, how
many each one would have indexed. Compared: Khabar (trafilatura's main text with Khabar's own
metadata, byline and date reading, and its article-or-not verdict), trafilatura alone
(``bare_extraction`` with metadata), htmldate alone (dates), and resiliparse's main-content
text. Khabar runs with each of the two main-text extractors it can use (``KHABAR_EXTRACTOR``).
Also the time a page takes each.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.analysis.tokenize import word_texts
from indexer.ingest.web.charset import decode_page
from indexer.ingest.web.extract import extract

REPO = Path(__file__).resolve().parent.parent


def f1(got: str, want: str) -> float:
    a, b = Counter(word_texts(got or "")), Counter(word_texts(want))
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def khabar(html: str) -> dict[str, Any]:
    e = extract(html)
    return {
        "title": e.title,
        "date": f"{e.date:%Y-%m-%d}" if e.date else None,
        "author": e.author,
        "body": e.body,
        "article": e.not_article is None,
    }


def khabar_with(name: str) -> Callable[[str], dict[str, Any]]:
    def run(html: str) -> dict[str, Any]:
        os.environ["KHABAR_EXTRACTOR"] = name
        try:
            return khabar(html)
        finally:
            os.environ.pop("KHABAR_EXTRACTOR", None)

    return run


def trafilatura_alone(html: str) -> dict[str, Any]:
    import trafilatura

    d = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    d = d.as_dict() if d is not None and hasattr(d, "as_dict") else (d or {})
    return {
        "title": d.get("title"),
        "date": d.get("date"),
        "author": d.get("author"),
        "body": d.get("text") or "",
        "article": bool(d.get("text")),
    }


def htmldate_alone(html: str) -> dict[str, Any]:
    from htmldate import find_date

    return {"date": find_date(html, original_date=True, extensive_search=True)}


def resiliparse_alone(html: str) -> dict[str, Any]:
    from resiliparse.extract.html2text import extract_plain_text

    return {"body": extract_plain_text(html, main_content=True)}


def main(folder: Path) -> None:
    judged = [json.loads(line) for line in (folder / "judged.jsonl").read_text(encoding="utf-8").splitlines()]
    pages = {j["file"]: decode_page((folder / "pages" / j["file"]).read_bytes())[0] for j in judged}
    tools: list[tuple[str, Callable[[str], dict[str, Any]]]] = [
        ("Khabar, resiliparse's main text (the default)", khabar_with("resiliparse")),
        ("Khabar, trafilatura's main text", khabar_with("trafilatura")),
        ("trafilatura 2.3 alone", trafilatura_alone),
        ("htmldate 1.11 alone", htmldate_alone),
        ("resiliparse 2.0 main content alone", resiliparse_alone),
    ]
    articles = [j for j in judged if j["article"]]
    others = [j for j in judged if not j["article"]]
    print(
        f"{len(articles)} judged article pages in {len({j['shape'] for j in articles})} shapes, "
        f"{len(others)} pages that are not articles ({folder})\n"
    )
    print(
        "| | headline exact | date exact | author exact | body F1 (mean / min) "
        "| not articles indexed | ms a page |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, fn in tools:
        got = {}
        t0 = time.perf_counter()
        for j in judged:
            got[j["file"]] = fn(pages[j["file"]])
        ms = (time.perf_counter() - t0) * 1000 / len(judged)

        def rate(field: str, got: dict = got) -> str:
            if field not in got[articles[0]["file"]]:
                return "—"
            hits = sum(1 for j in articles if (got[j["file"]].get(field) or None) == j[field])
            return f"{hits / len(articles):.1%} ({hits}/{len(articles)})"

        body = "—"
        if "body" in got[articles[0]["file"]]:
            scores = [f1(got[j["file"]]["body"], j["body"]) for j in articles]
            body = f"{sum(scores) / len(scores):.3f} / {min(scores):.3f}"
        wrong = "—"
        if "article" in got[articles[0]["file"]]:
            wrong = f"{sum(1 for j in others if got[j['file']]['article'])} of {len(others)}"
        print(
            f"| {name} | {rate('title')} | {rate('date')} | {rate('author')} | {body} | {wrong} | {ms:.1f} |"
        )
    print()
    by_shape: dict[str, list[float]] = {}
    for j in articles:
        by_shape.setdefault(j["shape"], []).append(f1(khabar(pages[j["file"]])["body"], j["body"]))
    print(
        "Khabar's body F1 by page shape: "
        + ", ".join(f"{k} {sum(v) / len(v):.3f}" for k, v in by_shape.items())
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "tests" / "fixtures" / "web")

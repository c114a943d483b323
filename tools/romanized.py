"""Measure romanised (Hinglish) search: does `corona` find the articles that say कोरोना?

    python -m tools.romanized ../shared/corpora/bbc-hindi-test/docs.jsonl \\
        ../shared/corpora/covid5papers/docs.jsonl [--queries tools/romanized_queries.tsv]

Each query line gives a Latin word and the Devanagari spellings of that word. An article is
relevant when it contains one of those spellings (any inflection: the index's own analysis
decides). For every query it reports precision of the top 10 and recall over all results,
searching through the real SearchService; queries with no relevant article are left out.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from indexer.analysis import analyze_word, terms
from indexer.build import reindex
from indexer.ingest import Article, read_corpus
from indexer.search import SearchRequest, SearchService

QUERIES = Path(__file__).parent / "romanized_queries.tsv"
ALL = 100_000  # more than any corpus here: "all results" for recall


def load(path: Path) -> list[tuple[str, list[str], bool]]:
    """(Latin word, its Devanagari spellings, whether it is an English word)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            latin, spellings, *flag = line.split("\t")
            out.append((latin.strip(), spellings.split(), flag == ["en"]))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpora", nargs="+", type=Path)
    p.add_argument("--queries", type=Path, default=QUERIES)
    p.add_argument("--verbose", action="store_true", help="one line per query")
    args = p.parse_args(argv)
    missing = [c for c in args.corpora if not c.exists()]
    if missing:
        print(f"skipped: {', '.join(map(str, missing))} not found", file=sys.stderr)
        return 0
    queries = load(args.queries)
    # Which articles hold which index terms, to judge relevance the way the index reads words.
    holders: dict[str, set[str]] = {}
    for item in read_corpus(args.corpora):
        if isinstance(item, Article):
            for t in terms(item.title + "\n" + item.body):
                holders.setdefault(t.text, set()).add(item.id)
    with tempfile.TemporaryDirectory(prefix="khabar-romanized-") as tmp:
        reindex(args.corpora, Path(tmp))
        service = SearchService(Path(tmp))
        precisions, recalls, rows, english = [], [], [], []
        for latin, spellings, is_english in queries:
            # The word as typed, in Latin letters, is relevant wherever an article prints it so.
            relevant = set().union(*(holders.get(analyze_word(s)[0], set()) for s in [*spellings, latin]))
            if not relevant:
                continue
            result = service.search(SearchRequest(q=latin, per_page=100, snippets=False))
            got = [h.id for h in result.hits]
            top = got[:10]
            everything = list(got)
            for page in range(2, -(-result.total // 100) + 1):
                more = service.search(SearchRequest(q=latin, per_page=100, page=page, snippets=False))
                everything += [h.id for h in more.hits]
            precision = sum(d in relevant for d in top) / len(top) if top else 0.0
            recall = len(relevant.intersection(everything)) / len(relevant)
            precisions.append(precision)
            recalls.append(recall)
            english.append(is_english)
            matched = ", ".join(f for forms in result.transliterations.values() for f in forms)
            rows.append(
                f"{latin:16s} P@10 {precision:.2f} recall {recall:.2f} ({len(relevant)} rel.) -> {matched}"
            )
    if args.verbose:
        print("\n".join(rows))
    n = len(precisions)
    print(f"{n} queries: precision@10 {sum(precisions) / n:.3f}, recall {sum(recalls) / n:.3f}")
    en = [i for i in range(n) if english[i]]
    if en:
        p_en = sum(precisions[i] for i in en) / len(en)
        r_en = sum(recalls[i] for i in en) / len(en)
        print(f"{len(en)} of them English words: precision@10 {p_en:.3f}, recall {r_en:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

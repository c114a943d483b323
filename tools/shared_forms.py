"""Question words that their answer paragraph holds only in another form (docs/relevance.md,
issue 13): how many the light stemmer misses, and how many Lucene's stemmer, the protected
classes and the query-time other forms would meet.

    python -m tools.shared_forms ../shared/corpora/xquad-r-hi
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from indexer.analysis import normalize as norm
from indexer.analysis.forms import other_forms
from indexer.analysis.pipeline import DEFAULT, pipeline
from indexer.analysis.stem import lucene_letters_stem
from indexer.analysis.tokenize import words
from indexer.evaluation import load_qrels, load_queries
from tools.variants import lucene_stem

RULES = tuple(r for r in norm.RULES if r.__name__ in DEFAULT.rules)


def content_words(text: str) -> list[tuple[str, str]]:
    """(normalised word, index term) of every word that is not a stopword."""
    analyze = pipeline().analyze_word
    out = []
    for w in words(text):
        term, stop = analyze(w.text)
        if term and not stop:
            out.append((norm.normalize(w.text, RULES), term))
    return out


def _shared_start(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def main(xquad: Path) -> None:
    if not xquad.exists():
        print(f"skipped: {xquad} does not exist", file=sys.stderr)
        return
    docs = {}
    with open(xquad / "docs.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs[d["id"]] = content_words(f"{d.get('title', '')}\n{d.get('body', '')}")
    queries, qrels = load_queries(xquad / "queries.tsv"), load_qrels(xquad / "qrels.txt")
    analyze = pipeline().analyze_word
    count: Counter[str] = Counter()
    endings: Counter[tuple[str, str]] = Counter()
    for qid, text in queries:
        answer = docs[next(iter(qrels[qid]))]
        terms = {t for _, t in answer}
        by_lucene = {lucene_stem(w): w for w, _ in answer}
        by_letters = {lucene_letters_stem(w) for w, _ in answer}
        for word, term in content_words(text):
            count["question words"] += 1
            if term in terms:
                continue
            count["missing from the answer (light stemmer)"] += 1
            if lucene_stem(word) in by_lucene:
                count["met by Lucene's stemmer"] += 1
                other = by_lucene[lucene_stem(word)]
                same = _shared_start(word, other)
                endings[(word[same:] or "-", other[same:] or "-")] += 1
            if lucene_letters_stem(word) in by_letters:
                count["met by the protected classes (vowel endings kept on stems under 3 letters)"] += 1
            if other_forms(term, analyze, lucene_letters_stem) & terms:
                count["met by the query-time other forms"] += 1
    for name, n in count.items():
        print(f"{name}: {n}")
    print("endings told apart (question / paragraph), the commonest:")
    for (a, b), n in endings.most_common(12):
        print(f"  {a} / {b}: {n}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora/xquad-r-hi"))

"""Articles found by rare candra spellings with and without their common variant (issue 13).

python -m tools.candra_variants INDEX   # an index of bbc-hindi-test + covid5papers
"""

from __future__ import annotations

import sys
from dataclasses import replace

from indexer.ranking import DEFAULT_RANKING
from indexer.search import SearchRequest, SearchService

WORDS = ["डाक्टर", "डॉक्टर", "कालेज", "कॉलेज", "आफिस", "ऑफिस", "हास्पिटल", "हॉस्पिटल", "लाकडाउन",
         "लॉकडाउन", "शापिंग", "शॉपिंग"]  # fmt: skip


def main(index: str) -> None:
    on = SearchService(index)
    off = SearchService(index, replace(DEFAULT_RANKING, variant_weight=0))
    print("| typed | articles without | with | added |\n|---|---|---|---|")
    for w in WORDS:
        a, b = off.search(SearchRequest(q=w)), on.search(SearchRequest(q=w))
        added = [v for forms in b.variants.values() for v in forms]
        print(f"| `{w}` | {a.total} | {b.total} | {', '.join(added) or '—'} |")


if __name__ == "__main__":
    main(sys.argv[1])

"""Autocomplete: completions of what a reader is typing, from the headlines in the index.

Built once per index generation from the stored titles: every headline word (as written, and
normalised for matching), how many headlines use it, and which headlines. A keystroke is then
a binary search and a few set intersections: no index search at all.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from indexer.analysis.pipeline import Pipeline
from indexer.analysis.tokenize import words
from indexer.romanize import is_latin_word, key, latin_variants

SCAN_LIMIT = 3000  # prefix matches looked at per keystroke (a one-letter prefix matches many)


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # "query": a completed query; "title": a headline, with its article id
    id: str | None = None


class Suggester:
    def __init__(self, titles: Iterable[tuple[str, str]], pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.titles: list[tuple[str, str]] = []  # (id, headline)
        surface: dict[str, Counter[str]] = defaultdict(Counter)  # normalised -> written forms
        self.postings: dict[str, set[int]] = defaultdict(set)  # normalised word -> headlines
        self.by_term: dict[str, set[int]] = defaultdict(set)  # index term -> headlines
        for article_id, title in titles:
            n = len(self.titles)
            self.titles.append((article_id, title))
            for w in words(title):
                term, stop = pipeline.analyze_word(w.text)
                self.by_term[term].add(n)
                if stop:
                    continue  # never offer का or किया as a completion
                norm = pipeline.normalize(w.text)
                surface[norm][w.text] += 1
                self.postings[norm].add(n)
        self.count = {w: len(ids) for w, ids in self.postings.items()}
        self.written = {w: forms.most_common(1)[0][0] for w, forms in surface.items()}
        self.sorted_words = sorted(self.postings)
        self.sorted_keys = sorted((key(w), w) for w in self.postings if not is_latin_word(w))
        self.term_keys: dict[str, set[int]] = defaultdict(set)  # sound-alike key of a term -> headlines
        for term, ids in self.by_term.items():
            if not is_latin_word(term):
                self.term_keys[key(term)] |= ids

    def _completions(self, partial: str) -> list[str]:
        """Headline words starting with ``partial`` (or sounding like it, for Latin input)."""
        norm = self.pipeline.normalize(partial)
        found: set[str] = set()
        i = bisect.bisect_left(self.sorted_words, norm)
        for w in self.sorted_words[i : i + SCAN_LIMIT]:
            if not w.startswith(norm):
                break
            found.add(w)
        if is_latin_word(norm):
            k = key(norm)
            j = bisect.bisect_left(self.sorted_keys, (k, ""))
            for wk, w in self.sorted_keys[j : j + SCAN_LIMIT]:
                if not wk.startswith(k):
                    break
                found.add(w)
        return sorted(found, key=lambda w: (-self.count[w], w))

    def _headlines_with(self, word: str) -> set[int]:
        """Headlines holding any form of a finished word; for Latin letters, its sound-alikes."""
        term, stop = self.pipeline.analyze_word(word)
        if stop:
            return set()
        found = self.by_term.get(term, set())
        if not found and is_latin_word(term):
            found = set().union(*(self.term_keys.get(key(v), set()) for v in latin_variants(term)))
        return found

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """Up to ``limit`` suggestions: completed queries first, then matching headlines.

        Finished words (those followed by a space) must all occur in a suggested headline;
        the word being typed is completed from headline words. Words no headline holds are
        passed over rather than ending all suggestions.
        """
        typed = list(words(text))
        if not typed:
            return []
        finished = typed if text[-1:].isspace() else typed[:-1]
        partial = None if text[-1:].isspace() else typed[-1]
        # Finished words match any form of the word (किसान finds किसानों); stopwords add nothing.
        known = [ids for w in finished if (ids := self._headlines_with(w.text))]
        common = set.intersection(*known) if known else None

        out: list[Suggestion] = []
        headlines: list[int] = []
        if partial is None:
            headlines = sorted(common or ())
        else:
            head = text[: partial.start]
            for w in self._completions(partial.text):
                ids = self.postings[w] if common is None else self.postings[w] & common
                if not ids:
                    continue
                if len(out) < limit // 2:
                    out.append(Suggestion(head + self.written[w], "query"))
                headlines.extend(sorted(ids))
                if len(headlines) >= limit and len(out) >= limit // 2:
                    break
        if not out and partial is not None and common is None:
            headlines = sorted(self._headlines_with(partial.text))  # a stopword being typed: में
        elif not out and partial is not None:
            headlines = sorted(common)
        seen: set[int] = set()
        for n in headlines:
            if len(out) >= limit:
                break
            if n not in seen:
                seen.add(n)
                article_id, title = self.titles[n]
                out.append(Suggestion(title, "title", article_id))
        return out

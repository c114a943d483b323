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

import numpy as np

from indexer.analysis.pipeline import Pipeline
from indexer.analysis.tokenize import words
from indexer.romanize import is_latin_word, key, latin_variants

_NONE = np.zeros(0, dtype=np.int32)
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
        postings: dict[str, list[int]] = defaultdict(list)  # normalised word -> headlines
        by_term: dict[str, list[int]] = defaultdict(list)  # index term -> headlines
        seen_titles: dict[str, list[tuple[str, str, str, bool]]] = {}  # the same headline, analysed once
        for article_id, title in titles:
            n = len(self.titles)
            self.titles.append((article_id, title))
            analysed = seen_titles.get(title)
            if analysed is None:
                analysed = seen_titles[title] = [
                    (w.text, pipeline.normalize(w.text), *pipeline.analyze_word(w.text)) for w in words(title)
                ]
            for written, norm, term, stop in analysed:
                by_term[term].append(n)
                if not stop:  # never offer का or किया as a completion
                    surface[norm][written] += 1
                    postings[norm].append(n)
        # Headline numbers as sorted arrays: a word repeated in one headline counts once.
        self.postings = {w: np.unique(np.array(ids, dtype=np.int32)) for w, ids in postings.items()}
        self.by_term = {t: np.unique(np.array(ids, dtype=np.int32)) for t, ids in by_term.items()}
        self.count = {w: len(ids) for w, ids in self.postings.items()}
        self.written = {w: forms.most_common(1)[0][0] for w, forms in surface.items()}
        self.sorted_words = sorted(self.postings)
        self.sorted_keys = sorted((key(w), w) for w in self.postings if not is_latin_word(w))
        term_keys: dict[str, list[np.ndarray]] = defaultdict(list)  # sound-alike key of a term -> headlines
        for term, ids in self.by_term.items():
            if not is_latin_word(term):
                term_keys[key(term)].append(ids)
        self.term_keys = {k: np.unique(np.concatenate(v)) for k, v in term_keys.items()}

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

    def _headlines_with(self, word: str) -> np.ndarray:
        """Headlines holding any form of a finished word; for Latin letters, its sound-alikes."""
        term, stop = self.pipeline.analyze_word(word)
        if stop:
            return _NONE
        found = self.by_term.get(term, _NONE)
        if not len(found) and is_latin_word(term):
            parts = [self.term_keys[k] for v in latin_variants(term) if (k := key(v)) in self.term_keys]
            found = np.unique(np.concatenate(parts)) if parts else _NONE
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
        known = [ids for w in finished if len(ids := self._headlines_with(w.text))]
        common = None
        for ids in known:
            common = ids if common is None else np.intersect1d(common, ids, assume_unique=True)

        out: list[Suggestion] = []
        headlines: list[int] = []
        if partial is None:
            headlines = [] if common is None else common.tolist()
        else:
            head = text[: partial.start]
            for w in self._completions(partial.text):
                ids = self.postings[w] if common is None else np.intersect1d(self.postings[w], common, True)
                if not len(ids):
                    continue
                if len(out) < limit // 2:
                    out.append(Suggestion(head + self.written[w], "query"))
                headlines.extend(ids[:limit].tolist())
                if len(headlines) >= limit and len(out) >= limit // 2:
                    break
        if not out and partial is not None and common is None:
            headlines = self._headlines_with(partial.text)[:limit].tolist()  # a stopword being typed: में
        elif not out and partial is not None:
            headlines = common[:limit].tolist()
        seen: set[int] = set()
        for n in headlines:
            if len(out) >= limit:
                break
            if n not in seen:
                seen.add(n)
                article_id, title = self.titles[n]
                out.append(Suggestion(title, "title", article_id))
        return out

"""What the index knows about its own words: sound-alike keys, spelling neighbours, surface forms.

Built from an engine snapshot's vocabulary (once per index generation, shared by the service's
threads), it answers the questions the search service asks about a query word that matches little:
which Devanagari words sound like this Latin one, which known words are a letter away, and
how is this (stemmed) index term written in the articles.
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from indexer import patterns
from indexer.analysis.forms import other_forms
from indexer.caches import Cache
from indexer.engines.base import Snapshot
from indexer.patterns import Budget, Found
from indexer.query.tree import TEXT_FIELDS, Pattern, Terms
from indexer.romanize import english_respellings, has_devanagari, is_latin_word, key, latin_variants
from indexer.spelling import Neighbour, neighbours, written_variants

# Longer words get no spelling help: the longest Hindi words run to about 20 letters, and the
# Levenshtein automaton behind the neighbour search costs seconds for a word of hundreds.
MAX_WORD_CHARS = 40
MORE_COMMON_FACTOR = 10  # how much more common a spelling must be to be suggested over a known one
MIN_KEY_FUZZ = 4  # keys shorter than this only match exactly: too many near neighbours
RARE_ALIKE = 0.05  # sound-alikes in under this share of the top one's articles are dropped
FORMS_CACHE = 100_000  # terms whose other inflections are kept per generation
SURFACE_CACHE = 100_000  # terms whose written form is kept per generation
PATTERNS_CACHE = 1_000  # patterns whose terms are kept per generation
VARIANT_RATIO = 3  # a candra variant this many times more common than the typed form also matches


def _deletions(k: str) -> set[str]:
    return {k[:i] + k[i + 1 :] for i in range(len(k))}


def _within_one(a: str, b: str) -> bool:
    """Levenshtein distance of at most one."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class SoundIndex:
    """Index terms grouped by sound-alike key, with a deletion index for one-letter-off keys.

    Built once per index generation and shared by threads (it is only read after building).
    """

    def __init__(self, vocabulary: Iterable[str]) -> None:
        by_key: dict[str, set[str]] = defaultdict(set)
        for term in vocabulary:
            if len(term) <= MAX_WORD_CHARS and (is_latin_word(term) or has_devanagari(term)):
                k = key(term)
                if len(k) >= 2:
                    by_key[k].add(term)
        deletes: dict[str, set[str]] = defaultdict(set)
        for k in by_key:
            if len(k) >= MIN_KEY_FUZZ:
                for d in _deletions(k):
                    deletes[d].add(k)
        self.by_key = {k: tuple(sorted(v)) for k, v in by_key.items()}
        self.deletes = dict(deletes)

    def terms_like(self, word: str, accept: Callable[[str], bool]) -> set[str]:
        """Accepted terms whose key equals the key of ``word`` or of the word without a Hindi
        ending (index terms are stemmed), or, failing both, is one letter away."""
        latin = is_latin_word(word)
        # A Latin word may be Hindi typed as it sounds (sarkar; also without a Hindi ending, as
        # index terms are stems: yuvaon -> yuv) or an English word (mobile -> mobail): both
        # readings are looked up, and the caller keeps the common matches. English readings
        # lose a Hindi-looking ending only when nothing else matched (media -> midiy, मीडिय):
        # stripped, they meet unrelated words (kisan -> kaisain -> kais, केस).
        english = english_respellings(word) if latin else []
        stages = [[*latin_variants(word), *english] if latin else [word]]
        if english:
            stages.append([v for r in english for v in latin_variants(r)[1:]])
        for stage in stages:
            found = {t for k in dict.fromkeys(map(key, stage)) for t in self.by_key.get(k, ()) if accept(t)}
            if found:
                return found
        readings = [word, *english]
        near: set[tuple[str, str]] = set()
        for k in dict.fromkeys(key(r) for r in readings):
            if len(k) < MIN_KEY_FUZZ:
                continue
            near.update((c, k) for c in self.deletes.get(k, ()))
            for d in _deletions(k):
                if d in self.by_key:
                    near.add((d, k))
                near.update((c, k) for c in self.deletes.get(d, ()))
        return {t for c, k in near if _within_one(c, k) for t in self.by_key[c] if accept(t)}


class Vocabulary:
    """One search's view: a thread's snapshot, the generation's shared SoundIndex and surface cache.

    Spelling neighbours are looked up once per word and search (``misspelt`` and
    ``more_common_spelling`` share them), and never for words too long to be misspelt words.
    """

    def __init__(
        self,
        snapshot: Snapshot,
        sounds: Callable[[], SoundIndex],
        surface: Cache[str, str] | None = None,
        doc_count: Callable[[], int] | None = None,
        forms: Cache[str, list[tuple[str, int]]] | None = None,
        patterns: Cache[tuple[str, tuple[str, ...]], Found] | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.doc_count = doc_count or snapshot.doc_count
        self.pipeline = snapshot.pipeline
        self._sounds = sounds  # built on first use: only romanised queries need it
        # How terms are written, and their other inflections (some 50 candidate spellings to look
        # up per term): kept for the generation, shared by threads.
        self.surface_cache: Cache[str, str] = surface if surface is not None else Cache(SURFACE_CACHE)
        self.forms_cache: Cache[str, list[tuple[str, int]]] = (
            forms if forms is not None else Cache(FORMS_CACHE)
        )
        self.patterns_cache: Cache[tuple[str, tuple[str, ...]], Found] = (
            patterns if patterns is not None else Cache(PATTERNS_CACHE)
        )
        self._df: dict[str, int] = {}
        self._near: dict[str, list[Neighbour]] = {}
        self._budget = Budget()  # the work this search's patterns may do
        self.patterns_truncated = False  # a pattern stood for more terms than were searched
        self.fields: tuple[str, ...] = TEXT_FIELDS  # the fields whose words count
        self._views: dict[tuple[str, ...], Vocabulary] = {self.fields: self}

    def within(self, fields: tuple[str, ...]) -> Vocabulary:
        """The same search's view of the words of ``fields`` only (``title:आदोलन`` is helped by
        the spellings titles hold, not bodies): its own frequencies, the same shared tables."""
        fields = tuple(f for f in fields if f in TEXT_FIELDS) or TEXT_FIELDS
        view = self._views.get(fields)
        if view is None:
            view = copy.copy(self)
            view.fields, view._df, view._near = fields, {}, {}
            self._views[fields] = view
        return view

    def stands_for(self, pattern: Pattern) -> Terms:
        """The index terms (or facet values) ``pattern`` stands for (``indexer.patterns``); kept
        for the generation unless this search's budget cut the look-up short."""
        key = (pattern.pattern, pattern.fields)
        found = self.patterns_cache.get(key)
        if found is None:
            found = patterns.stands_for(pattern, self.snapshot, self._budget)
            if found.complete:
                self.patterns_cache.put(key, found)
        self.patterns_truncated |= found.truncated
        return Terms(found.terms, pattern.fields, pattern.boost, pattern.pattern)

    def doc_frequency(self, term: str) -> int:
        found = self._df.get(term)
        if found is None:
            found = self._df[term] = self.snapshot.doc_frequency(term, self.fields)
        return found

    def prefetch(self, terms: Iterable[str]) -> None:
        """Look the document frequencies of ``terms`` up at once: on a cluster each look-up is a
        round trip, and a query asks for several."""
        missing = [t for t in dict.fromkeys(terms) if t not in self._df]
        if missing:
            self._df.update(self.snapshot.doc_frequencies(missing, self.fields))

    def _neighbours(self, term: str) -> list[Neighbour]:
        """The three nearest spellings of ``term`` in the index (cached for this search)."""
        found = self._near.get(term)
        if found is None:
            if len(term) > MAX_WORD_CHARS:
                found = []  # no word is this long; the automaton would take seconds to say so
            else:

                def candidates(word: str, maxdist: int) -> list[str]:
                    near = list(self.snapshot.terms_near(word, maxdist))
                    self.prefetch(near)
                    return near

                found = neighbours(term, candidates, self.doc_frequency, doc_count=self.doc_count())
            self._near[term] = found
        return found

    def sound_alikes(self, word: str, devanagari: bool) -> list[tuple[str, int]]:
        """Terms in the other script that sound like ``word``, most frequent first, with their df.

        Sound-alikes far rarer than the most common one are dropped: they are mostly other
        words that happen to share the key (दिल्ली's ढीली).
        """
        script = has_devanagari if devanagari else is_latin_word
        found = self._sounds().terms_like(word, lambda t: t != word and script(t))
        self.prefetch(found)
        ranked = sorted(((t, self.doc_frequency(t)) for t in found), key=lambda x: (-x[1], x[0]))
        top = ranked[0][1] if ranked else 0
        return [(t, df) for t, df in ranked if df > 0 and df >= top * RARE_ALIKE]

    def misspelt(self, term: str) -> list[Neighbour]:
        """Spelling neighbours of a term no title or body holds; [] for a known term."""
        if self.doc_frequency(term):
            return []
        return self._neighbours(term)

    def common_variants(self, term: str) -> list[tuple[str, int]]:
        """Candra variants of ``term`` (डाक्टर: डॉक्टर) at least VARIANT_RATIO times as common
        as it, most common first, with their df."""
        variants = written_variants(term)
        if not variants:
            return []
        self.prefetch([term, *variants])
        least = max(VARIANT_RATIO * self.doc_frequency(term), 1)
        found = [(v, self.doc_frequency(v)) for v in variants]
        return sorted(((v, df) for v, df in found if df >= least), key=lambda x: (-x[1], x[0]))

    def prefetch_forms(self, terms: Iterable[str], strong: Callable[[str], str]) -> None:
        """Find the other forms of all ``terms`` at once: their candidates' frequencies in one
        look-up (one round trip on a cluster, rather than one per word)."""
        self._forms(list(terms), strong)

    def other_forms(self, term: str, strong: Callable[[str], str]) -> list[tuple[str, int]]:
        """The index terms of ``term``'s other inflections (``forms.other_forms``) that some
        article holds, most common first, with their df."""
        return self._forms([term], strong).get(term, [])

    def _forms(self, terms: list[str], strong: Callable[[str], str]) -> dict[str, list[tuple[str, int]]]:
        if self.pipeline.options.stemmer != "light":
            return {}  # the classes are of words the light stemmer leaves apart
        out: dict[str, list[tuple[str, int]]] = {}
        todo: dict[str, set[str]] = {}
        for t in terms:
            known = self.forms_cache.get(f"{strong.__name__}:{','.join(self.fields)}:{t}")
            if known is None:
                todo[t] = other_forms(t, self.pipeline.analyze_word, strong)
            else:
                out[t] = known
        if todo:
            self.prefetch(c for candidates in todo.values() for c in candidates)
            for t, candidates in todo.items():
                held = [(c, df) for c in candidates if (df := self.doc_frequency(c))]
                out[t] = sorted(held, key=lambda x: (-x[1], x[0]))
                self.forms_cache.put(f"{strong.__name__}:{','.join(self.fields)}:{t}", out[t])
        return out

    def more_common_spelling(self, term: str) -> str | None:
        """A neighbour of a known but rare term that is far more common (किसन -> किसान)."""
        df = self.doc_frequency(term)
        near = self._neighbours(term)
        if near and near[0].doc_frequency >= max(MORE_COMMON_FACTOR * df, 1):
            return near[0].term
        return None

    def surface_form(self, term: str) -> str:
        """How ``term`` (index terms are stemmed) is written in the articles (three that hold it,
        read only when the generation has not been asked before): among the forms used at least
        a third as often as the commonest, the shortest (किसान over किसानों, but कोरोना over a
        stray कोरोन)."""
        known = self.surface_cache.get(term)
        if known is not None:
            return known
        seen: Counter[str] = Counter()
        for text in self.snapshot.texts_with(term, 3):
            seen.update(text[t.start : t.end] for t in self.pipeline.terms(text) if t.text == term)
        found = term
        if seen:
            top = seen.most_common(1)[0][1]
            found = min((f for f, n in seen.items() if 3 * n >= top), key=lambda f: (len(f), -seen[f], f))
        self.surface_cache.put(term, found)
        return found

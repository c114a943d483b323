"""How results are scored: the knobs measured in docs/relevance.md, the same for every engine."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RankingOptions:
    """The defaults are what docs/relevance.md measured best."""

    # 1.5 since issue 13: 2.0 lost 0.019 nDCG@10 on our known-item set against 1.5, and nothing
    # on either XQuAD fold; 1.0 gains a little more there but no longer ranks a headline match
    # above the same word in a body (tests/test_search.py), which a news reader expects.
    title_boost: float = 1.5
    body_boost: float = 1.0
    bm25_b: float = 0.5
    bm25_k1: float = 0.9
    idf: str = "bm25"  # "bm25": Robertson/Lucene idf; "whoosh": Whoosh's log(N/(n+1)) + 1
    # A word the index does not know also matches its nearest spellings (grapheme edits), at this weight.
    spelling_weight: float = 0.8
    # A Latin word that matches little also matches Devanagari words that sound alike, at this weight.
    romanized_weight: float = 0.5
    romanized_max: int = 4  # sound-alike spellings added per word
    # A Devanagari word also matches Latin words that sound alike (सुपर: Super), at this weight.
    cross_script_weight: float = 0.5
    # A rare spelling also matches its far more common candra variant (डाक्टर: डॉक्टर), at this
    # weight (below 1: the spelling typed ranks first).
    variant_weight: float = 0.9
    # A word also matches its other inflections (खेलते: खेलने, खेल; पहली: पहला), at this weight:
    # the classes of Lucene's stemmer with vowel endings kept on stems under three letters
    # (किमी ≠ किम), over the light stemmer's terms (``analysis/forms.py``). Only forms at least as
    # common as the word typed (its rare forms are mostly noise) and in at most a fifth of the
    # articles (कहानी, story, is not cut to the everyday कहा, said). docs/relevance.md, issue 13.
    form_weight: float = 0.5
    form_ratio: float = 1.0  # a form's df must be at least this share of the typed word's
    form_max_share: float = 0.2  # and at most this share of the articles

    @property
    def boosts(self) -> dict[str, float]:
        """Weight of a word found in each text field (facet fields filter, they do not score)."""
        return {"title": self.title_boost, "body": self.body_boost}


DEFAULT_RANKING = RankingOptions()

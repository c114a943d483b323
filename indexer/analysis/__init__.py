"""Hindi text analysis: a chain of small pure functions, glued to Whoosh in ``analyzer``.

tokenize  - ICU word breaking with Python string offsets
normalize - one function per normalisation rule
stopwords - Hindi function words
stem      - a light Hindi suffix stemmer
graphemes - grapheme-cluster boundaries, for cutting snippets safely
"""

from indexer.analysis.pipeline import analyze_word, terms

__all__ = ["analyze_word", "terms"]

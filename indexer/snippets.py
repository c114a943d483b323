"""Snippets: a ~200-character window of the body around the matched words, with the matches marked.

Cuts fall on word boundaries (which ICU only places between grapheme clusters), or, inside an
over-long word, on a grapheme boundary: never between a consonant and its matra.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from indexer.analysis.graphemes import ceil_boundary, floor_boundary
from indexer.analysis.pipeline import Term, terms

SNIPPET_CHARS = 200
LEAD_CHARS = 40  # context shown before the first match
# Only the start of a very long body is searched for a window; the rest is never shown anyway.
SCAN_LIMIT = 100_000
# Text analysed at a time while looking for the window: small first (the words are usually in
# the lead), twice as much each time after (a long scan sets few texts to the word breaker).
FIRST_CHUNK = 400
LAST_CHUNK = 6_400
# A query word with a term this long is never taken as absent from a body by the article's kept
# words (``written``): those leave out spellings over indexer.words.MAX_WORD_CHARS (200), and a
# spelling loses characters to normalisation (ZWJ, nukta) on its way to its term.
WRITTEN_TERM_CHARS = 100
ELLIPSIS = "…"

Matcher = Callable[[str], bool]
# The index's analysis chain (text, offset of its first character), so marks meet index terms.
Analyze = Callable[[str, int], list[Term]]
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    fragments: tuple[tuple[str, bool], ...]  # (text, is a match)

    def html(self) -> str:
        return "".join(
            f"<mark>{html.escape(t)}</mark>" if hit else html.escape(t) for t, hit in self.fragments
        )

    def text(self, mark: Callable[[str], str] = lambda s: s) -> str:
        return "".join(mark(t) if hit else t for t, hit in self.fragments)

    @property
    def has_match(self) -> bool:
        return any(hit for _, hit in self.fragments)


def _fragments(text: str, start: int, end: int, matches: list[Term]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    pos = start
    for m in matches:
        if m.start < start or m.end > end:
            continue
        if m.start > pos:
            out.append((text[pos : m.start], False))
        out.append((text[m.start : m.end], True))
        pos = m.end
    if pos < end:
        out.append((text[pos:end], False))
    return out


class _Marker:
    """Finds the words to mark as a text is read, chunk by chunk: each word the matcher marks,
    and the words of each of its phrases (``matcher.phrases``) where they stand side by side
    among the words that are not stopwords, as the index counts positions."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.phrases: tuple[tuple[str, ...], ...] = getattr(matcher, "phrases", ())
        self.longest = max((len(p) for p in self.phrases), default=0)
        self.kept: list[Term] = []  # the words read so far that are not stopwords
        self.marked: set[int] = set()  # positions in ``kept`` marked

    def feed(self, tokens: list[Term]) -> list[Term]:
        """The words of ``tokens`` (or of the few before them, for a phrase that ends in them)
        newly marked, in text order."""
        first = len(self.kept)
        self.kept += [t for t in tokens if not t.stop]
        new = {i for i in range(first, len(self.kept)) if self.matcher(self.kept[i].text)}
        for i in range(max(0, first - self.longest + 1), len(self.kept)):
            for p in self.phrases:
                if tuple(t.text for t in self.kept[i : i + len(p)]) == p:
                    new.update(range(i, i + len(p)))
        new -= self.marked
        self.marked |= new
        return [self.kept[i] for i in sorted(new)]


def highlight(text: str, matcher: Matcher, analyze: Analyze = terms) -> Snippet:
    """The whole text with every matched word marked (for titles and article pages)."""
    matches = _Marker(matcher).feed(analyze(text, 0))
    return Snippet(tuple(_fragments(text, 0, len(text), matches)))


def _best_start(matches: list[Term], size: int) -> int:
    """Offset of the match that opens the window covering the most distinct matched terms."""
    best, best_score = matches[0].start, -1.0
    j = 0
    for i, m in enumerate(matches):
        j = max(j, i)
        while j + 1 < len(matches) and matches[j + 1].end <= m.start + size - LEAD_CHARS:
            j += 1
        window = matches[i : j + 1]
        score = len({t.text for t in window}) + 0.01 * len(window)
        if score > best_score:
            best, best_score = m.start, score
    return best


def _scan(
    text: str, matcher: Matcher, size: int, analyze: Analyze, written: dict[str, list[str]] | None = None
) -> tuple[list[Term], list[Term]]:
    """(tokens, matches) of ``text``, analysed a chunk at a time. Once every word of the query has
    been seen (``matcher.groups``), the text is read only ``size`` characters further (the end of
    a window there, to the next space), not to its end, whatever the size of the chunks. Bodies
    run to thousands of words and every result needs a snippet: this is most of a search's own
    work. ``written``: see ``_wanted``."""
    groups = _wanted(getattr(matcher, "groups", ()), written, text)  # each word and its alternatives
    tokens: list[Term] = []
    matches: list[Term] = []
    found: set[str] = set()
    marker = _Marker(matcher)
    pos, stop, chunk_chars = 0, len(text), FIRST_CHUNK
    if groups == ():
        stop = _space_after(text, size)  # none of the query's words is there to be found
    while pos < stop:
        end = _space_after(text, min(pos + chunk_chars, stop))  # words never cross a chunk
        chunk_chars = min(2 * chunk_chars, LAST_CHUNK)
        chunk = analyze(text[pos:end], pos)
        tokens += chunk
        new = marker.feed(chunk)
        if new:
            late = matches and new[0].start < matches[-1].start  # a phrase that began before
            matches += new
            if late:
                matches.sort(key=lambda t: t.start)
        for t in new if groups and stop == len(text) else ():
            found.add(t.text)
            if all(g & found for g in groups):  # the match that completes the query's words
                stop = _space_after(text, t.end + size)
                break
        pos = end
    if stop < len(text):  # what the last chunk read past ``stop``: as if it had ended there
        tokens = [t for t in tokens if t.end <= stop]
        matches = [t for t in matches if t.end <= stop]
    return tokens, matches


def _wanted(
    groups: tuple[frozenset[str], ...], written: dict[str, list[str]] | None, text: str
) -> tuple[frozenset[str], ...] | None:
    """The query's words a scan of ``text`` waits for; None when the groups are unknown (the text
    is read to its end). ``written``: each term the article holds (title or body), with the
    words that write it there, kept at index time. A word none of whose spellings ``text``
    holds, even inside a longer word, is not in it: the scan does not wait for it. A body that
    lacks some of the query's words (they are in the headline, or the article was found by
    meaning) is then not read to its end, and one that lacks them all gives its lead."""
    if not groups:
        return None
    if written is None:
        return groups
    return tuple(
        g
        for g in groups
        if any(len(t) > WRITTEN_TERM_CHARS or any(w in text for w in written.get(t, ())) for t in g)
    )


# Text between two spaces longer than the longest word an engine keeps (indexer.words).
_LONG_RUN = re.compile("[^ ]{201}")


def _by_spellings(
    text: str, matcher: Matcher, size: int, analyze: Analyze, written: dict[str, list[str]] | None
) -> tuple[list[Term], list[Term]] | None:
    """What ``_scan`` finds, for what ``make_snippet`` reads of it, analysing only the words
    where the article's spellings of the query's terms stand (``written``: every marked term,
    with the words that write it in the title and body) and the window's own text: a match is a
    word the index kept, so it is one of those spellings. The stretch analysed begins and ends
    at a space, where the words are those of the whole text (as ``_scan``'s chunks). None
    where this cannot be answered so: phrases (their words' neighbours count), a marked term
    ``written`` does not cover, a word too long to have been kept."""
    marked: frozenset[str] | None = getattr(matcher, "terms", None)
    if (
        written is None
        or marked is None
        or getattr(matcher, "phrases", ())
        or any(t not in written for t in marked)
        or _LONG_RUN.search(text)
    ):
        return None
    groups = _wanted(getattr(matcher, "groups", ()), written, text)
    stop = _space_after(text, size) if groups == () else len(text)
    at: dict[int, int] = {}  # where a spelling stands: its length
    for t in marked:
        for w in written[t]:
            i = text.find(w)
            while i >= 0:
                at[i] = max(at.get(i, 0), len(w))
                i = text.find(w, i + 1)
    matches: list[Term] = []
    found: set[str] = set()
    read_to = 0
    for i in sorted(at):
        if i >= stop:
            break
        if i < read_to:
            continue  # read with the stretch of an earlier spelling
        begin, read_to = _space_before(text, i), _space_after(text, i + at[i])
        for t in analyze(text[begin:read_to], begin):
            if t.stop or not matcher(t.text) or (matches and t.start <= matches[-1].start):
                continue
            matches.append(t)
            if groups and stop == len(text):
                found.add(t.text)
                if all(g & found for g in groups):  # the match that completes the query's words
                    stop = _space_after(text, t.end + size)
    if stop < len(text):
        matches = [t for t in matches if t.end <= stop]
    # The window's words: from where its context may begin to where it may end.
    low, high = 0, size
    if matches:
        anchor = _best_start(matches, size)
        low = min(max(0, anchor - LEAD_CHARS), max(0, len(text) - size))
        high = anchor + size
    begin = _space_before(text, low)
    return analyze(text[begin : min(_space_after(text, high), stop)], begin), matches


def _space_before(text: str, at: int) -> int:
    """The last space at or before ``at`` (0 if none): a stretch read from there has the words
    of the whole text."""
    return max(text.rfind(" ", 0, at + 1), 0)


def _space_after(text: str, at: int) -> int:
    """The first space at or after ``at`` (the end of the text if none)."""
    if at >= len(text):
        return len(text)
    space = text.find(" ", at)
    return space if space >= 0 else len(text)


def make_snippet(
    text: str,
    matcher: Matcher,
    size: int = SNIPPET_CHARS,
    analyze: Analyze = terms,
    written: dict[str, list[str]] | None = None,
) -> Snippet:
    """About ``size`` characters of ``text`` around its best cluster of matches (``written``:
    see ``_wanted``)."""
    scan = text[:SCAN_LIMIT]
    found = _by_spellings(scan, matcher, size, analyze, written)
    tokens, matches = found if found is not None else _scan(scan, matcher, size, analyze, written)

    start = 0
    if matches:
        anchor = _best_start(matches, size)
        # Some context before the first match; near the end of the text, fill the window backwards.
        want = min(max(0, anchor - LEAD_CHARS), max(0, len(scan) - size))
        if want > 0:
            start = next((t.start for t in tokens if t.start >= want), anchor)
    limit = start + size
    ends = [t.end for t in tokens if start < t.end <= limit]
    if limit >= len(text):
        end = len(text)
    elif ends:
        end = ends[-1]
    else:
        end = floor_boundary(text, limit)  # one word longer than the snippet: cut between clusters
        if end <= start:
            end = ceil_boundary(text, limit)
    frags = _fragments(text, start, end, matches)
    frags = [(t if hit else _SPACES.sub(" ", t), hit) for t, hit in frags]
    # Collapsing whitespace can leave empty or doubled edges; keep single spaces only.
    if frags and not frags[0][1]:
        frags[0] = (frags[0][0].lstrip(), False)
    if frags and not frags[-1][1]:
        frags[-1] = (frags[-1][0].rstrip(), False)
    if start > 0:
        frags.insert(0, (ELLIPSIS + " ", False))
    if end < len(text.rstrip()):
        frags.append((" " + ELLIPSIS, False))
    return Snippet(tuple((t, hit) for t, hit in frags if t))

"""What of an article its vector stands for: the headline and the lead.

The model reads at most 512 tokens, and a news article says what it is about first; the
headline and the first LEAD_CHARS characters of the body (about 180 tokens of Hindi) are
embedded. The cut falls at the last space before the limit, else at a grapheme boundary, so no
letter loses its vowel sign. The key of a passage (``key``) is what the vector cache is looked
up by: the same text under the same model is embedded once, in any index.
"""

from __future__ import annotations

import hashlib

from indexer.analysis.graphemes import floor_boundary
from indexer.records import Article

LEAD_CHARS = 600


def lead(body: str, limit: int = LEAD_CHARS) -> str:
    """The body's first ``limit`` characters at most, cut between words where it can be."""
    text = " ".join(body.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    if cut < limit // 2:  # one very long "word" (a URL, a table): cut between letters
        cut = floor_boundary(text, limit)
    return text[:cut].rstrip()


def passage_text(article: Article) -> str:
    """The text embedded for ``article``: headline, then the lead of the body."""
    title = " ".join(article.title.split())
    body = lead(article.body)
    return f"{title}\n{body}" if title and body else title or body


def key(model_checksum: str, text: str) -> bytes:
    """16 bytes that name ``text`` embedded by the model ``model_checksum``."""
    return hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"), digest_size=16, key=model_checksum.encode()[:64]
    ).digest()

"""Bytes of a web page to text.

A page's encoding can be named three times, and the three can disagree: a byte-order mark, the
HTTP ``Content-Type`` header (in a WARC response record) and a ``<meta charset>`` or
``http-equiv`` in the page. Browsers trust them in that order. Hindi pages add one rule of
their own: windows-1252 and ISO-8859-1 cannot hold a Devanagari letter, and an old CMS that
declares them while writing UTF-8 is common, so bytes that are valid UTF-8 with any non-ASCII in
them are read as UTF-8 whatever a header or meta says (decoding them as windows-1252 gives
``à¤¹à¤¿`` mojibake; text in another encoding is almost never valid UTF-8 by chance).
Anything that does not decode is decoded with replacement characters and said so, rather than
lost.
"""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
SNIFF = 4096  # the meta must be in the page's first bytes, as browsers expect


def declared(content_type: str | None) -> str | None:
    """The charset an HTTP ``Content-Type`` value names, if any."""
    m = _HEADER.search(content_type or "")
    return m.group(1).lower() if m else None


def in_meta(head: bytes) -> str | None:
    """The charset a page's ``<meta>`` names in its first bytes, if any."""
    m = _META.search(head[:SNIFF])
    return m.group(1).decode("ascii", "replace").lower() if m else None


# As browsers do (the WHATWG Encoding Standard): these labels mean windows-1252.
_AS_1252 = {"latin-1", "iso8859-1", "ascii"}


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    return "cp1252" if found in _AS_1252 else found


def decode_page(data: bytes, content_type: str | None = None) -> tuple[str, str, str | None]:
    """(text, the encoding read, a note when the page's own labels were overruled or bytes were
    broken)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(name if name != "utf-16" else "utf-16", errors="replace")
            return text, name, None
    header, meta = _known(declared(content_type)), _known(in_meta(data))
    label = header or meta
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        if label not in (None, "utf-8") and not data.isascii():
            return text, "utf-8", f"declared {label}, but the bytes are UTF-8: read as UTF-8"
        return text, "utf-8", None
    name = label or "windows-1252"
    try:
        return data.decode(name), name, None
    except UnicodeDecodeError:
        text = data.decode(name, errors="replace")
        return text, name, f"not valid {name}: broken bytes replaced"

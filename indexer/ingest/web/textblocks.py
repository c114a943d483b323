"""An HTML fragment (a feed item's content) as plain text, a line per paragraph.

Unlike a whole page, a feed item's content is the story and nothing else, so every block is
kept: paragraphs, list items, headings and line breaks each end a line; scripts and styles go.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section",
           "article", "figure", "ul", "ol", "table", "pre", "hr"}  # fmt: skip
_DROP = {"script", "style", "noscript", "iframe", "object", "embed", "form", "figcaption"}


def html_text(fragment: str) -> str:
    """The text of ``fragment``, one line per block, whitespace collapsed within lines."""
    if "<" not in fragment:
        return " ".join(fragment.split())
    try:
        parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
        root = lxml_html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return " ".join(fragment.split())
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join(" ".join(current).split())
        if text:
            lines.append(text)
        current.clear()

    # Iteratively, not by recursion: a page of ten thousand nested tags is still a page.
    skipping: etree._Element | None = None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if skipping is not None:
            if event == "end" and el is skipping:
                skipping = None
                if el.tail:
                    current.append(el.tail)
            continue
        if event == "start":
            if tag in _DROP:
                skipping = el
                continue
            if tag in _BLOCKS:
                flush()
            if el.text:
                current.append(el.text)
        else:
            if tag in _BLOCKS:
                flush()
            if el.tail and el is not root:
                current.append(el.tail)
    flush()
    return "\n".join(lines)
